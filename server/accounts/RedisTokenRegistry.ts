import type { Redis } from 'ioredis';
import { createLogger } from '../logger.js';
import { RevocationSet } from './RevocationSet.js';
import type { IssuedToken, Revocation, TokenRegistry } from './TokenRegistry.js';

const logger = createLogger('RedisTokenRegistry');

/**
 * The registry shared by every coordinator: issued tokens as keys that expire with them, revocations in one hash
 * (held in memory on each node, so a handshake never waits for Redis) and announced on a channel.
 */
export class RedisTokenRegistry implements TokenRegistry {
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #revoked = new RevocationSet();
  #closed = false;

  private constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#subscriber = redis.duplicate();
    this.#prefix = prefix;
  }

  static async create({ redis, prefix = 'diemcau:' }: { redis: Redis; prefix?: string }): Promise<RedisTokenRegistry> {
    const registry = new RedisTokenRegistry(redis, prefix);
    registry.#subscriber.on('error', (error: Error) => logger.debug({ err: error }, 'subscriber: redis error'));
    registry.#subscriber.on('message', (_channel: string, message: string) => registry.#learn(message));
    await registry.#subscriber.subscribe(registry.#channel);
    // Subscribed first, then read: a revocation between the two arrives on the channel.
    const all = await redis.hgetall(registry.#hash);
    const expired: string[] = [];
    for (const [tokenId, value] of Object.entries(all)) {
      if ((JSON.parse(value) as Revocation).expiresAt <= Date.now()) {
        expired.push(tokenId); // refused as expired anyway; no need to keep it
      } else {
        registry.#learn(value);
      }
    }
    if (expired.length > 0) {
      await redis.hdel(registry.#hash, ...expired);
    }

    return registry;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async recordIssued(tokens: IssuedToken[]): Promise<void> {
    const now = Date.now();
    const pipeline = this.#redis.pipeline();
    for (const token of tokens) {
      const ttl = Math.max(1, token.expiresAt - now);
      pipeline.set(this.#issuedKey(token.tokenId), JSON.stringify(token), 'PX', ttl);
      if (token.shortCode !== undefined) {
        pipeline.set(this.#shortKey(token.shortCode), token.tokenId, 'PX', ttl);
      }
      if (token.linkId === token.tokenId) {
        // A meeting's links scored by expiry: listing them trims the expired ones.
        pipeline.zadd(this.#linksKey(token.meetingId), token.expiresAt, token.tokenId);
      }
    }
    await pipeline.exec();
  }

  async issued(tokenId: string): Promise<IssuedToken | null> {
    const value = await this.#redis.get(this.#issuedKey(tokenId));

    return value === null ? null : (JSON.parse(value) as IssuedToken);
  }

  async linksOf(meetingId: string): Promise<IssuedToken[]> {
    const key = this.#linksKey(meetingId);
    await this.#redis.zremrangebyscore(key, '-inf', Date.now());
    const ids = await this.#redis.zrange(key, '0', '-1');
    if (ids.length === 0) {
      return [];
    }
    const values = await this.#redis.mget(ids.map((id) => this.#issuedKey(id)));

    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as IssuedToken);
  }

  async byShortCode(shortCode: string): Promise<IssuedToken | null> {
    const tokenId = await this.#redis.get(this.#shortKey(shortCode));

    return tokenId === null ? null : this.issued(tokenId);
  }

  async revoke(revocation: Revocation): Promise<Revocation> {
    const added = await this.#redis.hsetnx(this.#hash, revocation.tokenId, JSON.stringify(revocation));
    if (added === 0) {
      const earlier = await this.#redis.hget(this.#hash, revocation.tokenId);

      return earlier === null ? revocation : (JSON.parse(earlier) as Revocation);
    }
    await this.#redis.publish(this.#channel, JSON.stringify(revocation));
    this.#learn(JSON.stringify(revocation));

    return revocation;
  }

  isRevoked(linkId: string): boolean {
    return this.#revoked.has(linkId);
  }

  onRevoked(listener: (linkId: string) => void): () => void {
    return this.#revoked.onRevoked(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#subscriber.disconnect();
  }

  get #hash(): string {
    return `${this.#prefix}tokens:revoked`;
  }

  get #channel(): string {
    return `${this.#prefix}tokens:revocations`;
  }

  #issuedKey(tokenId: string): string {
    return `${this.#prefix}tokens:issued:${tokenId}`;
  }

  #linksKey(meetingId: string): string {
    return `${this.#prefix}tokens:links:${meetingId}`;
  }

  #shortKey(shortCode: string): string {
    return `${this.#prefix}tokens:short:${shortCode}`;
  }

  #learn(message: string): void {
    this.#revoked.add(JSON.parse(message) as Revocation);
  }
}
