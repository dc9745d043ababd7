import type { Redis } from 'ioredis';
import type { Directory } from '../../domain/directory/directory.js';
import type { DirectoryStore } from '../DirectoryStore.js';

/** The directory as one JSON value in Redis, replaced whole (SET is atomic). */
export class RedisDirectoryStore implements DirectoryStore {
  readonly #redis: Redis;
  readonly #key: string;

  constructor({ redis, prefix = 'diemcau:' }: { redis: Redis; prefix?: string }) {
    this.#redis = redis;
    this.#key = `${prefix}directory`;
  }

  async load(): Promise<Directory> {
    const value = await this.#redis.get(this.#key);

    return value === null ? { units: [], points: [] } : (JSON.parse(value) as Directory);
  }

  async save(directory: Directory): Promise<void> {
    await this.#redis.set(this.#key, JSON.stringify(directory));
  }
}
