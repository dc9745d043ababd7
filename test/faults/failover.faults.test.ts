import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { buildProvince, scenarioMeetingInput } from '../../server/scenarios/buildProvince.js';
import { loadScenario } from '../../server/scenarios/scenarios.js';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { freePort, until } from '../helpers/poll.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const ADMIN = 'faults-admin-key';

describe('failover: kill -9 the owner of a meeting', () => {
  let redis: TestRedis;
  let nodeA: ChildProcess;
  let nodeB: AppServer;
  let urlA: string;
  const env = (nodeId: string) => ({
    STORE: 'redis',
    REDIS_URL: '',
    NODE_ID: nodeId,
    LEASE_TTL_MS: '1500',
    ADMIN_API_KEY: ADMIN,
    HOST: '127.0.0.1',
    MEDIA_BRIDGE: 'werift',
    MEDIA_LISTEN_IP: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    redis = await startRedis();
    const port = await freePort();
    urlA = `http://127.0.0.1:${port}`;
    nodeA = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, ...env('node-a'), REDIS_URL: redis.url, PORT: String(port), DATA_DIR: '/tmp/unused' },
      stdio: 'ignore',
    });
    await until(async () => (await fetch(`${urlA}/healthz`).catch(() => null))?.ok === true, 30_000, 'node A');
    nodeB = await startServer(loadConfig({ ...env('node-b'), REDIS_URL: redis.url, PORT: '0' }));
  }, 60_000);

  afterAll(async () => {
    nodeA?.kill('SIGKILL');
    await nodeB?.close();
    await redis?.stop();
  });

  it('the survivor adopts the meeting: queue, floor holder and roll-call confirmations intact, every acked command in the log', async () => {
    const api = (path: string, body: unknown) =>
      fetch(`${urlA}${path}`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => (await r.json()) as Record<string, unknown>);
    await api('/api/directory', smallDirectory());
    await api('/api/meetings', { ...smallMeetingInput(), id: 'm1', scheduledStart: Date.now() });
    const token = async (role: string, pointId?: string) =>
      (await api('/api/meetings/m1/tokens', { role, ...(pointId ? { pointId } : {}) })).token as string;
    const tokens = {
      chair: await token('chair'),
      x1: await token('point', 'DC-X1'),
      x2: await token('point', 'DC-X2'),
      x3: await token('point', 'DC-X3'),
    };
    expect(nodeB.meetings.has('m1')).toBe(false); // node A owns it

    const sockets: MeetingSocket[] = [];
    const on = async (url: string, t: string) => {
      const { socket } = await connectMeeting(url, t, { reconnection: false });
      sockets.push(socket);

      return socket;
    };
    const chair = await on(urlA, tokens.chair);
    await request(chair, 'meeting:open', {});
    await request(chair, 'meeting:start', {});
    const x1 = await on(urlA, tokens.x1);
    const x2 = await on(urlA, tokens.x2);
    const x3 = await on(urlA, tokens.x3);
    const acked: string[] = [];
    for (const [socket, kind] of [
      [x3, 'petition'],
      [x1, 'speech'],
      [x2, 'speech'],
    ] as const) {
      const ack = await request(socket, 'floor:request', { kind });
      if (ack.ok) {
        acked.push(ack.requestId);
      }
    }
    await request(chair, 'floor:next', { limitSec: 300 });
    const rollCall = await request(chair, 'rollcall:start', { deadlineSec: 120 });
    const presiding = { name: 'Đỗ Văn Hùng', title: 'Bí thư Đảng ủy xã' };
    expect(await request(x1, 'rollcall:confirm', { headcount: 12, presiding })).toMatchObject({ ok: true });
    expect(await request(x2, 'rollcall:confirm', { headcount: 9, presiding })).toMatchObject({ ok: true });
    expect(acked).toHaveLength(3);

    // The owner dies without a word.
    nodeA.kill('SIGKILL');
    sockets.forEach((s) => s.close());
    const tookMs = await until(() => nodeB.meetings.has('m1'), 10_000, 'node B to adopt m1');
    expect(tookMs).toBeLessThan(10_000);

    // Points reconnect to the survivor and find everything where it was.
    const chairB = await on(nodeB.url, tokens.chair);
    const { snapshot } = await connectMeeting(nodeB.url, tokens.x1, { reconnection: false });
    expect(snapshot.floor.holder?.requestId).toBe(acked[0]);
    expect(snapshot.floor.queue.map((q) => q.requestId)).toEqual(acked.slice(1));
    const tally = await request(chairB, 'rollcall:tally', {});
    expect(tally.ok && tally.rollCall.rollCallId).toBe(rollCall.ok ? rollCall.rollCallId : 'none');
    expect(tally.ok && tally.rollCall.outcomes).toMatchObject({ 'DC-X1': 'present', 'DC-X2': 'present' });

    // Every acknowledged command is in the log.
    const log = await nodeB.meetings.log('m1');
    expect(log.filter((e) => e.type === 'FloorRequested').map((e) => (e as { requestId: string }).requestId)).toEqual(
      acked,
    );
    expect(log.filter((e) => e.type === 'RollCallConfirmed')).toHaveLength(2);
    // The drop is recorded; x1 came back within the grace, so it is an outage inside its interval.
    const rows = await request(chairB, 'attendance:get', {});
    const x1Row = rows.ok ? rows.rows.find((r) => r.pointId === 'DC-X1') : undefined;
    expect(x1Row?.intervals).toHaveLength(1);
    expect(x1Row?.intervals[0]?.outages.length).toBeGreaterThanOrEqual(1);

    // The survivor carries on: the next speaker.
    expect(await request(chairB, 'floor:next', {})).toMatchObject({ ok: true });
    sockets.forEach((s) => s.close());
  }, 60_000);

  it('200 points: all reconnect to the survivor within 10 s and every acknowledged confirmation is in the log', async () => {
    // A fresh pair of nodes for this meeting: node A (child process) owns it, node B stands by.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, ...env('node-c'), REDIS_URL: redis.url, PORT: String(port), DATA_DIR: '/tmp/unused' },
      stdio: 'ignore',
    });
    try {
      await until(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 30_000, 'node C');
      const scenario = loadScenario('bac-giang-2021-09-28');
      const built = buildProvince(scenario);
      const post = (path: string, body?: unknown) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' },
          body: body === undefined ? null : JSON.stringify(body),
        }).then(async (r) => (await r.json()) as Record<string, unknown>);
      await post('/api/directory', built.directory);
      await post('/api/meetings', scenarioMeetingInput(scenario, built, Date.now(), 'm200'));
      const chairToken = (await post('/api/meetings/m200/tokens', { role: 'chair' })).token as string;
      const links = (
        (await post('/api/meetings/m200/tokens/points')).points as { pointId: string; token: string }[]
      ).slice(0, 200);
      const chair = (await connectMeeting(url, chairToken, { reconnection: false })).socket;
      await request(chair, 'meeting:open', {});
      await request(chair, 'meeting:start', {});
      const points = await Promise.all(links.map((l) => connectMeeting(url, l.token, { reconnection: false })));
      const rollCall = await request(chair, 'rollcall:start', { deadlineSec: 300 });
      expect(rollCall.ok).toBe(true);
      const presiding = { name: 'Nguyễn Văn An', title: 'Bí thư Đảng ủy xã' };
      const confirmed = await Promise.all(
        points.map((p) => request(p.socket, 'rollcall:confirm', { headcount: 10, presiding })),
      );
      const requests = await Promise.all(
        points.slice(0, 20).map((p) => request(p.socket, 'floor:request', { kind: 'speech' })),
      );
      const ackedRequests = requests.filter((a) => a.ok).map((a) => (a as { requestId: string }).requestId);
      expect(confirmed.every((a) => a.ok)).toBe(true);

      const killedAt = Date.now();
      child.kill('SIGKILL');
      [chair, ...points.map((p) => p.socket)].forEach((s) => s.close());
      await until(() => nodeB.meetings.has('m200'), 10_000, 'node B to adopt m200');
      const back = await Promise.all(links.map((l) => connectMeeting(nodeB.url, l.token, { reconnection: false })));
      const reconnectedMs = Date.now() - killedAt;
      expect(reconnectedMs).toBeLessThan(10_000);
      expect(back[0]?.snapshot.floor.queue.map((q) => q.requestId)).toEqual(ackedRequests);

      const log = await nodeB.meetings.log('m200');
      expect(log.filter((e) => e.type === 'RollCallConfirmed')).toHaveLength(200);
      expect(log.filter((e) => e.type === 'FloorRequested').map((e) => (e as { requestId: string }).requestId)).toEqual(
        ackedRequests,
      );
      back.forEach((c) => c.socket.close());
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
