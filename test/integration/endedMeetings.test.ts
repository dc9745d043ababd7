import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { BRIDGES, bridgeEnv } from '../helpers/mediasoup.js';
import { until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

describe.each(BRIDGES)('an ended meeting’s media rooms [$bridge]', ({ bridge, skip }) => {
  it.skipIf(skip)('close when its last console leaves, not before, and open again for a later join', async () => {
    t = await startTestServer({ env: await bridgeEnv(bridge, { MEDIASOUP_WORKERS: '1' }) });
    const media = t.server.media.bridge;
    const { socket: chair } = await t.connect('chair');
    const { socket: point } = await t.connect('point', 'DC-X1');
    for (const socket of [chair, point]) {
      expect(await request(socket, 'media:join', {})).toMatchObject({ ok: true });
    }
    expect(media.meetingCount).toBe(1);
    await t.meeting.execute({ type: 'meeting.end' }, { role: 'chair' });
    // Still watched (the chair, then a console opened after the end): the rooms stay.
    point.close();
    const { socket: late } = await t.connect('chair');
    expect(await request(late, 'media:join', {})).toMatchObject({ ok: true });
    chair.close();
    await until(() => t.server.media.participantsOf('m1').length === 1, 20_000, 'the first chair gone');
    expect(media.meetingCount).toBe(1);
    late.close();
    await until(() => media.meetingCount === 0, 20_000, 'the ended meeting’s media rooms closed');

    // A console that opens the ended meeting's media again gets fresh rooms, and they close after it.
    const { socket: again } = await t.connect('chair');
    expect(await request(again, 'media:join', {})).toMatchObject({ ok: true });
    expect(media.meetingCount).toBe(1);
    again.close();
    await until(() => media.meetingCount === 0, 20_000, 'closed again');
    expect(media.closed).toBe(false);
  });
});

const api = (path: string) => fetch(`${t.url}${path}`, { headers: { 'x-api-key': ADMIN_KEY } });

describe('an ended meeting leaves memory and comes back when asked for', () => {
  beforeEach(async () => {
    t = await startTestServer({ env: { ENDED_MEETING_KEEP_SEC: '0' } });
  });

  it('is let go once ended and unused, listed all the while, and read again from its log for its record', async () => {
    const { socket } = await t.connect('point', 'DC-X1');
    await t.meeting.execute({ type: 'meeting.end' }, { role: 'chair' });
    const seq = t.meeting.state.seq;
    // A console still on it holds it in memory.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(t.server.meetings.loaded('m1')).toBeDefined();
    socket.close();
    await until(() => t.server.meetings.loaded('m1') === undefined, 20_000, 'the ended meeting let go');

    // Listed as it was, without being read again.
    const list = (await (await api('/api/meetings')).json()) as { meetings: { id: string; status: string }[] };
    expect(list.meetings).toContainEqual(expect.objectContaining({ id: 'm1', status: 'ended', seq }));
    expect(t.server.meetings.loaded('m1')).toBeUndefined();

    // Its record: read again from the log, whole.
    const detail = await api('/api/meetings/m1');
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ id: 'm1', status: 'ended' });
    expect(t.server.meetings.get('m1').state.seq).toBe(seq);
    const attendance = await api('/api/meetings/m1/attendance.csv');
    expect(attendance.status).toBe(200);
    expect(await attendance.text()).toContain('DC-X1');
    // …and let go again once unused.
    await until(() => t.server.meetings.loaded('m1') === undefined, 20_000, 'let go again');
    const tasks = await api('/api/tasks.xlsx');
    expect(tasks.status).toBe(200);
  });
});
