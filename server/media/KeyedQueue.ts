/**
 * Runs async steps one at a time per key, each bounded by a timeout, so one stuck step fails alone instead of
 * holding the key's queue forever (ARCHITECTURE: serialize mutations per key).
 */
export class KeyedQueue {
  readonly #timeoutMs: number;
  readonly #tails = new Map<string, Promise<unknown>>();

  constructor({ timeoutMs }: { timeoutMs: number }) {
    this.#timeoutMs = timeoutMs;
  }

  run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const guarded = () =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`step timed out after ${this.#timeoutMs} ms`)),
          this.#timeoutMs,
        );
        step().then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      });
    const run = previous.then(guarded, guarded);
    const tail = run.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) {
        this.#tails.delete(key);
      }
    });

    return run;
  }
}
