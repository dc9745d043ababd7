import type { Redis } from 'ioredis';
import { checkPart, type DocumentStore } from './DocumentStore.js';

/** Documents in Redis, one hash per document (field = part), so that every coordinator serves them. */
export class RedisDocumentStore implements DocumentStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor({ redis, prefix = 'diemcau:' }: { redis: Redis; prefix?: string }) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #key(meetingId: string, documentId: string): string {
    return `${this.#prefix}document:${meetingId}:${documentId}`;
  }

  async put(meetingId: string, documentId: string, part: string, bytes: Buffer): Promise<void> {
    checkPart(meetingId, documentId, part);
    await this.#redis.hset(this.#key(meetingId, documentId), part, bytes);
  }

  async get(meetingId: string, documentId: string, part: string): Promise<Buffer | null> {
    checkPart(meetingId, documentId, part);

    return this.#redis.hgetBuffer(this.#key(meetingId, documentId), part);
  }

  async remove(meetingId: string, documentId: string): Promise<void> {
    checkPart(meetingId, documentId);
    await this.#redis.del(this.#key(meetingId, documentId));
  }
}
