import type { Redis } from 'ioredis';
import type { LinkSample } from './classify.js';
import { HISTORY_FIELDS, type HistoryColumns } from '../protocol/telemetryWire.js';

/**
 * Link-quality history in Redis: one capped stream per meeting point (`MAXLEN ~` the 30-minute window), so any
 * coordinator — including one that adopted the meeting after a failover — can plot a point's last 30 minutes.
 */
export class RedisTelemetryHistory {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #capacity: number;

  constructor({ redis, capacity, prefix = 'diemcau:' }: { redis: Redis; capacity: number; prefix?: string }) {
    this.#redis = redis;
    this.#capacity = capacity;
    this.#prefix = prefix;
  }

  append(meetingId: string, pointId: string, at: number, sample: LinkSample): Promise<unknown> {
    const fields = HISTORY_FIELDS.flatMap((field) => [field, sample[field] === null ? '' : String(sample[field])]);

    return this.#redis.xadd(this.#key(meetingId, pointId), 'MAXLEN', '~', String(this.#capacity), `${at}-*`, ...fields);
  }

  async columns(meetingId: string, pointId: string, since = 0): Promise<HistoryColumns> {
    const entries = await this.#redis.xrange(this.#key(meetingId, pointId), String(since), '+');
    const out = { at: [] as number[] } as HistoryColumns;
    for (const field of HISTORY_FIELDS) {
      out[field] = [];
    }
    for (const [id, values] of entries) {
      out.at.push(Number(id.split('-')[0]));
      const byName = new Map<string, string>();
      for (let i = 0; i + 1 < values.length; i += 2) {
        byName.set(values[i] as string, values[i + 1] as string);
      }
      for (const field of HISTORY_FIELDS) {
        const raw = byName.get(field);
        out[field].push(raw === undefined || raw === '' ? null : Number(raw));
      }
    }

    return out;
  }

  #key(meetingId: string, pointId: string): string {
    return `${this.#prefix}meeting:${meetingId}:telemetry:${pointId}`;
  }
}
