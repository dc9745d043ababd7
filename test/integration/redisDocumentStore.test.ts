import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisDocumentStore } from '../../server/content/RedisDocumentStore.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  await client.quit();
  await redis.stop();
});

describe('documents in Redis, out of the logs’ write path', () => {
  it('keeps a part in 1 MB pieces on a connection of its own, and reads it back whole', async () => {
    const store = new RedisDocumentStore({ redis: client });
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    await store.put('m1', 'd1', 'original', bytes);
    expect((await store.get('m1', 'd1', 'original'))?.equals(bytes)).toBe(true);
    // Six pieces and their count, each its own field: no field is larger than a piece.
    const fields = await client.hkeys('diemcau:document:m1:d1');
    expect(fields.sort()).toEqual([
      'original#0',
      'original#1',
      'original#2',
      'original#3',
      'original#4',
      'original#5',
      'original#n',
    ]);
    expect(await client.hstrlen('diemcau:document:m1:d1', 'original#0')).toBe(1024 * 1024);
    expect(await store.get('m1', 'd1', 'page-1.jpg')).toBeNull();
    await store.remove('m1', 'd1');
    expect(await store.get('m1', 'd1', 'original')).toBeNull();
    await store.close();
  });

  it('reads a part an earlier version stored whole', async () => {
    const store = new RedisDocumentStore({ redis: client });
    const bytes = randomBytes(300_000);
    await client.hset('diemcau:document:m1:old', 'original', bytes);
    expect((await store.get('m1', 'old', 'original'))?.equals(bytes)).toBe(true);
    await store.close();
  });

  it('lets another connection’s writes through while a large part is written', async () => {
    const store = new RedisDocumentStore({ redis: client });
    const big = store.put('m1', 'd2', 'original', randomBytes(40 * 1024 * 1024));
    let bigDone = false;
    void big.then(() => {
      bigDone = true;
    });
    // A log's appends, one after another, on the logs' own connection while the document goes in.
    let appended = 0;
    while (!bigDone) {
      await client.xadd('diemcau:test-log', '*', 'event', 'x');
      appended += 1;
    }
    await big;
    // The appends were not held until the document was in: many went through between its pieces.
    expect(appended).toBeGreaterThan(10);
    await store.close();
  });
});
