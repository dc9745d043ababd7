import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../server/domain/apply.js';
import { request } from '../../server/protocol/client.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis restarts mid-meeting', () => {
  let redis: TestRedis;
  let t: TestServer;

  beforeAll(async () => {
    redis = await startRedis();
    t = await startTestServer({ env: { STORE: 'redis', REDIS_URL: redis.url, NODE_ID: 'solo', LEASE_TTL_MS: '3000' } });
  });

  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('the coordinator keeps serving, refuses writes it cannot make durable, and loses no acknowledged event', async () => {
    const { socket: chair } = await t.connect('chair');
    const { socket: x1 } = await t.connect('point', 'DC-X1');
    const { socket: x2 } = await t.connect('point', 'DC-X2');
    await request(chair, 'meeting:start', {});
    const acked: string[] = [];
    const ack1 = await request(x1, 'floor:request', { kind: 'speech' });
    if (ack1.ok) {
      acked.push(ack1.requestId);
    }

    // Redis goes away for 1.5 s. Reads keep working; a write is either acknowledged (durable) or refused.
    const restart = redis.restart(1500);
    await wait(300);
    const duringWrite = await request(x2, 'floor:request', { kind: 'petition' }, 15_000);
    if (duringWrite.ok) {
      acked.push(duringWrite.requestId);
    } else {
      expect(duringWrite.error.code).toBe('STORE_UNAVAILABLE');
    }
    const snapshot = await request(chair, 'meeting:snapshot', {});
    expect(snapshot.ok).toBe(true);
    await restart;

    // Back: writes go through again (retry until the connection is re-established).
    let after = await request(x2, 'floor:request', { kind: 'petition' });
    for (let i = 0; i < 20 && !after.ok && after.error.code !== 'ALREADY_QUEUED'; i += 1) {
      await wait(250);
      after = await request(x2, 'floor:request', { kind: 'petition' });
    }
    if (after.ok) {
      acked.push(after.requestId);
    }
    await t.meeting.idle();

    const log = await t.server.meetings.log('m1');
    const logged = log.filter((e) => e.type === 'FloorRequested').map((e) => (e as { requestId: string }).requestId);
    expect(logged).toEqual(acked);
    expect(acked.length).toBeGreaterThanOrEqual(2);
    expect(replay(log)).toEqual(t.meeting.state);
  }, 60_000);
});
