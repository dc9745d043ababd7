import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectMeeting, type MeetingSocket } from '../../server/protocol/client.js';
import { smallMeetingInput } from '../helpers/domain.js';
import { LINKED_ADMIN_KEY, linkUp, nationDirectory, startProvince, type Coordinator } from '../helpers/linked.js';
import { until } from '../helpers/poll.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const CHAIR = { role: 'chair' } as const;

/**
 * The nation's system is two coordinators on one Redis (127.0.0.2 and 127.0.0.5); a province links through the one
 * that does not own the meeting, and keeps its link when the owner goes and the other adopts the meeting.
 */
describe('linked meetings: a parent served by two coordinators, and its failover', () => {
  let redis: TestRedis;
  let nodeA: AppServer;
  let nodeB: AppServer;
  let province: Coordinator;
  const sockets: MeetingSocket[] = [];
  const start = (host: string, nodeId: string) =>
    startServer(
      loadConfig({
        PORT: '0',
        HOST: host,
        STORE: 'redis',
        REDIS_URL: redis.url,
        NODE_ID: nodeId,
        LEASE_TTL_MS: '1500',
        ADMIN_API_KEY: LINKED_ADMIN_KEY,
        MEDIA_BRIDGE: 'werift',
        MEDIA_LISTEN_IP: host,
        LOG_LEVEL: 'silent',
      }),
    );

  beforeAll(async () => {
    redis = await startRedis();
    nodeA = await start('127.0.0.2', 'tw-a');
    nodeB = await start('127.0.0.5', 'tw-b');
    await nodeA.meetings.replaceDirectory(nationDirectory());
    const tw = await nodeA.meetings.createMeeting({
      ...smallMeetingInput({ hubPointId: 'TW', invite: { units: ['P1', 'P2'] } }),
      title: 'Hội nghị trực tuyến toàn quốc',
      id: 'tw',
    });
    await tw.execute({ type: 'meeting.open' }, CHAIR);
    await tw.execute({ type: 'meeting.start' }, CHAIR);
    province = await startProvince('127.0.0.3', 'tinh');
  }, 30_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await province?.close();
    await nodeB?.close();
    await nodeA?.close();
    await redis?.stop();
  });

  it('links through the node that does not own the meeting, and resumes on the node that adopts it', async () => {
    // The invitation is asked of node B, which forwards the office's request to the owner (once it has heard where
    // the owner is: nodes announce themselves every 2 s).
    let invited: Response | null = null;
    await until(
      async () => {
        invited = await fetch(`${nodeB.url}/api/meetings/tw/linked-hubs`, {
          method: 'POST',
          headers: { 'x-api-key': LINKED_ADMIN_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ unitId: 'P1' }),
        });

        return invited.status !== 503;
      },
      10_000,
      'node B knows the owner',
    );
    expect(invited!.status).toBe(201);
    const { linkToken } = (await invited!.json()) as { linkToken: string };
    const nodeBAsParent = { url: nodeB.url } as Coordinator;
    expect((await linkUp(province, 'tinh', nodeBAsParent, linkToken)).status).toBe(200);
    expect(nodeA.meetings.get('tw').state.links.P1?.state).toBe('linked');

    const { token } = await province.server.tokens.issue({
      meetingId: 'tinh',
      role: 'point',
      pointId: 'DC-X1',
      ttlSec: 600,
    });
    sockets.push((await connectMeeting(province.url, token, { reconnection: false })).socket);
    await until(
      () => nodeA.meetings.get('tw').state.points['P1.DC-X1']?.connected === true,
      10_000,
      'the commune present at the owner',
    );

    // The owner stops; node B adopts the meeting and the province's link comes back there.
    await nodeA.close();
    await until(() => nodeB.meetings.has('tw'), 15_000, 'node B adopts the meeting');
    // Adopted, the link is lost until the province says hello to its new owner; its communes are not absent.
    const events = () => nodeB.meetings.log('tw');
    await until(
      async () => (await events()).some((e) => e.type === 'ChildLinkLost' && e.unitId === 'P1'),
      10_000,
      'the link lost at adoption',
    );
    await until(() => nodeB.meetings.get('tw').state.links.P1?.state === 'linked', 20_000, 'the link resumed on B');
    expect(nodeB.meetings.get('tw').state.points['P1.DC-X1']?.connected).toBe(true);
    // The province hears its new parent's answer a moment after the parent recorded the link.
    await until(
      () => province.server.meetings.get('tinh').state.uplink?.state === 'linked',
      10_000,
      'the province linked again',
    );
  });
});
