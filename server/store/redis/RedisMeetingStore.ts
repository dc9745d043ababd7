import { Redis } from 'ioredis';
import { DomainError } from '../../domain/core/errors.js';
import type { MeetingEvent } from '../../domain/core/events.js';
import { createLogger } from '../../logger.js';
import type { MeetingState } from '../../domain/core/model.js';
import type { MeetingStore, SnapshotStore } from '../MeetingStore.js';
import { owner, type Lease } from './MeetingLease.js';

/**
 * One append, all or nothing, in one round trip. KEYS[1] stream, KEYS[2] lease, KEYS[3] the set of meetings; ARGV[1]
 * the lease owner ('' when not fenced), ARGV[2] the seq the log must end at now, ARGV[3] the meeting id when this
 * append creates the meeting (else ''), then id/json pairs. The log's end is checked here, so that appends sent one
 * after another without waiting (pipelined) can never leave a gap: after one fails, the next fail too.
 */
const APPEND = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
if ARGV[3] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[3]) == 1 then
  return redis.error_reply('EXISTS')
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local lastSeq = 0
if #last > 0 then
  lastSeq = tonumber(string.match(last[1][1], '^(%d+)'))
end
if lastSeq ~= tonumber(ARGV[2]) then
  return redis.error_reply('GAP ' .. lastSeq)
end
if ARGV[3] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[3])
end
for i = 4, #ARGV, 2 do
  redis.call('XADD', KEYS[1], ARGV[i], 'e', ARGV[i + 1])
end
return (#ARGV - 3) / 2
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
    const first = events[0];
    if (first === undefined) {
      return;
    }
    events.forEach((event, i) => {
      if (event.seq !== first.seq + i) {
        throw new TypeError(`append(): seq ${event.seq} does not follow ${first.seq + i - 1} [meetingId:${meetingId}]`);
      }
    });
    const creating = first.type === 'MeetingCreated';
    const lease = this.#fences.get(meetingId);
    // Sent at once, in call order on the one connection: no await before it.
    const reply = this.#redis.eval(
      APPEND,
      3,
      this.#key(meetingId),
      `${this.#prefix}meeting:${meetingId}:lease`,
      `${this.#prefix}meetings`,
      lease === undefined ? '' : owner(lease),
      String(first.seq - 1),
      creating ? meetingId : '',
      ...events.flatMap((event) => [`${event.seq}-0`, JSON.stringify(event)]),
    );
    try {
      await reply;
    } catch (error) {
      const message = String(error);
      if (message.includes('FENCED')) {
        throw new DomainError(
          'STORE_FENCED',
          `Nút này không còn giữ hội nghị ${meetingId} (this node lost the meeting)`,
        );
      }
      if (message.includes('EXISTS')) {
        throw new DomainError('MEETING_EXISTS', `Hội nghị ${meetingId} đã tồn tại (meeting exists)`);
      }
      if (message.includes('GAP')) {
        throw new TypeError(
          `append(): seq ${first.seq} does not follow the stored log (${message}) [meetingId:${meetingId}]`,
          { cause: error },
        );
      }
      throw new DomainError('STORE_UNAVAILABLE', `Không ghi được nhật ký (log write failed): ${message}`);
    }
  }

  async read(meetingId: string): Promise<MeetingEvent[]> {
    const entries = await this.#redis.xrange(this.#key(meetingId), '-', '+');
    if (entries.length === 0) {
      throw DomainError.meetingNotFound(meetingId);
    }
    const events = entries.map(([, fields]) => JSON.parse(fields[1] as string) as MeetingEvent);

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

  #key(meetingId: string): string {
    return `${this.#prefix}meeting:${meetingId}:log`;
  }
}
