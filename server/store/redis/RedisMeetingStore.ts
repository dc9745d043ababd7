import { Redis } from 'ioredis';
import { DomainError } from '../../domain/errors.js';
import type { MeetingEvent } from '../../domain/events.js';
import { createLogger } from '../../logger.js';
import type { MeetingState } from '../../domain/model.js';
import type { MeetingStore, SnapshotStore } from '../MeetingStore.js';
import { owner, type Lease } from './MeetingLease.js';

// KEYS[1] stream, KEYS[2] lease; ARGV[1] owner, then id/json pairs. All or nothing, only for the lease holder.
const FENCED_APPEND = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
for i = 2, #ARGV, 2 do
  redis.call('XADD', KEYS[1], ARGV[i], 'e', ARGV[i + 1])
end
return #ARGV / 2
`;

// KEYS[1] snapshot; ARGV[1] seq, ARGV[2] json. Keeps the newer snapshot.
const SAVE_SNAPSHOT = `
local current = redis.call('HGET', KEYS[1], 'seq')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'state', ARGV[2])
return 1
`;

const logger = createLogger('RedisMeetingStore');

export interface RedisMeetingStoreOptions {
  /** e.g. `redis://127.0.0.1:6379/0`. */
  url: string;
  /** Key prefix. Default `diemcau:`. */
  prefix?: string;
}

/**
 * Meeting logs in Redis Streams: one stream per meeting, entry id `<seq>-0`, so Redis itself refuses an event whose
 * sequence does not move forward (a second writer, a replay). Streams are never trimmed. Durability is Redis's:
 * run it with `appendonly yes` and `appendfsync always` (or `everysec`, accepting up to a second) — see
 * infra/redis.md.
 */
export class RedisMeetingStore implements MeetingStore, SnapshotStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #lastSeq = new Map<string, number>();
  /** Per meeting: the lease this node writes under; appends check it atomically. */
  readonly #fences = new Map<string, Lease>();
  #closed = false;

  private constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  static async create({ url, prefix = 'diemcau:' }: RedisMeetingStoreOptions): Promise<RedisMeetingStore> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    // ioredis reconnects by itself; while Redis is away, appends fail with STORE_UNAVAILABLE and nothing is acked.
    redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
    await redis.connect();

    return new RedisMeetingStore(redis, prefix);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Writes to this meeting only while holding `lease`: every append checks, inside Redis, that the lease key still
   * names this node and token, and fails with STORE_FENCED otherwise. `null` stops fencing (single node).
   */
  fence(meetingId: string, lease: Lease | null): void {
    if (lease === null) {
      this.#fences.delete(meetingId);
    } else {
      this.#fences.set(meetingId, lease);
      this.#lastSeq.delete(meetingId); // another writer may have appended before this node took over
    }
  }

  /** The connection, for stores that share it (the directory, leases). */
  get client(): Redis {
    return this.#redis;
  }

  async append(meetingId: string, events: MeetingEvent[]): Promise<void> {
    if (this.#closed) {
      throw new Error('InvalidStateError: RedisMeetingStore closed');
    }
    if (events.length === 0) {
      return;
    }
    const creating = events[0]?.type === 'MeetingCreated';
    if (creating) {
      const added = await this.#redis.sadd(`${this.#prefix}meetings`, meetingId);
      if (added === 0) {
        throw new DomainError('MEETING_EXISTS', `Hội nghị ${meetingId} đã tồn tại (meeting exists)`);
      }
      this.#lastSeq.set(meetingId, 0);
    }
    const last = this.#lastSeq.get(meetingId) ?? (await this.#lastStoredSeq(meetingId));
    events.forEach((event, i) => {
      if (event.seq !== last + i + 1) {
        throw new TypeError(`append(): seq ${event.seq} does not follow ${last + i} [meetingId:${meetingId}]`);
      }
    });
    const key = this.#key(meetingId);
    const lease = this.#fences.get(meetingId);
    if (lease !== undefined) {
      await this.#fencedAppend(meetingId, lease, events);
      this.#lastSeq.set(meetingId, last + events.length);

      return;
    }
    const transaction = this.#redis.multi();
    for (const event of events) {
      transaction.xadd(key, `${event.seq}-0`, 'e', JSON.stringify(event));
    }
    const results = await transaction.exec();
    const failed = results?.find(([error]) => error !== null);
    if (results === null || failed !== undefined) {
      this.#lastSeq.delete(meetingId);
      if (creating) {
        await this.#redis.srem(`${this.#prefix}meetings`, meetingId).catch(() => undefined);
      }
      throw new DomainError(
        'STORE_UNAVAILABLE',
        `Không ghi được nhật ký (log write failed): ${String(failed?.[0] ?? 'aborted')}`,
      );
    }
    this.#lastSeq.set(meetingId, last + events.length);
  }

  async read(meetingId: string): Promise<MeetingEvent[]> {
    const entries = await this.#redis.xrange(this.#key(meetingId), '-', '+');
    if (entries.length === 0) {
      throw DomainError.meetingNotFound(meetingId);
    }
    const events = entries.map(([, fields]) => JSON.parse(fields[1] as string) as MeetingEvent);
    this.#lastSeq.set(meetingId, events.length);

    return events;
  }

  async list(): Promise<string[]> {
    return (await this.#redis.smembers(`${this.#prefix}meetings`)).sort();
  }

  get snapshots(): SnapshotStore {
    return this;
  }

  async saveSnapshot(meetingId: string, state: MeetingState): Promise<void> {
    await this.#redis.eval(SAVE_SNAPSHOT, 1, this.#snapshotKey(meetingId), String(state.seq), JSON.stringify(state));
  }

  async loadSnapshot(meetingId: string): Promise<MeetingState | null> {
    const json = await this.#redis.hget(this.#snapshotKey(meetingId), 'state');

    return json === null ? null : (JSON.parse(json) as MeetingState);
  }

  async readAfter(meetingId: string, seq: number): Promise<MeetingEvent[]> {
    const entries = await this.#redis.xrange(this.#key(meetingId), `${seq + 1}-0`, '+');
    const events = entries.map(([, fields]) => JSON.parse(fields[1] as string) as MeetingEvent);
    this.#lastSeq.set(meetingId, seq + events.length);

    return events;
  }

  #snapshotKey(meetingId: string): string {
    return `${this.#prefix}meeting:${meetingId}:snapshot`;
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    await this.#redis.quit().catch(() => undefined);
  }

  async #fencedAppend(meetingId: string, lease: Lease, events: MeetingEvent[]): Promise<void> {
    const args = events.flatMap((event) => [`${event.seq}-0`, JSON.stringify(event)]);
    try {
      await this.#redis.eval(
        FENCED_APPEND,
        2,
        this.#key(meetingId),
        `${this.#prefix}meeting:${meetingId}:lease`,
        owner(lease),
        ...args,
      );
    } catch (error) {
      this.#lastSeq.delete(meetingId);
      if (String(error).includes('FENCED')) {
        throw new DomainError(
          'STORE_FENCED',
          `Nút này không còn giữ hội nghị ${meetingId} (this node lost the meeting)`,
        );
      }
      throw new DomainError('STORE_UNAVAILABLE', `Không ghi được nhật ký (log write failed): ${String(error)}`);
    }
  }

  #key(meetingId: string): string {
    return `${this.#prefix}meeting:${meetingId}:log`;
  }

  async #lastStoredSeq(meetingId: string): Promise<number> {
    const last = await this.#redis.xrevrange(this.#key(meetingId), '+', '-', 'COUNT', 1);
    const id = last[0]?.[0];

    return id === undefined ? 0 : Number(id.split('-')[0]);
  }
}
