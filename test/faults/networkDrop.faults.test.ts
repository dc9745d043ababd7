import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMeeting, request } from '../../server/protocol/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a point's network drops for 30 s", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps its queue position and roll-call confirmation; attendance shows the gap as a leave and a return', async () => {
    const { socket: chair } = await t.connect('chair');
    await request(chair, 'meeting:start', {});
    const token = await t.token('point', 'DC-X1');
    const first = await connectMeeting(t.url, token, { reconnection: false });
    const x2 = (await t.connect('point', 'DC-X2')).socket;
    await request(first.socket, 'floor:request', { kind: 'petition' });
    await request(x2, 'floor:request', { kind: 'speech' });
    await request(chair, 'rollcall:start', { deadlineSec: 300 });
    const presiding = { name: 'Vũ Thị Lan', title: 'Chủ tịch UBND xã' };
    expect(await request(first.socket, 'rollcall:confirm', { headcount: 14, presiding })).toMatchObject({ ok: true });

    first.socket.close();
    await wait(30_000);
    const tally = await request(chair, 'rollcall:tally', {});
    // While away it is confirmed present: a confirmation is not undone by a lost link.
    expect(tally.ok && tally.rollCall.outcomes?.['DC-X1']).toBe('present');

    const back = await connectMeeting(t.url, token, { reconnection: false });
    expect(back.snapshot.floor.queue.map((q) => q.pointId)).toEqual(['DC-X1', 'DC-X2']);
    expect(back.snapshot.rollCall?.confirmation).toMatchObject({ headcount: 14, presiding });
    await t.meeting.idle();
    const rows = await request(chair, 'attendance:get', {});
    const row = rows.ok ? rows.rows.find((r) => r.pointId === 'DC-X1') : undefined;
    // 30 s is longer than the 20 s grace: two intervals with the outage between them.
    expect(row?.intervals).toHaveLength(2);
    const gap = (row?.intervals[1]?.from ?? 0) - (row?.intervals[0]?.to ?? 0);
    expect(gap).toBeGreaterThanOrEqual(29_000);
    back.socket.close();
  }, 60_000);
});
