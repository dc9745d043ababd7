import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../../server/media/KeyedQueue.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedQueue', () => {
  it('runs one key in order and other keys alongside', async () => {
    const queue = new KeyedQueue({ timeoutMs: 1000 });
    const order: string[] = [];
    const step = (name: string, ms: number) => async () => {
      await wait(ms);
      order.push(name);

      return name;
    };
    const results = await Promise.all([
      queue.run('a', step('a1', 30)),
      queue.run('a', step('a2', 1)),
      queue.run('b', step('b1', 5)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  it('fails a stuck step after the timeout and lets the next one run', async () => {
    const queue = new KeyedQueue({ timeoutMs: 50 });
    const stuck = queue.run('a', () => new Promise<never>(() => undefined));
    const next = queue.run('a', async () => 'ran');
    await expect(stuck).rejects.toThrow(/timed out/);
    expect(await next).toBe('ran');
  });

  it('a failing step does not stop the queue', async () => {
    const queue = new KeyedQueue({ timeoutMs: 1000 });
    const failing = queue.run('a', async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await queue.run('a', async () => 2)).toBe(2);
  });
});
