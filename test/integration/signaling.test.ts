import { createSigner } from 'fast-jwt';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { until } from '../helpers/poll.js';
import { nextMessage, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;

afterEach(async () => {
  await t.close();
});

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }

  return 'connected';
};

describe('connecting', () => {
  beforeEach(async () => {
    t = await startTestServer();
  });

  it('sends a snapshot on connect: staff see every point, a point sees itself', async () => {
    const { snapshot: chair } = await t.connect('chair');
    expect(chair.you).toEqual({ role: 'chair', pointId: null, pointName: null });
    expect(chair.points).toHaveLength(6);
    expect(chair.meeting).toMatchObject({ id: 'm1', hubPointId: 'DC-T', invitedCount: 6 });
    const { snapshot: point } = await t.connect('point', 'DC-X1');
    expect(point.you).toMatchObject({ role: 'point', pointId: 'DC-X1', pointName: 'Điểm cầu Xã Tân Sơn' });
    expect(point.points).toBeUndefined();
  });

  it('sockets joining while the floor keeps changing all end on the final floor (snapshot, then every later delta)', async () => {
    const { socket: chair } = await t.connect('chair');
    await request(chair, 'meeting:start', {});
    const tokens = await Promise.all(Array.from({ length: 60 }, () => t.token('technician')));
    // Raw sockets with listeners from the start: the last floor each one knows is its snapshot's or a later delta's.
    // Sockets connect while the floor keeps changing, so some snapshots are taken as a change is being applied.
    const views: { last: { seq: number; holder: string | null } | null }[] = [];
    const points = ['DC-X1', 'DC-X2', 'DC-X3', 'DC-X4'];
    const commands: Promise<unknown>[] = [];
    const sockets = tokens.map((token, i) => {
      const view: (typeof views)[number] = { last: null };
      views.push(view);
      const socket = io(t.url, { auth: { token }, transports: ['websocket'], reconnection: false });
      const keep = (seq: number, holder: string | null) => {
        if (view.last === null || seq >= view.last.seq) {
          view.last = { seq, holder };
        }
      };
      socket.on('meeting:snapshot', (s) => keep(s.floor.seq, s.floor.holder?.pointId ?? null));
      socket.on('floor:changed', (f) => keep(f.seq, f.holder?.pointId ?? null));
      commands.push(
        request(chair, i % 2 === 0 ? 'floor:grant' : 'floor:revoke', i % 2 === 0 ? { pointId: points[i % 4] } : {}),
      );

      return socket;
    });
    await Promise.all(commands);
    await t.meeting.idle();
    await until(() => views.every((v) => v.last !== null), 5000, 'every snapshot');
    await new Promise((r) => setTimeout(r, 300));
    const holder = t.meeting.state.floor?.pointId ?? null;
    expect(views.map((v) => v.last?.holder)).toEqual(views.map(() => holder));
    sockets.forEach((s) => s.close());
  });

  it('refuses a missing, forged, expired or uninvited token with a clear error', async () => {
    expect(await refusal(connectMeeting(t.url, '', { reconnection: false }))).toBe('UNAUTHENTICATED');
    const forged = createSigner({
      key: 'another-secret-another-secret-another-secret',
      iss: 'diemcau',
      expiresIn: 3600_000,
    })({
      mid: 'm1',
      role: 'chair',
      jti: 'x',
    });
    expect(await refusal(connectMeeting(t.url, forged, { reconnection: false }))).toBe('UNAUTHENTICATED');
    const expired = (await t.server.tokens.issue({ meetingId: 'm1', role: 'chair', ttlSec: -60 })).token;
    expect(await refusal(connectMeeting(t.url, expired, { reconnection: false }))).toBe('TOKEN_EXPIRED');
    expect(await refusal(connectMeeting(t.url, await t.token('point', 'DC-T'), { reconnection: false }))).toBe(
      'NOT_INVITED',
    );
    expect(
      await refusal(connectMeeting(t.url, await t.token('chair', undefined, 'm-none'), { reconnection: false })),
    ).toBe('MEETING_NOT_FOUND');
  });

  it('lets points into the waiting room before the meeting opens, and keeps them out after it ends', async () => {
    await t.close();
    t = await startTestServer({ open: false });
    // Early: connected, counted present and ready for the technicians, but no floor until the chair opens.
    const early = await t.connect('point', 'DC-X1');
    expect(early.snapshot.status.status).toBe('scheduled');
    expect(
      await request(early.socket, 'point:readiness', { camera: true, microphone: true, network: true }),
    ).toMatchObject({ ok: true });
    await until(() => t.meeting.state.points['DC-X1']?.readiness?.camera === true, 10_000, 'readiness recorded');
    expect(t.meeting.state.points['DC-X1']?.connected).toBe(true);
    expect(await request(early.socket, 'floor:request', { kind: 'speech' })).toMatchObject({
      ok: false,
      error: { code: 'MEETING_NOT_OPEN' },
    });
    const { socket: chair } = await t.connect('chair');
    const opened = nextMessage(early.socket, 'meeting:changed', (s) => s.status === 'open');
    expect(await request(chair, 'meeting:open', {})).toMatchObject({ ok: true });
    await opened;
    expect(await request(early.socket, 'floor:request', { kind: 'speech' })).toMatchObject({ ok: true });
    expect(await refusal(t.connect('point', 'DC-X2'))).toBe('connected');
    await request(chair, 'meeting:end', {});
    expect(await refusal(t.connect('point', 'DC-X2'))).toBe('MEETING_ENDED');
  });

  it('records presence once per point however many sockets it opens', async () => {
    const { socket: chair } = await t.connect('chair');
    const joined = nextMessage(chair, 'presence:changed', (p) =>
      p.points.some((x) => x.pointId === 'DC-X1' && x.connected),
    );
    const a = await t.connect('point', 'DC-X1');
    await joined;
    const b = await t.connect('point', 'DC-X1');
    a.socket.close();
    const left = nextMessage(chair, 'presence:changed', (p) =>
      p.points.some((x) => x.pointId === 'DC-X1' && !x.connected),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(t.meeting.state.points['DC-X1']?.presence).toHaveLength(1);
    b.socket.close();
    await left;
    expect(t.meeting.state.points['DC-X1']?.presence.map((p) => p.connected)).toEqual([true, false]);
  });
});

describe('bad input', () => {
  beforeEach(async () => {
    t = await startTestServer();
  });

  it('answers malformed payloads with VALIDATION_FAILED and changes nothing', async () => {
    await t.close();
    t = await startTestServer({ env: { RATE_LIMIT_MULTIPLIER: '10' } }); // this test is about validation, not throttling
    const { socket } = await t.connect('point', 'DC-X1');
    await t.meeting.idle(); // the point's own join is recorded asynchronously
    const seq = t.meeting.state.seq;
    const bad: unknown[] = [
      { kind: 'shout' },
      { kind: 'speech', topic: 'x'.repeat(301) },
      { kind: 'speech', pointId: 'DC-X2' },
      { kind: 'speech', topic: 'a\u0000b' },
      'speech',
      null,
      [1, 2],
      { kind: 'speech', __proto__: { admin: true }, constructor: { prototype: {} } },
    ];
    for (const payload of bad) {
      const ack = await request(socket, 'floor:request', payload as never);
      expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(t.meeting.state.seq).toBe(seq);
  });

  it('answers unknown events with UNKNOWN_EVENT', async () => {
    const { socket } = await t.connect('chair');
    const ack = await (
      socket.timeout(2000) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }
    ).emitWithAck('floor:explode', {});
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
  });

  it('throttles a point flooding floor requests with RATE_LIMITED; other points are unaffected', async () => {
    const { socket: x1 } = await t.connect('point', 'DC-X1');
    const { socket: x2 } = await t.connect('point', 'DC-X2');
    const acks = await Promise.all(Array.from({ length: 20 }, () => request(x1, 'floor:withdraw', {})));
    const codes = acks.map((a) => (a.ok ? 'ok' : a.error.code));
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(14);
    expect(codes.filter((c) => c === 'REQUEST_NOT_QUEUED').length).toBeGreaterThanOrEqual(1);
    expect(await request(x2, 'floor:request', { kind: 'speech' })).toMatchObject({ ok: true, position: 1 });
    // Other classes of the flooding socket keep their own budget.
    expect(await request(x1, 'point:readiness', { camera: true, microphone: true, network: true })).toMatchObject({
      ok: true,
    });
  });

  it('refuses chair commands from points and technicians, and staff views from points', async () => {
    const { socket: point } = await t.connect('point', 'DC-X1');
    const { socket: tech } = await t.connect('technician');
    expect(await request(point, 'floor:grant', { pointId: 'DC-X1' })).toMatchObject({ error: { code: 'NOT_CHAIR' } });
    expect(await request(tech, 'rollcall:start', {})).toMatchObject({ error: { code: 'NOT_CHAIR' } });
    expect(await request(tech, 'floor:request', { kind: 'speech' })).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await request(point, 'attendance:get', {})).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await request(tech, 'attendance:get', {})).toMatchObject({ ok: true });
  });

  it('drops an oversized message without harming the server or other clients', async () => {
    await t.close();
    t = await startTestServer({ env: { MAX_MESSAGE_BYTES: '2048' } });
    const { socket: chair } = await t.connect('chair');
    const raw = io(t.url, {
      auth: { token: await t.token('point', 'DC-X2') },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise((r) => raw.once('meeting:snapshot', r));
    const closed = new Promise((r) => raw.once('disconnect', r));
    raw.emit('floor:request', { kind: 'speech', topic: 'x'.repeat(10_000) }, () => undefined);
    await closed;
    expect(await request(chair, 'meeting:start', {})).toMatchObject({ ok: true });
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    raw.close();
  });
});

describe('a meeting over sockets', () => {
  beforeEach(async () => {
    t = await startTestServer();
  });

  it('floor: request → queue seen by the chair → get ready → grant → everyone sees the speaker → release', async () => {
    const { socket: chair } = await t.connect('chair');
    const x1 = (await t.connect('point', 'DC-X1')).socket;
    const x2 = (await t.connect('point', 'DC-X2')).socket;
    await request(chair, 'meeting:start', {});

    const queued = nextMessage(chair, 'floor:changed', (f) => f.queue.length === 2);
    const ready = nextMessage(x1, 'floor:getReady');
    expect(
      await request(x1, 'floor:request', { kind: 'petition', topic: 'Giải phóng mặt bằng', department: 'Sở TN&MT' }),
    ).toMatchObject({
      ok: true,
      position: 1,
    });
    expect(await request(x2, 'floor:request', { kind: 'speech' })).toMatchObject({ ok: true, position: 2 });
    const floor = await queued;
    expect(floor.queue.map((q) => [q.pointId, q.kind, q.topic])).toEqual([
      ['DC-X1', 'petition', 'Giải phóng mặt bằng'],
      ['DC-X2', 'speech', null],
    ]);
    await ready;

    const x2Ready = nextMessage(x2, 'floor:getReady');
    const speaking = nextMessage(x2, 'floor:changed', (f) => f.holder?.pointId === 'DC-X1');
    expect(await request(chair, 'floor:next', { limitSec: 60 })).toMatchObject({ ok: true });
    const seen = await speaking;
    expect(seen.holder?.endsAt).toBe((seen.holder?.grantedAt ?? 0) + 60_000);
    await x2Ready;

    const answered = nextMessage(x1, 'floor:answer');
    expect(await request(chair, 'floor:grant', { requestId: floor.queue[1]!.requestId })).toMatchObject({
      error: { code: 'FLOOR_BUSY' },
    });
    expect(await request(x1, 'floor:release', {})).toMatchObject({ ok: true });
    await request(chair, 'floor:answer', {
      requestId: floor.queue[0]!.requestId,
      answeredBy: 'Sở TN&MT',
      text: 'Sẽ hướng dẫn.',
    });
    expect(await answered).toMatchObject({ answeredBy: 'Sở TN&MT', pointId: 'DC-X1' });
  });

  it('roll call: prompt to points in scope → confirmations → live tally at the chair → close', async () => {
    const { socket: chair } = await t.connect('chair');
    const x3 = (await t.connect('point', 'DC-X3')).socket;
    const x1 = (await t.connect('point', 'DC-X1')).socket;
    await request(chair, 'meeting:start', {});
    const prompt = nextMessage(x3, 'rollcall:changed');
    let promptedX1 = false;
    x1.on('rollcall:changed', () => {
      promptedX1 = true;
    });
    const started = await request(chair, 'rollcall:start', { unitId: 'H2', deadlineSec: 30 });
    expect(started).toMatchObject({ ok: true, rollCallId: 'rc1' });
    expect(await prompt).toMatchObject({ rollCallId: 'rc1', asked: true, closedAt: null });

    const tally = nextMessage(chair, 'rollcall:changed', (r) => r.totals?.present === 1);
    const own = nextMessage(x3, 'rollcall:changed', (r) => r.confirmation != null);
    const presiding = { name: 'Hoàng Văn Nam', title: 'Bí thư Đảng ủy xã' };
    expect(await request(x3, 'rollcall:confirm', { headcount: 18, presiding })).toMatchObject({ ok: true });
    expect(await own).toMatchObject({ confirmation: { headcount: 18, presiding, late: false } });
    const live = await tally;
    expect(live.totals).toEqual({ present: 1, late: 0, absent: 0, noSignal: 0, pending: 2, headcount: 18 });
    // A confirmation sends only the outcomes that changed; the totals are whole.
    expect(live).toMatchObject({ partial: true, outcomes: { 'DC-X3': 'present' } });
    expect(Object.keys(live.outcomes ?? {})).toHaveLength(1);
    // The district's own room counts under its district, with the district's communes.
    expect(live.byUnit).toEqual([
      { unitId: 'H2', name: 'Huyện Hai', counts: expect.objectContaining({ present: 1, pending: 2 }) },
    ]);
    expect(await request(x1, 'rollcall:confirm', { headcount: 3, presiding })).toMatchObject({
      error: { code: 'ROLL_CALL_NOT_FOUND' },
    });

    const closed = nextMessage(x3, 'rollcall:changed', (r) => r.closedAt !== null);
    await request(chair, 'rollcall:close', {});
    await closed;
    const final = await request(chair, 'rollcall:tally', {});
    expect(final).toMatchObject({ ok: true, rollCall: { totals: { present: 1, absent: 2 } } });
    expect(promptedX1).toBe(false);
  });

  it('a short network drop is recovered: rooms kept, missed messages replayed, an outage in attendance', async () => {
    const { socket: chair } = await t.connect('chair');
    await request(chair, 'meeting:start', {});
    const url = t.url;
    const { socket: x1 } = await connectMeeting(url, await t.token('point', 'DC-X1'), { reconnectionDelay: 50 });
    // Recovery resumes from the last broadcast the point received.
    const queued = nextMessage(x1, 'floor:changed');
    await request(x1, 'floor:request', { kind: 'speech' });
    await queued;
    const dropped = nextMessage(chair, 'presence:changed', (p) =>
      p.points.some((x) => x.pointId === 'DC-X1' && !x.connected),
    );
    const back = nextMessage(chair, 'presence:changed', (p) =>
      p.points.some((x) => x.pointId === 'DC-X1' && x.connected),
    );
    x1.io.engine.close();
    await dropped;
    await request(chair, 'floor:grant', { pointId: 'DC-X3' });
    const missed = nextMessage(x1, 'floor:changed', (f) => f.holder?.pointId === 'DC-X3');
    await back;
    expect(x1.recovered).toBe(true);
    await missed;
    const attendance = await request(chair, 'attendance:get', {});
    const row = attendance.ok ? attendance.rows.find((r) => r.pointId === 'DC-X1') : undefined;
    expect(row?.intervals).toHaveLength(1);
    expect(row?.intervals[0]?.outages).toHaveLength(1);
    x1.close();
  });

  it('points get a replay marker after their snapshot; with nothing else received, a drop is recovered', async () => {
    const { socket: chair } = await t.connect('chair');
    await request(chair, 'meeting:start', {});
    const joined = await Promise.all(
      ['DC-X1', 'DC-X2', 'DC-X3'].map(async (pointId) =>
        connectMeeting(t.url, await t.token('point', pointId), { reconnectionDelay: 50 }),
      ),
    );
    const [x1, x2, x3] = joined.map((c) => c.socket) as [MeetingSocket, MeetingSocket, MeetingSocket];
    await Promise.all([x1, x2, x3].map((socket) => nextMessage(socket, 'meeting:ready')));
    const dropped = nextMessage(chair, 'presence:changed', (p) =>
      p.points.some((x) => x.pointId === 'DC-X2' && !x.connected),
    );
    const reconnected = new Promise<void>((resolve) => x2.once('connect', () => resolve()));
    x2.io.engine.close();
    await dropped;
    const missed = nextMessage(x2, 'floor:changed', (f) => f.queue.some((q) => q.pointId === 'DC-X1'));
    await request(x1, 'floor:request', { kind: 'speech' });
    await reconnected;
    // The same session (no new handshake, no new snapshot): what it missed is replayed.
    expect(x2.recovered).toBe(true);
    await missed;
    [x1, x2, x3].forEach((socket) => socket.close());
  });

  it('a point keeps its queue position across a reconnect and finds it in its new snapshot', async () => {
    const { socket: chair } = await t.connect('chair');
    await request(chair, 'meeting:start', {});
    const x1 = (await t.connect('point', 'DC-X1')).socket;
    const x2 = (await t.connect('point', 'DC-X2')).socket;
    await request(x1, 'floor:request', { kind: 'speech' });
    await request(x2, 'floor:request', { kind: 'speech' });
    x1.close();
    await nextMessage(chair, 'presence:changed', (p) => p.points.some((x) => x.pointId === 'DC-X1' && !x.connected));
    const { snapshot } = await t.connect('point', 'DC-X1');
    expect(snapshot.floor.queue.map((q) => q.pointId)).toEqual(['DC-X1', 'DC-X2']);
  });
});
