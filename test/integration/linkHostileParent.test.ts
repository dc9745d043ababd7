import { afterEach, describe, expect, it } from 'vitest';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replay } from '../../server/domain/apply.js';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { tempDir } from '../helpers/tmp.js';
import { helloAnswerBody, startFakeParent } from '../helpers/fakeParent.js';
import { linkedHarness, linkUp, startCoordinator, startProvince, type Coordinator } from '../helpers/linked.js';
import { until, wait } from '../helpers/poll.js';

const harness = linkedHarness();
const removals: (() => Promise<void>)[] = [];
const { tracked } = harness;
const parents: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(parents.splice(0).map((p) => p.close()));
  await harness.closeAll();
  await Promise.all(removals.splice(0).map((remove) => remove()));
});

const LINK_TOKEN = 'a-link-token-of-a-parent-0123456789';
const CHAIR = { role: 'chair' } as const;

/** The child's log, checked to replay to the state it has and to hold no value that JSON could not carry. */
async function checkedLog(child: Coordinator, meetingId: string) {
  const log = await child.server.meetings.log(meetingId);
  const text = JSON.stringify(log);
  expect(text).not.toContain('NaN');
  expect(text).not.toContain('null,"closesAt"');
  const replayed = replay(JSON.parse(text));
  const live = child.server.meetings.get(meetingId).state;
  expect(replayed.seq).toBe(live.seq);
  expect(replayed.uplink).toEqual(live.uplink);
  expect(replayed.rollCalls).toEqual(live.rollCalls);

  return log;
}

const fakeParent = async (answer: Parameters<typeof startFakeParent>[1]) => {
  const parent = await startFakeParent('127.0.0.2', answer);
  parents.push(parent);

  return parent;
};

describe('a child linked to a parent that is not well-behaved', () => {
  it('survives a catch-up its meeting refuses: the link is recorded, each step that fails is logged, nothing else changes', async () => {
    // The parent has a roll call open and a turn for a point of the child, while the child's meeting is only
    // scheduled: both steps of the catch-up are refused by the child's rules.
    const parent = await fakeParent((event) =>
      event === 'link:hello'
        ? helloAnswerBody({
            rollCall: {
              rollCallId: 'rc1',
              deadlineAt: Date.now() + 60_000,
              closesAt: Date.now() + 90_000,
              confirmed: [],
            },
            turn: { pointId: 'DC-X1', limitSec: 120, warned: false },
          })
        : { ok: true },
    );
    const child = await tracked(startCoordinator('127.0.0.3'));
    await child.server.meetings.replaceDirectory(smallDirectory());
    await child.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'tinh' });
    const other = await child.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'khac' });

    const linked = await linkUp(child, 'tinh', { url: parent.url } as Coordinator, LINK_TOKEN);
    expect(linked).toMatchObject({ status: 200, body: { state: 'linked', unitId: 'P1' } });
    const tinh = child.server.meetings.get('tinh');
    expect(tinh.state.uplink?.state).toBe('linked');
    expect(tinh.state.rollCalls).toEqual([]);
    expect(tinh.state.floor).toBeNull();
    await checkedLog(child, 'tinh');
    // The coordinator and its other meeting go on.
    await other.execute({ type: 'meeting.open' }, CHAIR);
    expect(other.state.status).toBe('open');
  });

  it('parses every notice of the parent: malformed ones change nothing, are counted and audited, and are answered with the error when an answer is asked', async () => {
    const parent = await fakeParent((event) => (event === 'link:hello' ? helloAnswerBody() : { ok: true }));
    const child = await tracked(startProvince('127.0.0.3', 'tinh'));
    expect((await linkUp(child, 'tinh', { url: parent.url } as Coordinator, LINK_TOKEN)).status).toBe(200);
    const tinh = child.server.meetings.get('tinh');
    const before = await checkedLog(child, 'tinh');
    const [socket] = parent.sockets();
    expect(socket).toBeDefined();
    const hostile: [string, unknown][] = [
      ['link:rollCall', null],
      ['link:rollCall', { rollCallId: 'rc9', deadlineAt: 'soon', closesAt: 1 }],
      ['link:rollCall', { rollCallId: 'rc9', deadlineAt: Number.NaN, closesAt: -1 }],
      ['link:rollCall', { rollCallId: 'x'.repeat(10_000), deadlineAt: 1, closesAt: 2 }],
      ['link:rollCallClosed', 42],
      ['link:turn', { pointId: 'DC-X1', limitSec: '120' }],
      ['link:turn', { pointId: ['DC-X1'], limitSec: 120 }],
      ['link:turnEnded', { pointId: 'DC-X1', reason: 'because' }],
      ['link:denied', { pointId: { $ne: null }, reason: null }],
      ['link:status', 'ended'],
      ['link:slides', { slides: { documentId: '../../etc/passwd', page: 1 } }],
      ['link:media:sources', { sources: new Array(10_000).fill({ key: 'k' }) }],
    ];
    for (const [event, body] of hostile) {
      socket?.emit(event, body);
    }
    const answered = (await socket?.timeout(5000).emitWithAck('link:turn', { pointId: 'DC-X1' })) as unknown;
    expect(answered).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await until(
      () => (child.server.faults.counts.get('link') ?? 0) >= hostile.length + 1,
      10_000,
      'every notice counted',
    );

    // Nothing of the meeting changed but the audit trail, which says what was refused.
    const after = await checkedLog(child, 'tinh');
    const added = after.slice(before.length);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((e) => e.type === 'AuditRecorded' && e.action === 'link_refused')).toBe(true);
    expect(tinh.state.rollCalls).toEqual([]);
    expect(tinh.state.floor).toBeNull();
    expect(tinh.state.uplink?.parentSlides).toBeNull();

    // A well-formed notice still works after them.
    socket?.emit('link:rollCall', {
      rollCallId: 'rc1',
      deadlineAt: Date.now() + 60_000,
      closesAt: Date.now() + 90_000,
    });
    await until(() => tinh.state.rollCalls.at(-1)?.parentRollCallId === 'rc1', 10_000, 'the roll call mirrored');
    await checkedLog(child, 'tinh');
  });

  it('refuses a hello answer that does not parse, and records nothing', async () => {
    const parent = await fakeParent((event) =>
      event === 'link:hello' ? helloAnswerBody({ rollCall: { rollCallId: 'rc1', deadlineAt: 'soon' } }) : { ok: true },
    );
    const child = await tracked(startProvince('127.0.0.3', 'tinh'));
    const linked = await linkUp(child, 'tinh', { url: parent.url } as Coordinator, LINK_TOKEN);
    expect(linked.status).toBe(400);
    expect(linked.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(child.server.meetings.get('tinh').state.uplink).toBeNull();
  });

  it('records a link only once the parent answered: a refused try leaves nothing in the log and the next try links', async () => {
    let refuse = true;
    const parent = await fakeParent((event) =>
      event === 'link:hello'
        ? refuse
          ? { ok: false, error: { code: 'TOKEN_REVOKED', message: 'Lời mời đã bị thu hồi' } }
          : helloAnswerBody()
        : { ok: true },
    );
    const child = await tracked(startProvince('127.0.0.3', 'tinh'));
    const refused = await linkUp(child, 'tinh', { url: parent.url } as Coordinator, LINK_TOKEN);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_REVOKED' } } });
    expect(child.server.meetings.get('tinh').state.uplink).toBeNull();
    expect((await child.server.meetings.log('tinh')).some((e) => e.type === 'UplinkConfigured')).toBe(false);

    refuse = false;
    const linked = await linkUp(child, 'tinh', { url: parent.url } as Coordinator, LINK_TOKEN);
    expect(linked).toMatchObject({ status: 200, body: { state: 'linked' } });
  });

  it('sends a report again until the parent answers it', async () => {
    let unanswered = 2;
    const parent = await fakeParent((event) => {
      if (event === 'link:hello') {
        return helloAnswerBody({
          rollCall: {
            rollCallId: 'rc1',
            deadlineAt: Date.now() + 60_000,
            closesAt: Date.now() + 90_000,
            confirmed: [],
          },
        });
      }
      if (event === 'link:confirm' && unanswered > 0) {
        unanswered -= 1;

        return undefined;
      }

      return { ok: true };
    });
    const child = await tracked(startProvince('127.0.0.3', 'tinh', { LINK_TIMEOUT_MS: '500' }));
    expect((await linkUp(child, 'tinh', { url: parent.url } as Coordinator, LINK_TOKEN)).status).toBe(200);
    const tinh = child.server.meetings.get('tinh');
    await until(() => tinh.state.rollCalls.at(-1)?.parentRollCallId === 'rc1', 10_000, 'the roll call mirrored');
    const rollCallId = tinh.state.rollCalls.at(-1)?.rollCallId as string;
    await tinh.execute({ type: 'point.connect', pointId: 'DC-X1' }, { role: 'system' });
    await tinh.execute(
      {
        type: 'rollcall.confirm',
        rollCallId,
        pointId: 'DC-X1',
        headcount: 12,
        presiding: { name: 'Lê Thị Hoa', title: 'Chủ tịch UBND xã' },
      },
      { role: 'point', pointId: 'DC-X1' },
    );
    await until(
      () => parent.received.filter((r) => r.event === 'link:confirm').length >= 3,
      20_000,
      'the answer sent until acknowledged',
    );
    await wait(1500);
    // Acknowledged on the third try: not sent again after that.
    expect(parent.received.filter((r) => r.event === 'link:confirm')).toHaveLength(3);
  });

  it("keeps the invitation out of the meeting's log: kept apart, used again after a restart, an older log's moved apart", async () => {
    const parent = await fakeParent((event) => (event === 'link:hello' ? helloAnswerBody() : { ok: true }));
    const temp = await tempDir();
    removals.push(temp.remove);
    const start = async () => {
      const c = await startCoordinator('127.0.0.3', { dataDir: temp.dir });
      if (!c.server.meetings.has('tinh')) {
        await c.server.meetings.replaceDirectory(smallDirectory());
        await c.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'tinh' });
      }

      return c;
    };
    const first = await start();
    expect((await linkUp(first, 'tinh', { url: parent.url } as Coordinator, LINK_TOKEN)).status).toBe(200);
    const logFile = join(temp.dir, 'meetings', 'tinh.jsonl');
    const credentials = join(temp.dir, 'link-credentials.json');
    expect(await readFile(logFile, 'utf8')).not.toContain(LINK_TOKEN);
    expect(JSON.parse(await readFile(credentials, 'utf8'))).toEqual({ tinh: LINK_TOKEN });
    expect((await stat(credentials)).mode & 0o777).toBe(0o600);
    await first.close();

    // A restart links up again with the invitation kept apart.
    const tokens = () => parent.sockets().map((s) => (s.handshake.auth as { token?: string }).token);
    const second = await start();
    await until(() => tokens().includes(LINK_TOKEN), 20_000, 'the link resumed with the kept invitation');
    await second.close();

    // A log written by an older version has the invitation in it: it is resumed, and kept apart from then on.
    const log = await readFile(logFile, 'utf8');
    await writeFile(logFile, log.replace(/"linkTokenId":"[0-9a-f]+"/, `"linkToken":"${LINK_TOKEN}"`));
    await rm(credentials);
    const third = await tracked(start());
    await until(
      () => tokens().includes(LINK_TOKEN) && parent.sockets().length === 1,
      20_000,
      'resumed from an old log',
    );
    await until(async () => (await readFile(credentials, 'utf8').catch(() => '')).includes(LINK_TOKEN), 10_000, 'kept');
    expect(third.server.meetings.get('tinh').state.uplink?.state).toBe('linked');
  });
});
