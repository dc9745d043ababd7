import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { until } from '../helpers/poll.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';

const ADMIN = 'revocation-admin';

interface Issued {
  token: string;
  tokenId: string;
  shortUrl: string;
}

/** Revoking a join link: its sockets close within 2 s on every node, and the link and its sessions are refused. */
describe('revoking a join link', () => {
  const servers: AppServer[] = [];
  const sockets: MeetingSocket[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    for (const server of servers.splice(0)) {
      await server.close();
    }
    for (const cleanup of cleanups.splice(0)) {
      await cleanup();
    }
  });

  const start = async (env: Record<string, string>) => {
    const server = await startServer(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_API_KEY: ADMIN, LOG_LEVEL: 'silent', ...env }),
    );
    servers.push(server);

    return server;
  };
  const embedded = async (dir?: string) => {
    let dataDir = dir;
    if (dataDir === undefined) {
      const temp = await tempDir();
      cleanups.push(temp.remove);
      dataDir = temp.dir;
    }

    return { server: await start({ DATA_DIR: dataDir }), dataDir };
  };
  const seed = async (server: AppServer, id = 'm1') => {
    await server.meetings.replaceDirectory(smallDirectory());
    const meeting = await server.meetings.createMeeting({ ...smallMeetingInput(), id });
    await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
  };
  const http = async (server: AppServer, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });

    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const issue = async (server: AppServer, pointId: string, meetingId = 'm1') =>
    (await http(server, 'POST', `/api/meetings/${meetingId}/tokens`, { role: 'point', pointId }))
      .body as unknown as Issued;
  const connect = async (server: AppServer, token: string) => {
    const connection = await connectMeeting(server.url, token, { reconnection: false });
    sockets.push(connection.socket);

    return connection;
  };
  const refusal = (server: AppServer, token: string) =>
    connectMeeting(server.url, token, { reconnection: false }).then(
      ({ socket }) => {
        socket.close();

        return 'connected';
      },
      (error: { code?: string }) => error.code,
    );

  it('closes the live socket within 2 s and refuses the link and the sessions refreshed from it', async () => {
    const { server } = await embedded();
    await seed(server);
    const x1 = await issue(server, 'DC-X1');
    const x2 = await issue(server, 'DC-X2');
    expect(x1.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    const { socket } = await connect(server, x1.token);
    // A session token refreshed from the link before it was revoked.
    const refreshed = await request(socket, 'auth:refresh', {});
    expect(refreshed).toMatchObject({ ok: true });
    const session = (refreshed as { token: string }).token;
    const other = await connect(server, x2.token);

    const revokedAt = Date.now();
    const revoked = await http(server, 'POST', `/api/meetings/m1/tokens/${x1.tokenId}/revoke`);
    expect(revoked).toMatchObject({ status: 200, body: { ok: true, tokenId: x1.tokenId, pointId: 'DC-X1' } });
    await until(() => !socket.connected, 2000, 'the revoked socket to close');
    expect(Date.now() - revokedAt).toBeLessThan(2000);
    expect(other.socket.connected).toBe(true);

    expect(await refusal(server, x1.token)).toBe('TOKEN_REVOKED');
    expect(await refusal(server, session)).toBe('TOKEN_REVOKED');
    expect(await refusal(server, x2.token)).toBe('connected');
    // The audit trail names the revocation.
    const log = await server.meetings.log('m1');
    expect(log.some((e) => e.type === 'AuditRecorded' && e.action === 'token_revoked')).toBe(true);
  });

  it('refuses an unknown token or another meeting’s, and answers a second revocation with the first', async () => {
    const { server } = await embedded();
    await seed(server);
    await server.meetings.createMeeting({ ...smallMeetingInput(), id: 'm2' });
    const x1 = await issue(server, 'DC-X1');
    expect(await http(server, 'POST', '/api/meetings/m1/tokens/khong-co/revoke')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await http(server, 'POST', `/api/meetings/m2/tokens/${x1.tokenId}/revoke`)).toMatchObject({ status: 404 });
    expect(await refusal(server, x1.token)).toBe('connected');
    const first = await http(server, 'POST', `/api/meetings/m1/tokens/${x1.tokenId}/revoke`);
    const second = await http(server, 'POST', `/api/meetings/m1/tokens/${x1.tokenId}/revoke`);
    expect(second.body.revokedAt).toBe(first.body.revokedAt);
    const anonymous = await fetch(`${server.url}/api/meetings/m1/tokens/${x1.tokenId}/revoke`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    // A staff token is not enough: only the organizer's key revokes links.
    const chair = (await http(server, 'POST', '/api/meetings/m1/tokens', { role: 'chair' })).body as unknown as Issued;
    const byChair = await fetch(`${server.url}/api/meetings/m1/tokens/${x1.tokenId}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chair.token}` },
    });
    expect(byChair.status).toBe(401);
  });

  it('a revocation outlives a restart of the embedded server', async () => {
    const first = await embedded();
    await seed(first.server);
    const x1 = await issue(first.server, 'DC-X1');
    await http(first.server, 'POST', `/api/meetings/m1/tokens/${x1.tokenId}/revoke`);
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);
    const { server } = await embedded(first.dataDir);
    expect(await refusal(server, x1.token)).toBe('TOKEN_REVOKED');
  });

  it('over two coordinators on one Redis: revoked on one, the socket on the other closes and both refuse it', async () => {
    const redis: TestRedis = await startRedis();
    cleanups.push(() => redis.stop());
    const env = (nodeId: string) => ({ STORE: 'redis', REDIS_URL: redis.url, NODE_ID: nodeId, LEASE_TTL_MS: '1500' });
    const nodeA = await start(env('node-a'));
    const nodeB = await start(env('node-b'));
    await seed(nodeA);
    const x3 = await issue(nodeA, 'DC-X3');
    // Its short link, issued on one node, leads to it from the other.
    const shortPath = new URL(x3.shortUrl).pathname;
    const viaB = await fetch(`${nodeB.url}${shortPath}`, { redirect: 'manual' });
    expect(viaB.headers.get('location')).toBe(`/join?token=${encodeURIComponent(x3.token)}`);
    const { socket } = await connect(nodeB, x3.token);

    const revokedAt = Date.now();
    expect(await http(nodeA, 'POST', `/api/meetings/m1/tokens/${x3.tokenId}/revoke`)).toMatchObject({ status: 200 });
    await until(() => !socket.connected, 2000, 'the socket on the other node to close');
    expect(Date.now() - revokedAt).toBeLessThan(2000);
    expect(await refusal(nodeB, x3.token)).toBe('TOKEN_REVOKED');
    expect(await refusal(nodeA, x3.token)).toBe('TOKEN_REVOKED');
    // Listed from the shared registry, marked revoked.
    const response = await http(nodeA, 'GET', '/api/meetings/m1/tokens');
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const listed = response.body as unknown as {
      links: { tokenId: string; revoked: boolean }[];
    };
    expect(listed.links.find((l) => l.tokenId === x3.tokenId)?.revoked).toBe(true);
  }, 30_000);
});
