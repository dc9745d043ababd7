import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, replay } from '../../server/domain/apply.js';
import { decide } from '../../server/domain/decide.js';
import { stamp } from '../../server/domain/core/events.js';
import { MeetingLeases } from '../../server/store/redis/MeetingLease.js';
import { RedisMeetingStore } from '../../server/store/redis/RedisMeetingStore.js';
import { Meeting, point } from '../helpers/domain.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one writer per meeting: leases with fencing tokens (real Redis)', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('a node that lost its lease can no longer write; the new owner continues the log', async () => {
    const nodeA = await RedisMeetingStore.create({ url: redis.url, prefix: 'lease:' });
    const nodeB = await RedisMeetingStore.create({ url: redis.url, prefix: 'lease:' });
    const leasesA = new MeetingLeases({ redis: nodeA.client, prefix: 'lease:', ttlMs: 300 });
    const leasesB = new MeetingLeases({ redis: nodeB.client, prefix: 'lease:', ttlMs: 300 });
    try {
      const leaseA = await leasesA.acquire('m1', 'node-a');
      expect(leaseA?.token).toBe(1);
      expect(await leasesB.acquire('m1', 'node-b')).toBeNull();
      expect(await leasesA.renew(leaseA!)).toBe(true);

      const m = new Meeting().startSession();
      nodeA.fence('m1', leaseA);
      await nodeA.append('m1', m.log);

      // Node A stalls past its lease; node B takes the meeting with a larger token and rebuilds from the log.
      await wait(400);
      const leaseB = await leasesB.acquire('m1', 'node-b');
      expect(leaseB?.token).toBe(2);
      expect(await leasesA.renew(leaseA!)).toBe(false);
      nodeB.fence('m1', leaseB);
      const state = replay(await nodeB.read('m1'));
      expect(state).toEqual(m.state);
      const bodies = decide(state, { type: 'floor.request', pointId: 'DC-X1', kind: 'speech' }, m.now + 1000);
      const fromB = stamp(bodies, state.seq, m.now + 1000, point('DC-X1'));
      await nodeB.append('m1', fromB);
      fromB.forEach((e) => applyEvent(state, e));

      // Node A wakes up and tries to write as if it still owned the meeting: refused, nothing written.
      const stale = m.run({ type: 'floor.request', pointId: 'DC-X2', kind: 'speech' }, point('DC-X2'));
      await expect(nodeA.append('m1', stale)).rejects.toMatchObject({ code: 'STORE_FENCED' });
      const log = await nodeB.read('m1');
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      expect(log.at(-1)).toMatchObject({ type: 'FloorRequested', pointId: 'DC-X1' });
      expect(replay(log)).toEqual(state);

      // A released lease is free again, with a still larger token.
      await leasesB.release(leaseB!);
      expect((await leasesA.acquire('m1', 'node-a'))?.token).toBe(3);
    } finally {
      await nodeA.close();
      await nodeB.close();
    }
  });
});
