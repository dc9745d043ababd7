import { DEFAULT_REDIAL, redialDelay, type CallState } from '../domain/sip/callState.js';
import { createLogger } from '../logger.js';

const logger = createLogger('Redials');

/**
 * Rooms called back by themselves after an unexpected drop, bounded and with growing waits (the rule is
 * domain/sip/callState's `redialDelay`): each point's attempt so far and the timer of the next.
 */
export class Redials {
  readonly #pending = new Map<string, { attempt: number; timer: NodeJS.Timeout | null }>();
  readonly #place: (meetingId: string, pointId: string) => Promise<unknown>;

  constructor(place: (meetingId: string, pointId: string) => Promise<unknown>) {
    this.#place = place;
  }

  /** A point's call ended in `state`: only a drop starts redialling; a redial that finds no answer goes on. */
  after(meetingId: string, pointId: string, state: CallState, callable: boolean): void {
    const key = keyOf(meetingId, pointId);
    const attempt = (this.#pending.get(key)?.attempt ?? 0) + 1;
    const wait = callable ? redialDelay(state, attempt, DEFAULT_REDIAL) : null;
    if (wait === null || (state !== 'lost' && !this.#pending.has(key))) {
      this.#pending.delete(key);

      return;
    }
    const timer = setTimeout(() => {
      this.#pending.set(key, { attempt, timer: null });
      this.#place(meetingId, pointId).catch((error: unknown) => {
        logger.info({ err: error, pointId }, 'redial not placed');
        this.#pending.delete(key);
      });
    }, wait);
    timer.unref();
    this.#pending.set(key, { attempt, timer });
  }

  /** The room is in again, or a person calls it: nothing more is pending for it. */
  forget(meetingId: string, pointId: string): void {
    const pending = this.#pending.get(keyOf(meetingId, pointId));
    if (pending?.timer != null) {
      clearTimeout(pending.timer);
    }
    this.#pending.delete(keyOf(meetingId, pointId));
  }

  close(): void {
    this.#pending.forEach(({ timer }) => timer !== null && clearTimeout(timer));
    this.#pending.clear();
  }
}

const keyOf = (meetingId: string, pointId: string) => `${meetingId}\u0000${pointId}`;
