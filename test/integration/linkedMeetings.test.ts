import { afterEach, describe, expect, it } from 'vitest';
import {
  inviteUnit,
  LINKED_ADMIN_KEY,
  linkUp,
  linkedHarness,
  startCoordinator,
  startNation,
  startProvince,
} from '../helpers/linked.js';
import { until } from '../helpers/poll.js';

const presiding = { name: 'Hoàng Thị Mai', title: 'Chủ tịch UBND xã' };
const CHAIR = { role: 'chair' } as const;
const ADMIN_KEY = LINKED_ADMIN_KEY;

const harness = linkedHarness();
const { tracked, pointOf } = harness;

afterEach(() => harness.closeAll());
const nation = () => tracked(startNation());
const province = (host: string, id: string) => tracked(startProvince(host, id));
const coordinator = (host: string, dataDir: string) => tracked(startCoordinator(host, { dataDir }));
const invite = inviteUnit;
const link = linkUp;

describe('linked meetings across coordinators', () => {
  it("links two provinces into the nation: points, presence, roll call and floor cross the link; the parent's record has them", async () => {
    const parent = await nation();
    const a = await province('127.0.0.3', 'tinh-a');
    const b = await province('127.0.0.4', 'tinh-b');
    const linkedA = await link(a, 'tinh-a', parent, await invite(parent, 'P1'));
    expect(linkedA).toMatchObject({ status: 200, body: { state: 'linked', parentMeetingId: 'tw', unitId: 'P1' } });
    expect((await link(b, 'tinh-b', parent, await invite(parent, 'P2'))).status).toBe(200);
    expect((await a.api('GET', '/api/meetings/tinh-a/uplink')).body).toMatchObject({
      state: 'linked',
      parentMeetingId: 'tw',
      parentTitle: 'Hội nghị trực tuyến toàn quốc',
      lastError: null,
    });

    const tw = parent.server.meetings.get('tw');
    // Each child's hall and its six points are points of the nation's meeting.
    expect(tw.state.def.invitedPointIds).toHaveLength(14);
    expect(tw.state.def.invitedPointIds).toContain('P1.DC-X3');

    // Presence: a commune of A joins on its own coordinator and is in the nation's meeting.
    const x1 = await pointOf(a, 'tinh-a', 'DC-X1');
    await until(() => tw.state.points['P1.DC-X1']?.connected === true, 10_000, 'the commune present at the parent');
    const detail = (await parent.api('GET', '/api/meetings/tw')).body;
    expect(detail.links).toEqual([
      expect.objectContaining({ unitId: 'P1', state: 'linked', points: 7, connectedPoints: 1 }),
      expect.objectContaining({ unitId: 'P2', state: 'linked', points: 7, connectedPoints: 0 }),
    ]);

    // Roll call: the nation asks; A's commune answers on its own console; the nation counts it under P1.
    await tw.execute({ type: 'rollcall.start', deadlineSec: 120 }, CHAIR);
    const tinhA = a.server.meetings.get('tinh-a');
    await until(() => tinhA.state.rollCalls.at(-1)?.parentRollCallId === 'rc1', 10_000, 'the roll call down in A');
    const confirmed = await x1.timeout(5000).emitWithAck('rollcall:confirm', { headcount: 17, presiding });
    expect(confirmed).toMatchObject({ ok: true });
    await until(
      () => tw.state.rollCalls[0]?.confirmations['P1.DC-X1']?.headcount === 17,
      10_000,
      "the commune's answer at the parent",
    );

    // Floor: A's commune asks to speak to the nation; A's chair forwards it; the nation grants and ends the turn.
    const asked = await x1
      .timeout(5000)
      .emitWithAck('floor:request', { kind: 'petition', topic: 'Giải phóng mặt bằng', toParent: true });
    expect(asked).toMatchObject({ ok: true });
    const requestId = (asked as unknown as { requestId: string }).requestId;
    await tinhA.execute({ type: 'floor.forward', requestId }, CHAIR);
    await until(() => tw.state.queue.length === 1, 10_000, 'the request in the parent queue');
    const queued = tw.state.requests[tw.state.queue[0]!]!;
    expect(queued).toMatchObject({ pointId: 'P1.DC-X1', kind: 'petition', topic: 'Giải phóng mặt bằng' });
    await tw.execute({ type: 'floor.next', limitSec: 120 }, CHAIR);
    await until(() => tinhA.state.floor?.fromParent === true, 10_000, "the parent's turn in A");
    expect(tinhA.state.floor).toMatchObject({ pointId: 'DC-X1', limitSec: 120 });
    expect(b.server.meetings.get('tinh-b').state.floor).toBeNull();
    await tw.execute({ type: 'floor.revoke' }, CHAIR);
    await until(() => tinhA.state.floor === null, 10_000, 'the turn ended in A');
    expect(tinhA.state.requests[requestId]?.status).toBe('done');
    // Called on again, the commune finishes its turn itself: the nation's floor is free.
    await tw.execute({ type: 'floor.grant', pointId: 'P1.DC-X1', limitSec: 60 }, CHAIR);
    await until(() => tinhA.state.floor?.fromParent === true, 10_000, 'the second turn in A');
    expect(await x1.timeout(5000).emitWithAck('floor:release', {})).toMatchObject({ ok: true });
    await until(() => tw.state.floor === null, 10_000, 'the release at the parent');
    expect(tw.state.turns.at(-1)).toMatchObject({ pointId: 'P1.DC-X1', reason: 'released' });

    // The nation's audit trail names what came through the link.
    const audit = await fetch(`${parent.server.url}/api/meetings/tw/audit.json`, {
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(audit.status).toBe(200);
    const trail = JSON.stringify(await audit.json());
    expect(trail).toContain('Hội nghị cấp dưới kết nối');
  });

  it('refuses a malformed or unreachable parent, a replayed or revoked invitation and a loop, changing nothing', async () => {
    const parent = await nation();
    const a = await province('127.0.0.3', 'tinh-a');
    const token = await invite(parent, 'P1');

    const malformed = await a.api('PUT', '/api/meetings/tinh-a/uplink', { parentUrl: 'ftp://x', linkToken: token });
    expect(malformed.status).toBe(400);
    const unreachable = await a.api('PUT', '/api/meetings/tinh-a/uplink', {
      parentUrl: 'http://127.0.0.9:9',
      linkToken: token,
    });
    expect(unreachable).toMatchObject({ status: 502, body: { error: { code: 'LINK_UNREACHABLE' } } });
    expect(a.server.meetings.get('tinh-a').state.uplink).toBeNull();
    const foreign = await link(a, 'tinh-a', parent, 'x'.repeat(40));
    expect(foreign).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });

    expect((await link(a, 'tinh-a', parent, token)).status).toBe(200);
    // The same invitation replayed by another province's meeting.
    const other = await province('127.0.0.4', 'tinh-khac');
    const replay = await link(other, 'tinh-khac', parent, token);
    expect(replay).toMatchObject({ status: 409, body: { error: { code: 'LINK_IN_USE' } } });
    expect(other.server.meetings.get('tinh-khac').state.uplink).toBeNull();

    // A meeting into itself.
    const self = await parent.api('PUT', '/api/meetings/tw/uplink', {
      parentUrl: parent.server.url,
      linkToken: await invite(parent, 'P2'),
    });
    expect(self).toMatchObject({ status: 409, body: { error: { code: 'LINK_LOOP' } } });

    // A revoked invitation: the link drops and is refused from then on.
    const tokenId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;
    expect((await parent.api('POST', `/api/meetings/tw/tokens/${tokenId}/revoke`)).status).toBe(200);
    const tw = parent.server.meetings.get('tw');
    await until(() => tw.state.links.P1?.state === 'lost', 10_000, 'the revoked link lost');
    await until(
      async () => (await a.api('GET', '/api/meetings/tinh-a/uplink')).body.state === 'lost',
      10_000,
      'the child told',
    );
    const again = await link(other, 'tinh-khac', parent, token);
    expect(again).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_REVOKED' } } });
  });

  it('survives the child coordinator restarting: the parent shows it lost (not its points absent), then resumes', async () => {
    const parent = await nation();
    const a = await province('127.0.0.3', 'tinh-a');
    expect((await link(a, 'tinh-a', parent, await invite(parent, 'P1'))).status).toBe(200);
    await pointOf(a, 'tinh-a', 'DC-X2');
    const tw = parent.server.meetings.get('tw');
    await until(() => tw.state.points['P1.DC-X2']?.connected === true, 10_000, 'present at the parent');

    await a.server.close();
    await until(() => tw.state.links.P1?.state === 'lost', 10_000, 'the link lost at the parent');
    expect(tw.state.points['P1.DC-X2']?.connected).toBe(true);

    const restarted = await coordinator('127.0.0.3', a.dataDir);
    await until(() => tw.state.links.P1?.state === 'linked', 15_000, 'the link resumed');
    // The restarted child's sockets died with it: its point is absent now, on both sides.
    await until(() => tw.state.points['P1.DC-X2']?.connected === false, 10_000, 'presence reconciled');
    expect(restarted.server.meetings.get('tinh-a').state.uplink?.state).toBe('linked');
  });
});
