import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import type { RollCallView, Snapshot } from '../../server/protocol/messages.js';
import { buildProvince, scenarioMeetingInput } from '../../server/scenarios/buildProvince.js';
import { loadScenario } from '../../server/scenarios/scenarios.js';
import { freePort, until, wait } from '../helpers/poll.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const ADMIN = 'faults-admin-key';

/** A coordinator in its own process, so the test can kill -9 it. */
async function startNode(redisUrl: string, nodeId: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      STORE: 'redis',
      REDIS_URL: redisUrl,
      NODE_ID: nodeId,
      LEASE_TTL_MS: '1500',
      ADMIN_API_KEY: ADMIN,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: '/tmp/unused',
      MEDIA_BRIDGE: 'werift',
      MEDIA_LISTEN_IP: '127.0.0.1',
      RATE_LIMIT_MULTIPLIER: '10',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 30_000, nodeId);

  return { url, child };
}

/**
 * A bridge point as a load balancer would place it: on its node until that node dies, then on the survivor, retrying
 * while the meeting moves (the survivor answers STORE_UNAVAILABLE until it has adopted the meeting).
 */
class Point {
  socket: MeetingSocket | null = null;
  snapshot: Snapshot | null = null;
  reconnectedAt: number | null = null;
  constructor(
    readonly pointId: string,
    readonly token: string,
    public url: string,
  ) {}

  async connect(): Promise<void> {
    const { socket, snapshot } = await connectMeeting(this.url, this.token, { reconnection: false });
    this.socket = socket;
    this.snapshot = snapshot;
  }

  /** After its node died: reconnect to the survivor until it accepts. */
  async failOver(survivor: string, deadline: number): Promise<void> {
    this.url = survivor;
    while (Date.now() < deadline) {
      try {
        await this.connect();
        this.reconnectedAt = Date.now();

        return;
      } catch {
        await wait(200);
      }
    }
  }
}

/** The Bắc Giang province and a meeting on it, created through `ownerUrl` (which then owns it); its join tokens. */
async function seedMeeting(
  ownerUrl: string,
  meetingId: string,
  pointCount: number,
): Promise<{ chairToken: string; links: { pointId: string; token: string }[] }> {
  const post = (path: string, body?: unknown) =>
    fetch(`${ownerUrl}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    }).then(async (r) => (await r.json()) as Record<string, unknown>);
  const scenario = loadScenario('bac-giang-2021-09-28');
  const built = buildProvince(scenario);
  await post('/api/directory', built.directory);
  await post('/api/meetings', scenarioMeetingInput(scenario, built, Date.now(), meetingId));
  const chairToken = (await post(`/api/meetings/${meetingId}/tokens`, { role: 'chair' })).token as string;
  const points = (await post(`/api/meetings/${meetingId}/tokens/points`)).points as {
    pointId: string;
    token: string;
  }[];

  return { chairToken, links: points.slice(0, pointCount) };
}

interface TwoNodes {
  nodeA: { url: string; child: ChildProcess };
  nodeB: { url: string; child: ChildProcess };
}

/** A redis-server and two coordinator processes for the enclosing suite, killed (even if stopped) after it. */
function twoNodes(): TwoNodes {
  const cluster = {} as TwoNodes;
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    const url = redis.url;
    [cluster.nodeA, cluster.nodeB] = await Promise.all([startNode(url, 'node-a'), startNode(url, 'node-b')]);
  }, 60_000);
  afterAll(async () => {
    for (const node of [cluster.nodeA, cluster.nodeB]) {
      node?.child.kill('SIGCONT');
      node?.child.kill('SIGKILL');
    }
    await redis?.stop();
  });

  return cluster;
}

describe('active/active failover: kill -9 the owner while points are spread over both nodes', () => {
  const cluster = twoNodes();

  it('200 points, a roll call and a floor turn under way: the survivor carries on and no acked command is lost', async () => {
    const { chairToken, links } = await seedMeeting(cluster.nodeA.url, 'maa', 200);

    // The chair sits on node B; points alternate between the nodes. Node A owns the meeting.
    const chair = (await connectMeeting(cluster.nodeB.url, chairToken, { reconnection: false })).socket;
    expect(await request(chair, 'meeting:open', {})).toMatchObject({ ok: true });
    const points = links.map(
      (l, i) => new Point(l.pointId, l.token, i % 2 === 0 ? cluster.nodeA.url : cluster.nodeB.url),
    );
    await Promise.all(points.map((p) => p.connect()));
    expect(await request(chair, 'meeting:start', {})).toMatchObject({ ok: true });

    const requests = await Promise.all(
      points.slice(0, 20).map((p) => request(p.socket as MeetingSocket, 'floor:request', { kind: 'speech' })),
    );
    const ackedRequests = requests.filter((a) => a.ok).map((a) => (a as { requestId: string }).requestId);
    expect(ackedRequests).toHaveLength(20);
    expect(await request(chair, 'floor:next', { limitSec: 600 })).toMatchObject({ ok: true });
    const rollCall = await request(chair, 'rollcall:start', { deadlineSec: 300 });
    expect(rollCall.ok).toBe(true);
    const presiding = { name: 'Nguyễn Văn An', title: 'Bí thư Đảng ủy xã' };
    const confirmations = await Promise.all(
      points
        .slice(0, 150)
        .map((p) => request(p.socket as MeetingSocket, 'rollcall:confirm', { headcount: 10, presiding })),
    );
    expect(confirmations.every((a) => a.ok)).toBe(true);
    const before = await request(chair, 'meeting:snapshot', {});
    const floorBefore = before.ok ? before.snapshot.floor : null;
    expect(floorBefore?.queue).toHaveLength(19);

    // The owner dies without a word, mid roll call and mid floor turn.
    const killedAt = Date.now();
    cluster.nodeA.child.kill('SIGKILL');
    const onA = points.filter((p) => p.url === cluster.nodeA.url);
    onA.forEach((p) => p.socket?.close());
    await Promise.all(onA.map((p) => p.failOver(cluster.nodeB.url, killedAt + 20_000)));
    const slowest = Math.max(...onA.map((p) => (p.reconnectedAt ?? Infinity) - killedAt));
    expect(slowest).toBeLessThan(10_000);

    // Everything where it was, as seen by a point that came back and by the chair that never left.
    const snapshot = onA[0]?.snapshot as Snapshot;
    expect(snapshot.floor.holder?.requestId).toBe(floorBefore?.holder?.requestId);
    expect(snapshot.floor.queue.map((q) => q.requestId)).toEqual(floorBefore?.queue.map((q) => q.requestId));
    const tally = await request(chair, 'rollcall:tally', {});
    const outcomes = (tally as { rollCall: RollCallView }).rollCall.outcomes ?? {};
    for (const p of points.slice(0, 150)) {
      expect(outcomes[p.pointId], p.pointId).toBe('present');
    }

    // Every acknowledged command is in the log.
    const log = (await fetch(`${cluster.nodeB.url}/api/meetings/maa/events`, { headers: { 'x-api-key': ADMIN } }).then(
      (r) => r.json(),
    )) as { events: { type: string; requestId?: string; pointId?: string }[] };
    const logged = log.events.filter((e) => e.type === 'FloorRequested').map((e) => e.requestId);
    expect(logged.sort()).toEqual([...ackedRequests].sort());
    expect(new Set(log.events.filter((e) => e.type === 'RollCallConfirmed').map((e) => e.pointId)).size).toBe(150);

    // Attendance: points of the dead node have an outage inside one interval; all 200 are connected again.
    await wait(1500);
    const rows = await request(chair, 'attendance:get', {});
    const byPoint = new Map((rows.ok ? rows.rows : []).map((r) => [r.pointId, r]));
    for (const p of onA) {
      const row = byPoint.get(p.pointId);
      expect(row?.intervals, p.pointId).toHaveLength(1);
      expect(row?.intervals[0]?.outages.length ?? 0, p.pointId).toBeGreaterThanOrEqual(1);
    }
    const fresh = await request(chair, 'meeting:snapshot', {});
    const connected = (fresh.ok ? (fresh.snapshot.points ?? []) : []).filter((p) => p.connected).length;
    expect(connected).toBe(200);

    // The survivor carries on: the next speaker.
    expect(await request(chair, 'floor:next', {})).toMatchObject({ ok: true });
    [chair, ...points.map((p) => p.socket)].forEach((s) => s?.close());
  }, 120_000);
});

describe('active/active: a node paused past the presence TTL', () => {
  const cluster = twoNodes();

  it("the owner drops a silent node's points, and counts them again from their next request when it resumes", async () => {
    const { chairToken, links } = await seedMeeting(cluster.nodeA.url, 'mpause', 10);
    const chair = (await connectMeeting(cluster.nodeA.url, chairToken, { reconnection: false })).socket;
    expect(await request(chair, 'meeting:open', {})).toMatchObject({ ok: true });
    const points = await Promise.all(
      links.map((l) => connectMeeting(cluster.nodeB.url, l.token, { reconnection: false })),
    );
    const connectedAtOwner = async () => {
      const ack = await request(chair, 'meeting:snapshot', {});
      const ids = new Set(links.map((l) => l.pointId));

      return (ack.ok ? (ack.snapshot.points ?? []) : []).filter((p) => ids.has(p.pointId) && p.connected).length;
    };
    await until(async () => (await connectedAtOwner()) === 10, 5000, 'all 10 connected at the owner');

    // Node B freezes (a long GC pause, a stopped VM) past the 6 s presence TTL: the owner presumes it dead.
    cluster.nodeB.child.kill('SIGSTOP');
    await until(async () => (await connectedAtOwner()) === 0, 12_000, "the owner to drop node B's points");
    cluster.nodeB.child.kill('SIGCONT');

    // Its sockets never closed; their next request (a link sample) makes them present again.
    const sample = { lossPct: 0, rttMs: 40, fpsIn: 25, fpsOut: 25 };
    await Promise.all(points.map((p) => request(p.socket, 'telemetry:sample', sample)));
    await until(async () => (await connectedAtOwner()) === 10, 5000, 'all 10 present again');
    [chair, ...points.map((p) => p.socket)].forEach((s) => s.close());
  }, 60_000);
});
