import { createLogger } from '../logger.js';
import type { Ack } from '../protocol/common.js';
import { backoffDelay } from './backoff.js';

const logger = createLogger('LinkOutbox');

/** How one report is sent: resolves with the parent's answer, rejects when none came in time. */
export type LinkSend = (event: string, body: object) => Promise<Ack>;

export interface LinkOutboxOptions {
  /** Sends one report (a socket.io `emitWithAck` with a timeout). */
  send: LinkSend;
  /** Whether the link can carry a report now (connected and said hello). */
  open: () => boolean;
  /** First delay before a report that got no answer is sent again, ms. Default 1000. */
  retryBaseMs?: number;
  /** Longest delay between two sends of one report, ms. Default 30000. */
  retryMaxMs?: number;
  /** Told of a report the parent answered with a refusal (it is not sent again). */
  onRefused?: (event: string, error: Extract<Ack, { ok: false }>['error']) => void;
}

interface Pending {
  event: string;
  body: object;
  seq: number;
  attempt: number;
  timer: NodeJS.Timeout | null;
}

/**
 * What a child sends up, kept until the parent answers it: a report that got no answer (a slow parent, a link cut
 * while it was on the wire) is sent again with a growing, jittered delay, and again after a reconnection, until the
 * parent acknowledges it (the parent drops repeats). Reports are keyed by what they are about (a point's presence, its
 * answer to one roll call): a newer report of the same key replaces an older one not yet answered, so an older one is
 * never sent after a newer.
 */
export class LinkOutbox {
  readonly #send: LinkSend;
  readonly #open: () => boolean;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #onRefused: NonNullable<LinkOutboxOptions['onRefused']>;
  readonly #pending = new Map<string, Pending>();
  #seq = 0;
  #closed = false;

  constructor({ send, open, retryBaseMs = 1000, retryMaxMs = 30_000, onRefused = () => undefined }: LinkOutboxOptions) {
    this.#send = send;
    this.#open = open;
    this.#retryBaseMs = retryBaseMs;
    this.#retryMaxMs = retryMaxMs;
    this.#onRefused = onRefused;
  }

  /** Sends a report now (when the link is open) and keeps it until it is answered. */
  post(key: string, event: string, body: object): void {
    if (this.#closed) {
      return;
    }
    this.#clearTimer(this.#pending.get(key));
    const pending: Pending = { event, body, seq: (this.#seq += 1), attempt: 0, timer: null };
    this.#pending.set(key, pending);
    this.#transmit(key, pending.seq);
  }

  /** Whether a report of this key still waits for its answer. */
  has(key: string): boolean {
    return this.#pending.has(key);
  }

  /** Reports not answered yet. */
  get size(): number {
    return this.#pending.size;
  }

  /** The link is open again (a new hello was answered): everything unanswered goes now, in the order it was posted. */
  flush(): void {
    for (const [key, pending] of [...this.#pending].sort(([, a], [, b]) => a.seq - b.seq)) {
      this.#clearTimer(pending);
      pending.attempt = 0;
      this.#transmit(key, pending.seq);
    }
  }

  /** Drops everything unanswered and its timers. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#pending.forEach((pending) => this.#clearTimer(pending));
    this.#pending.clear();
  }

  #transmit(key: string, seq: number): void {
    const pending = this.#pending.get(key);
    if (this.#closed || pending?.seq !== seq || !this.#open()) {
      // Not open: it waits for flush() after the next hello.
      return;
    }
    this.#send(pending.event, pending.body).then(
      (ack) => {
        if (this.#pending.get(key)?.seq === seq) {
          this.#pending.delete(key);
        }
        if (!ack.ok) {
          this.#onRefused(pending.event, ack.error);
        }
      },
      (error: unknown) => {
        const current = this.#pending.get(key);
        if (this.#closed || current?.seq !== seq) {
          return;
        }
        const delay = backoffDelay(current.attempt, { baseMs: this.#retryBaseMs, maxMs: this.#retryMaxMs });
        current.attempt += 1;
        logger.debug({ err: error, event: current.event, attempt: current.attempt, delay }, 'no answer; sent again');
        current.timer = setTimeout(() => {
          current.timer = null;
          this.#transmit(key, seq);
        }, delay);
        current.timer.unref();
      },
    );
  }

  #clearTimer(pending: Pending | undefined): void {
    if (pending?.timer != null) {
      clearTimeout(pending.timer);
      pending.timer = null;
    }
  }
}
