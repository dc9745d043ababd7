import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withEveryCommandHandled } from '../../server/cluster/handledCommands.js';
import { until } from '../helpers/poll.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

/**
 * socket.io's Redis adapter publishes without waiting: with Redis gone, such a command rejects with nobody listening
 * (seen in CI during the Redis restart test). Through our client it is handled; a command someone awaits still fails.
 */
describe('commands sent without waiting while Redis is away', () => {
  let redis: TestRedis;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    redis = await startRedis();
    process.on('unhandledRejection', onUnhandled);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await redis?.stop();
  });

  it('reject handled, while an awaited one still reports its error', async () => {
    const client = withEveryCommandHandled(new Redis(redis.url, { maxRetriesPerRequest: 0, lazyConnect: false }));
    client.on('error', () => undefined);
    await until(() => client.status === 'ready', 10_000, 'connected');
    const restart = redis.restart(1000);
    await until(() => client.status !== 'ready', 10_000, 'Redis gone');
    // As the adapter does: fire and forget.
    void client.publish('diemcau:test', 'lost');
    void client.set('diemcau:session', 'x', 'PX', 60_000);
    const awaited = await client.get('diemcau:x').then(
      () => 'ok',
      (error: unknown) => `failed: ${String(error)}`,
    );
    expect(awaited).toMatch(/^failed/);
    await restart;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled).toEqual([]);
    client.disconnect();
  });
});
