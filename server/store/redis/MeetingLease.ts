import type { Redis } from 'ioredis';

/** Ownership of one meeting by one node: the node id and a fencing token that only ever grows. */
export interface Lease {
  meetingId: string;
  nodeId: string;
  token: number;
}

// KEYS[1] lease, KEYS[2] fence counter; ARGV: nodeId, ttlMs. Takes a free lease (or re-takes its own) with a new token.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then
  local node = string.match(current, '^(.*):%d+$')
  if node ~= ARGV[1] then return nil end
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token
`;

// KEYS[1] lease; ARGV: owner ("node:token"), ttlMs. Extends only the holder's own lease.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

// KEYS[1] lease; ARGV[1] owner. Gives the lease up only if still held.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * One writer per meeting across nodes: a lease in Redis with a time to live, and a fencing token that grows with
 * every acquisition. The store checks the token on every append (RedisMeetingStore.fence), so a node that lost its
 * lease — paused, partitioned, presumed dead — can no longer write, even if it still believes it owns the meeting.
 */
export class MeetingLeases {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor({ redis, prefix = 'diemcau:', ttlMs = 5000 }: { redis: Redis; prefix?: string; ttlMs?: number }) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlMs = ttlMs;
  }

  leaseKey(meetingId: string): string {
    return `${this.#prefix}meeting:${meetingId}:lease`;
  }

  /** Takes the meeting if nobody holds it (or this node already does); `null` while another node holds it. */
  async acquire(meetingId: string, nodeId: string): Promise<Lease | null> {
    const token = (await this.#redis.eval(
      ACQUIRE,
      2,
      this.leaseKey(meetingId),
      `${this.#prefix}meeting:${meetingId}:fence`,
      nodeId,
      String(this.#ttlMs),
    )) as number | null;

    return token === null ? null : { meetingId, nodeId, token: Number(token) };
  }

  /** Extends the lease; `false` when it was lost (expired and taken, or released). */
  async renew(lease: Lease): Promise<boolean> {
    const ok = await this.#redis.eval(RENEW, 1, this.leaseKey(lease.meetingId), owner(lease), String(this.#ttlMs));

    return Number(ok) === 1;
  }

  /** The node holding the meeting's lease now, or `null` when nobody does (its owner died and it is not adopted). */
  async holder(meetingId: string): Promise<string | null> {
    const current = await this.#redis.get(this.leaseKey(meetingId));
    const match = current === null ? null : /^(.*):\d+$/.exec(current);

    return match?.[1] ?? null;
  }

  async release(lease: Lease): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.leaseKey(lease.meetingId), owner(lease));
  }
}

export const owner = (lease: Lease): string => `${lease.nodeId}:${lease.token}`;
