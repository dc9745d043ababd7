/**
 * Jobs queued per key (a meeting) and run `concurrency` at a time, at most one per key at once, the keys taking turns:
 * a meeting that uploads twenty documents waits behind its own, never in front of another meeting's, and one slow
 * document holds at most one of the slots.
 */
export class FairQueue {
  readonly #concurrency: number;
  /** Waiting jobs per key, in the order keys first queued (a Map keeps insertion order: the turn order). */
  readonly #waiting = new Map<string, (() => Promise<void>)[]>();
  readonly #running = new Set<string>();

  constructor({ concurrency }: { concurrency: number }) {
    this.#concurrency = concurrency;
  }

  /** Queues a job under `key`; resolves when it has run (it must not reject: its own errors are its own). */
  push(key: string, job: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const queued = this.#waiting.get(key) ?? [];
      queued.push(() => job().finally(resolve));
      this.#waiting.set(key, queued);
      this.#next();
    });
  }

  /** Jobs waiting (not running). */
  get waiting(): number {
    let count = 0;
    this.#waiting.forEach((jobs) => (count += jobs.length));

    return count;
  }

  #next(): void {
    for (const [key, jobs] of this.#waiting) {
      if (this.#running.size >= this.#concurrency) {
        return;
      }
      if (this.#running.has(key)) {
        continue;
      }
      const job = jobs.shift();
      // The key goes to the back of the turn order (re-inserted below when it still has jobs).
      this.#waiting.delete(key);
      if (job === undefined) {
        continue;
      }
      if (jobs.length > 0) {
        this.#waiting.set(key, jobs);
      }
      this.#running.add(key);
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.#running.delete(key);
          // It just had its turn: the others queued meanwhile go first.
          const rest = this.#waiting.get(key);
          if (rest !== undefined) {
            this.#waiting.delete(key);
            this.#waiting.set(key, rest);
          }
          this.#next();
        });
    }
  }
}
