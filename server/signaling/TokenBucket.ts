/**
 * A token bucket: `capacity` requests at once, refilled at `perSecond`. Used per socket and event class so one
 * flooding client is throttled without touching anyone else.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #last: number;

  constructor({ capacity, perSecond, now = Date.now() }: { capacity: number; perSecond: number; now?: number }) {
    this.#capacity = capacity;
    this.#perMs = perSecond / 1000;
    this.#tokens = capacity;
    this.#last = now;
  }

  /** Takes a token if there is one. */
  take(now = Date.now()): boolean {
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    if (this.#tokens < 1) {
      return false;
    }
    this.#tokens -= 1;

    return true;
  }
}
