import type { Redis } from 'ioredis';
import type { Account } from '../domain/directory/accounts.js';
import type { AccountStore } from './AccountStore.js';

/** Accounts shared by every coordinator: one Redis hash, username → account JSON. */
export class RedisAccountStore implements AccountStore {
  readonly #redis: Redis;
  readonly #key: string;

  constructor({ redis, prefix = 'diemcau:' }: { redis: Redis; prefix?: string }) {
    this.#redis = redis;
    this.#key = `${prefix}accounts`;
  }

  async get(username: string): Promise<Account | null> {
    const value = await this.#redis.hget(this.#key, username);

    return value === null ? null : (JSON.parse(value) as Account);
  }

  async list(): Promise<Account[]> {
    return Object.values(await this.#redis.hgetall(this.#key)).map((value) => JSON.parse(value) as Account);
  }

  async create(account: Account): Promise<boolean> {
    return (await this.#redis.hsetnx(this.#key, account.username, JSON.stringify(account))) === 1;
  }

  async update(account: Account): Promise<void> {
    await this.#redis.hset(this.#key, account.username, JSON.stringify(account));
  }

  async close(): Promise<void> {
    // The connection belongs to the meeting store.
  }
}
