import type { Redis } from 'ioredis';
import { checkPart, type DocumentStore } from './DocumentStore.js';

/** A part is written in pieces of this size, one command each. */
export const DOCUMENT_CHUNK_BYTES = 1024 * 1024;

/**
 * Documents in Redis, one hash per document, so that every coordinator serves them. They share the Redis of the
 * meetings' logs but not its write path: the store has its own connection (a 50 MB part never queues the logs'
 * appends behind it on one socket), and a part is written in 1 MB pieces, one command each, so that Redis (one thread,
 * AOF `always`) serves the logs' appends between them instead of copying and syncing 50 MB in one go. A part's pieces
 * are `<part>#<i>` and its count `<part>#n`, written last: a reader never sees half of one.
 */
export class RedisDocumentStore implements DocumentStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #chunkBytes: number;

  /** `redis`: a connection of the store's own (the caller's is duplicated when `duplicate` is left true). */
  constructor({
    redis,
    prefix = 'diemcau:',
    chunkBytes = DOCUMENT_CHUNK_BYTES,
    duplicate = true,
  }: {
    redis: Redis;
    prefix?: string;
    chunkBytes?: number;
    duplicate?: boolean;
  }) {
    this.#redis = duplicate ? redis.duplicate() : redis;
    this.#prefix = prefix;
    this.#chunkBytes = chunkBytes;
  }

  #key(meetingId: string, documentId: string): string {
    return `${this.#prefix}document:${meetingId}:${documentId}`;
  }

  async put(meetingId: string, documentId: string, part: string, bytes: Buffer): Promise<void> {
    checkPart(meetingId, documentId, part);
    const key = this.#key(meetingId, documentId);
    const count = Math.max(1, Math.ceil(bytes.length / this.#chunkBytes));
    for (let i = 0; i < count; i += 1) {
      // One piece per round trip: the logs' appends go between them.
      await this.#redis.hset(key, `${part}#${i}`, bytes.subarray(i * this.#chunkBytes, (i + 1) * this.#chunkBytes));
    }
    await this.#redis.hset(key, `${part}#n`, String(count));
  }

  async get(meetingId: string, documentId: string, part: string): Promise<Buffer | null> {
    checkPart(meetingId, documentId, part);
    const key = this.#key(meetingId, documentId);
    const count = Number(await this.#redis.hget(key, `${part}#n`));
    if (!Number.isInteger(count) || count < 1) {
      // A part stored whole by an earlier version.
      return this.#redis.hgetBuffer(key, part);
    }
    const pieces = await this.#redis.hmgetBuffer(key, ...Array.from({ length: count }, (_, i) => `${part}#${i}`));
    if (pieces.some((piece) => piece === null)) {
      return null;
    }

    return Buffer.concat(pieces as Buffer[]);
  }

  async remove(meetingId: string, documentId: string): Promise<void> {
    checkPart(meetingId, documentId);
    await this.#redis.del(this.#key(meetingId, documentId));
  }

  /** Closes the store's own connection. */
  async close(): Promise<void> {
    await this.#redis.quit().catch(() => undefined);
  }
}
