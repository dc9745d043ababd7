import type { TypedServer } from './typedServer.js';

/**
 * Gives new sessions their first replay offset. With connection-state recovery a session resumes from the last
 * broadcast it received, and a joining socket's snapshot goes to it alone, without one (it is not kept for replay). A
 * short `meeting:ready` follows instead, once per window for every socket that got its snapshot in it: each broadcast
 * is a write to the coordinators' shared stream that every node reads back, and a national join storm is thousands of
 * sockets.
 */
export class ReplayMarkers {
  readonly #pending = new Set<string>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly io: TypedServer,
    private readonly windowMs = 100,
  ) {}

  /** The socket has its snapshot: mark it within the window. */
  add(socketId: string): void {
    this.#pending.add(socketId);
    this.#timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** A socket gone before its marker needs none. */
  forget(socketId: string): void {
    this.#pending.delete(socketId);
  }

  flush(): void {
    this.#cancelTimer();
    if (this.#pending.size > 0) {
      // Every socket is in a room named by its id: one broadcast to all of them.
      this.io.to([...this.#pending]).emit('meeting:ready', {});
      this.#pending.clear();
    }
  }

  stop(): void {
    this.#cancelTimer();
    this.#pending.clear();
  }

  #cancelTimer(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }
}
