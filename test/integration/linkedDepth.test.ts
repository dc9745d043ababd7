import { afterEach, describe, expect, it } from 'vitest';
import type { Directory } from '../../server/domain/directory/directory.js';
import { smallMeetingInput } from '../helpers/domain.js';
import {
  inviteUnit,
  LINKED_ADMIN_KEY,
  linkUp,
  startCoordinator,
  linkedHarness,
  threeLevels,
  startNation,
  startProvince,
} from '../helpers/linked.js';
import { until } from '../helpers/poll.js';

const CHAIR = { role: 'chair' } as const;
const presiding = { name: 'Lò Văn Pầng', title: 'Trưởng thôn' };
const harness = linkedHarness();
const { tracked, pointOf } = harness;

afterEach(() => harness.closeAll());

describe('linked meetings of any depth', () => {
  it('nation → province → commune → village: a village is present, answers the roll call and gets the floor, with the same code', async () => {
    const { nation, province, xa } = await threeLevels(tracked);
    const tw = nation.server.meetings.get('tw');
    await until(() => tw.state.def.invitedPointIds.includes('P1.X1.DC-T2'), 10_000, 'the village in the nation');
    expect(tw.state.def.points.find((p) => p.code === 'P1.X1.DC-T2')?.unitCode).toBe('P1.X1.T2');
    expect(tw.state.def.units.find((u) => u.code === 'P1.X1.T2')?.parentCode).toBe('P1.X1');

    const village = await pointOf(xa, 'xa', 'DC-T2');
    await until(() => tw.state.points['P1.X1.DC-T2']?.connected === true, 10_000, 'the village present at the top');

    await tw.execute({ type: 'rollcall.start', deadlineSec: 120 }, CHAIR);
    const xaMeeting = xa.server.meetings.get('xa');
    await until(
      () => xaMeeting.state.rollCalls.at(-1)?.parentRollCallId !== undefined,
      10_000,
      'the roll call two levels down',
    );
    expect(await village.timeout(5000).emitWithAck('rollcall:confirm', { headcount: 41, presiding })).toMatchObject({
      ok: true,
    });
    await until(
      () => tw.state.rollCalls[0]?.confirmations['P1.X1.DC-T2']?.headcount === 41,
      10_000,
      "the village's answer at the top",
    );

    await tw.execute({ type: 'floor.grant', pointId: 'P1.X1.DC-T2', limitSec: 60 }, CHAIR);
    await until(() => xaMeeting.state.floor?.pointId === 'DC-T2', 10_000, 'the turn two levels down');
    expect(xaMeeting.state.floor?.fromParent).toBe(true);
    expect(province.server.meetings.get('tinh').state.floor).toMatchObject({ pointId: 'X1.DC-T2', fromParent: true });
    await tw.execute({ type: 'floor.revoke' }, CHAIR);
    await until(() => xaMeeting.state.floor === null, 10_000, 'the turn ended two levels down');

    // A meeting cannot be linked below itself: the nation into the commune's meeting.
    const loop = await nation.api('PUT', '/api/meetings/tw/uplink', {
      parentUrl: xa.url,
      linkToken: await inviteUnit(xa, 'T1', 'xa'),
    });
    expect(loop).toMatchObject({ status: 409, body: { error: { code: 'LINK_LOOP' } } });
  });

  it("links a province of 1,500 points: a report far larger than a console's message", async () => {
    const nation = await tracked(startNation());
    const big = await tracked(startCoordinator('127.0.0.3'));
    const units: Directory['units'] = [{ code: 'T', name: 'Tỉnh Lớn', level: 'province', parentCode: null }];
    const points: Directory['points'] = [
      { code: 'DC-T', name: 'Hội trường Tỉnh ủy', level: 'province', unitCode: 'T', technician: null },
    ];
    for (let i = 1; i <= 1500; i += 1) {
      units.push({ code: `X${i}`, name: `Xã Thứ ${i}`, level: 'commune', parentCode: 'T' });
      points.push({
        code: `DC-X${i}`,
        name: `Điểm cầu Ủy ban nhân dân xã Thứ ${i}`,
        level: 'commune',
        unitCode: `X${i}`,
        technician: null,
      });
    }
    await big.server.meetings.replaceDirectory({ units, points });
    await big.server.meetings.createMeeting({
      ...smallMeetingInput({ hubPointId: 'DC-T', invite: { units: ['T'] } }),
      id: 'lon',
    });
    expect((await linkUp(big, 'lon', nation, await inviteUnit(nation, 'P1'))).status).toBe(200);
    expect(nation.server.meetings.get('tw').state.links.P1?.points).toHaveLength(1501);
  });

  it('the parent restarting mid roll call: an answer given while it was down arrives once, and its attendance lists the child', async () => {
    const nation = await tracked(startNation());
    const province = await tracked(startProvince('127.0.0.3', 'tinh'));
    expect((await linkUp(province, 'tinh', nation, await inviteUnit(nation, 'P1'))).status).toBe(200);
    const x3 = await pointOf(province, 'tinh', 'DC-X3');
    let tw = nation.server.meetings.get('tw');
    await until(() => tw.state.points['P1.DC-X3']?.connected === true, 10_000, 'present at the parent');
    await tw.execute({ type: 'rollcall.start', deadlineSec: 300 }, CHAIR);
    const tinh = province.server.meetings.get('tinh');
    await until(() => tinh.state.rollCalls.at(-1)?.parentRollCallId === 'rc1', 10_000, 'the roll call down');

    const port = new URL(nation.url).port;
    const dataDir = nation.dataDir;
    await nation.server.close();
    await until(() => tinh.state.uplink?.state === 'lost', 10_000, 'the child sees the link lost');
    expect(await x3.timeout(5000).emitWithAck('rollcall:confirm', { headcount: 12, presiding })).toMatchObject({
      ok: true,
    });
    const again = await tracked(startCoordinator('127.0.0.2', { dataDir, env: { PORT: port } }));
    tw = again.server.meetings.get('tw');
    await until(() => tw.state.links.P1?.state === 'linked', 20_000, 'the link resumed');
    await until(() => tw.state.rollCalls[0]?.confirmations['P1.DC-X3']?.headcount === 12, 10_000, 'the answer');
    const confirmations = (await again.server.meetings.log('tw')).filter(
      (e) => e.type === 'RollCallConfirmed' && e.pointId === 'P1.DC-X3',
    );
    expect(confirmations).toHaveLength(1);

    const csv = await fetch(`${again.url}/api/meetings/tw/attendance.csv`, {
      headers: { 'x-api-key': LINKED_ADMIN_KEY },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain('Điểm cầu Xã Đông Hà');
    expect(text).toContain('Huyện Hai');
  });
});
