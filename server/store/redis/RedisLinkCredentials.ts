import type { Redis } from 'ioredis';
import type { LinkCredentials } from '../LinkCredentials.js';

const KEY = 'diemcau:link-credentials';

/** The invitations in one Redis hash, beside (not in) the meetings' streams: any coordinator adopting a meeting reads it. */
export class RedisLinkCredentials implements LinkCredentials {
  readonly #redis: Redis;

  constructor({ redis }: { redis: Redis }) {
    this.#redis = redis;
  }

  async get(meetingId: string): Promise<string | null> {
    return this.#redis.hget(KEY, meetingId);
  }

  async put(meetingId: string, linkToken: string): Promise<void> {
    await this.#redis.hset(KEY, meetingId, linkToken);
  }

  async remove(meetingId: string): Promise<void> {
    await this.#redis.hdel(KEY, meetingId);
  }
}
