import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { until, wait } from '../helpers/poll.js';
import { nextMessage } from '../helpers/server.js';
import { testPdf } from '../helpers/pdf.js';
import { Redis } from 'ioredis';
import { RedisDocumentStore } from '../../server/content/RedisDocumentStore.js';

const ADMIN = 'active-active-admin';

/** Two coordinators on one Redis, both serving sockets of one meeting that node A owns. */
describe('active/active: a meeting served by two nodes', () => {
  let redis: TestRedis;
  let nodeA: AppServer;
  let nodeB: AppServer;
  const sockets: MeetingSocket[] = [];
  const start = (nodeId: string) =>
    startServer(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        STORE: 'redis',
        REDIS_URL: redis.url,
        NODE_ID: nodeId,
        LEASE_TTL_MS: '1500',
        ADMIN_API_KEY: ADMIN,
        LOG_LEVEL: 'silent',
      }),
    );
  const on = async (node: AppServer, role: 'chair' | 'point' | 'technician', pointId?: string) => {
    const { token } = await nodeA.tokens.issue({ meetingId: 'm1', role, pointId: pointId ?? null, ttlSec: 600 });
    const connection = await connectMeeting(node.url, token, { reconnection: false });
    sockets.push(connection.socket);

    return connection;
  };

  beforeAll(async () => {
    redis = await startRedis();
    nodeA = await start('node-a');
    nodeB = await start('node-b');
    await nodeA.meetings.replaceDirectory(smallDirectory());
    const meeting = await nodeA.meetings.createMeeting({ ...smallMeetingInput(), id: 'm1' });
    await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
  }, 30_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await nodeB?.close();
    await nodeA?.close();
    await redis?.stop();
  });

  it('a point on the other node gets its snapshot, and its commands reach the owner in order, acked', async () => {
    expect(nodeB.meetings.has('m1')).toBe(false);
    const chair = await on(nodeA, 'chair');
    const x1 = await on(nodeB, 'point', 'DC-X1');
    expect(x1.snapshot.meeting.id).toBe('m1');
    expect(x1.snapshot.you).toMatchObject({ role: 'point', pointId: 'DC-X1' });
    await until(
      () => nodeA.meetings.get('m1').state.points['DC-X1']?.connected === true,
      5000,
      'presence at the owner',
    );

    expect(await request(chair.socket, 'meeting:start', {})).toMatchObject({ ok: true });
    const acked: string[] = [];
    for (const [pointId, node] of [
      ['DC-X2', nodeB],
      ['DC-X3', nodeA],
      ['DC-X4', nodeB],
    ] as const) {
      const { socket } = await on(node, 'point', pointId);
      const ack = await request(socket, 'floor:request', { kind: 'speech' });
      expect(ack).toMatchObject({ ok: true, position: acked.length + 1 });
      acked.push((ack as { requestId: string }).requestId);
    }
    expect(nodeA.meetings.get('m1').state.queue).toEqual(acked);
  });

  it("the owner's broadcasts reach sockets on both nodes; refusals come back as acks", async () => {
    const chair = await on(nodeB, 'chair');
    const x1 = await on(nodeB, 'point', 'DC-X1');
    const technician = await on(nodeA, 'technician');
    const seenByPoint = nextMessage(x1.socket, 'floor:changed');
    const seenByTechnician = nextMessage(technician.socket, 'floor:changed');
    expect(await request(chair.socket, 'floor:next', {})).toMatchObject({ ok: true });
    expect((await seenByPoint).holder?.pointId).toBe('DC-X2');
    expect((await seenByTechnician).holder?.pointId).toBe('DC-X2');
    expect(await request(x1.socket, 'floor:revoke', {})).toMatchObject({ ok: false, error: { code: 'NOT_CHAIR' } });
    const tally = await request(chair.socket, 'rollcall:start', { deadlineSec: 60 });
    expect(tally.ok).toBe(true);
    const presiding = { name: 'Đỗ Văn Hùng', title: 'Bí thư Đảng ủy xã' };
    expect(await request(x1.socket, 'rollcall:confirm', { headcount: 11, presiding })).toMatchObject({ ok: true });
    const view = await request(chair.socket, 'rollcall:tally', {});
    expect(view.ok && view.rollCall.outcomes?.['DC-X1']).toBe('present');
  });

  it('HTTP about a meeting answered by its owner, whichever node it reaches', async () => {
    // Node B learns A's address from A's heartbeat.
    let csv: Response | null = null;
    for (let i = 0; i < 40 && csv?.status !== 200; i += 1) {
      await wait(100);
      csv = await fetch(`${nodeB.url}/api/meetings/m1/attendance.csv`, { headers: { 'x-api-key': ADMIN } });
    }
    expect(csv?.status).toBe(200);
    expect(csv?.headers.get('content-disposition')).toContain('.csv');
    expect((await csv?.text())?.split('\r\n').length).toBeGreaterThan(6);
    const token = await fetch(`${nodeB.url}/api/meetings/m1/tokens`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'point', pointId: 'DC-X2' }),
    });
    expect(token.status).toBe(201);
    expect(((await token.json()) as { token: string }).token.length).toBeGreaterThan(20);
    // The list on either node shows the meeting, summarized by its owner.
    const list = (await (await fetch(`${nodeB.url}/api/meetings`, { headers: { 'x-api-key': ADMIN } })).json()) as {
      meetings: { id: string; status: string; invited: number }[];
    };
    expect(list.meetings).toEqual([expect.objectContaining({ id: 'm1', status: 'in_session', invited: 6 })]);
    expect(
      (await fetch(`${nodeB.url}/api/meetings/no-such/attendance.csv`, { headers: { 'x-api-key': ADMIN } })).status,
    ).toBe(404);
  });

  it('a document uploaded through the node that does not own the meeting is kept in Redis and served by both', async () => {
    const pdf = testPdf(2);
    const uploaded = await fetch(`${nodeB.url}/api/meetings/m1/documents?name=${encodeURIComponent('Báo cáo.pdf')}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(pdf),
    });
    expect(uploaded.status).toBe(201);
    const { document } = (await uploaded.json()) as { document: { documentId: string } };
    const owner = nodeA.meetings.get('m1');
    await until(() => owner.state.documents[0]?.state === 'ready', 120_000, 'the document prepared');
    for (const node of [nodeA, nodeB]) {
      const file = await fetch(`${node.url}/api/meetings/m1/documents/${document.documentId}`, {
        headers: { 'x-api-key': ADMIN },
      });
      expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    }
    // Every coordinator reads the same store: another node's store sees the file and its pages.
    const client = new Redis(redis.url);
    const shared = new RedisDocumentStore({ redis: client });
    expect((await shared.get('m1', document.documentId, 'original'))?.equals(pdf)).toBe(true);
    expect((await shared.get('m1', document.documentId, 'page-2.jpg'))?.length).toBeGreaterThan(1000);
    await shared.close();
    await client.quit();
  });

  it('a socket that drops on one node recovers its session on the other and receives what it missed', async () => {
    const { token } = await nodeA.tokens.issue({ meetingId: 'm1', role: 'point', pointId: 'DC-X3', ttlSec: 600 });
    const { socket } = await connectMeeting(nodeB.url, token, { reconnectionDelay: 100, reconnectionDelayMax: 200 });
    sockets.push(socket);
    // Its only message since the snapshot: the marker that gives the session its replay offset.
    await nextMessage(socket, 'meeting:ready');
    const chair = await on(nodeA, 'chair');
    // The load balancer sends the reconnect to node A: point the manager there, then cut the transport.
    (socket.io as unknown as { uri: string }).uri = nodeA.url;
    const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const missed: string[] = [];
    socket.on('floor:changed', (floor) => missed.push(floor.holder?.pointId ?? 'none'));
    socket.io.engine.close();
    expect(await request(chair.socket, 'floor:revoke', {})).toMatchObject({ ok: true });
    await reconnected;
    expect(socket.recovered).toBe(true);
    await until(() => missed.includes('none'), 5000, 'the missed floor change');
    // Still a working socket, now served by node A.
    const presiding = { name: 'Lê Thị Hoa', title: 'Chủ tịch UBND xã' };
    expect(await request(socket, 'rollcall:confirm', { headcount: 8, presiding })).toMatchObject({ ok: true });
  });

  it("presence counts a point's sockets on every node: it drops only when its last socket goes", async () => {
    const onA = await on(nodeA, 'point', 'DC-H1');
    const onB = await on(nodeB, 'point', 'DC-H1');
    const owner = nodeA.meetings.get('m1');
    await until(() => owner.state.points['DC-H1']?.connected === true, 5000, 'DC-H1 connected');
    onA.socket.close();
    await wait(500);
    expect(owner.state.points['DC-H1']?.connected).toBe(true);
    onB.socket.close();
    await until(() => owner.state.points['DC-H1']?.connected === false, 5000, 'DC-H1 dropped');
  });
});
