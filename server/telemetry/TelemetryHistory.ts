import { HISTORY_FIELDS, type HistoryColumns, type HistoryField } from '../protocol/telemetryWire.js';
import type { LinkSample } from './classify.js';

// Every field kept is a field of a sample (a compile-time check: the protocol lists them, telemetry fills them).
const _fieldsOfSamples: readonly (keyof LinkSample)[] = HISTORY_FIELDS;

/**
 * One point's recent samples in a ring buffer of typed arrays (30 min at 2 s ≈ 900 samples ≈ 45 KB), growing to its
 * capacity on demand so idle points cost nothing.
 */
export class SampleRing {
  readonly #capacity: number;
  #at = new Float64Array(0);
  #values = new Float32Array(0);
  #start = 0;
  #size = 0;

  constructor({ capacity }: { capacity: number }) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#size;
  }

  push(at: number, sample: LinkSample): void {
    if (this.#size === this.#at.length && this.#size < this.#capacity) {
      this.#grow(Math.min(this.#capacity, Math.max(16, this.#size * 2)));
    }
    const slot = (this.#start + this.#size) % this.#at.length;
    this.#at[slot] = at;
    HISTORY_FIELDS.forEach((field, f) => {
      this.#values[slot * HISTORY_FIELDS.length + f] = sample[field] ?? Number.NaN;
    });
    if (this.#size < this.#at.length) {
      this.#size += 1;
    } else {
      this.#start = (this.#start + 1) % this.#at.length;
    }
  }

  /** Samples at or after `since`, oldest first. */
  columns(since = 0): HistoryColumns {
    const out = { at: [] as number[] } as HistoryColumns;
    for (const field of HISTORY_FIELDS) {
      out[field] = [];
    }
    for (let i = 0; i < this.#size; i += 1) {
      const slot = (this.#start + i) % this.#at.length;
      const at = this.#at[slot] as number;
      if (at < since) {
        continue;
      }
      out.at.push(at);
      HISTORY_FIELDS.forEach((field, f) => {
        const value = this.#values[slot * HISTORY_FIELDS.length + f] as number;
        out[field].push(Number.isNaN(value) ? null : Math.round(value * 100) / 100);
      });
    }

    return out;
  }

  /** The worst (highest) value of a field over the kept window. */
  max(field: HistoryField): number | null {
    const column = this.columns()[field].filter((v): v is number => v !== null);

    return column.length === 0 ? null : Math.max(...column);
  }

  #grow(capacity: number): void {
    const at = new Float64Array(capacity);
    const values = new Float32Array(capacity * HISTORY_FIELDS.length);
    for (let i = 0; i < this.#size; i += 1) {
      const slot = (this.#start + i) % this.#at.length;
      at[i] = this.#at[slot] as number;
      values.set(
        this.#values.subarray(slot * HISTORY_FIELDS.length, (slot + 1) * HISTORY_FIELDS.length),
        i * HISTORY_FIELDS.length,
      );
    }
    this.#at = at;
    this.#values = values;
    this.#start = 0;
  }
}
