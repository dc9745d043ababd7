import { createLogger } from '../logger.js';
import { listingOf, type MeetingListing } from './listing.js';
import type { MeetingRuntime } from './MeetingRuntime.js';

const logger = createLogger('EndedMeetings');

export interface EndedMeetingsOptions {
  /** How long an ended meeting stays in memory after it was last asked for, ms. */
  keepMs: number;
  now: () => number;
  /** Lets go of a runtime (it is idle and ended): the owner closes it and forgets it. */
  release: (runtime: MeetingRuntime) => void;
}

/**
 * Which ended meetings are let go of (only their listing kept) and when: one unused for `keepMs` and with no console
 * on it (`guard`) is released; `wake` reads one back through the owner's `rebuild`, once however many ask at once.
 */
export class EndedMeetings {
  readonly #keepMs: number;
  readonly #now: () => number;
  readonly #release: EndedMeetingsOptions['release'];
  readonly #released = new Map<string, MeetingListing>();
  readonly #waking = new Map<string, Promise<MeetingRuntime>>();
  readonly #lastUsed = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #guard: (meetingId: string) => boolean = () => true;
  #closed = false;

  constructor({ keepMs, now, release }: EndedMeetingsOptions) {
    this.#keepMs = keepMs;
    this.#now = now;
    this.#release = release;
  }

  /** A meeting was asked for now (it stays longer in memory once it has ended). */
  used(meetingId: string): void {
    this.#lastUsed.set(meetingId, this.#now());
  }

  isReleased(meetingId: string): boolean {
    return this.#released.has(meetingId);
  }

  listings(): MeetingListing[] {
    return [...this.#released.values()];
  }

  releasedIds(): string[] {
    return [...this.#released.keys()];
  }

  /** Forgets a meeting altogether (another node owns it now). */
  forget(meetingId: string): void {
    this.#released.delete(meetingId);
    this.#lastUsed.delete(meetingId);
    clearTimeout(this.#timers.get(meetingId));
    this.#timers.delete(meetingId);
  }

  /** Meetings that must stay in memory though ended (consoles still on them). */
  setGuard(mayRelease: (meetingId: string) => boolean): void {
    this.#guard = mayRelease;
  }

  /** A released meeting read again through `rebuild`, once however many ask at once. */
  async wake(meetingId: string, rebuild: () => Promise<MeetingRuntime>): Promise<void> {
    let waking = this.#waking.get(meetingId);
    if (waking === undefined) {
      waking = rebuild().finally(() => this.#waking.delete(meetingId));
      this.#waking.set(meetingId, waking);
    }
    await waking;
    this.#released.delete(meetingId);
    this.used(meetingId);
  }

  /** The meeting has ended (or was loaded ended): it is let go once unused for `keepMs` with no console on it. */
  releaseLater(runtime: MeetingRuntime): void {
    const meetingId = runtime.id;
    clearTimeout(this.#timers.get(meetingId));
    const timer = setTimeout(
      () => {
        this.#timers.delete(meetingId);
        if (this.#closed || runtime.closed || runtime.state.status !== 'ended') {
          return;
        }
        const idleFor = this.#now() - (this.#lastUsed.get(meetingId) ?? 0);
        if (idleFor < this.#keepMs || !this.#guard(meetingId)) {
          this.releaseLater(runtime);

          return;
        }
        void runtime.idle().then(() => {
          if (this.#closed || runtime.closed) {
            return;
          }
          this.#released.set(meetingId, listingOf(runtime.state));
          this.#lastUsed.delete(meetingId);
          this.#release(runtime);
          logger.info({ meetingId }, 'ended meeting let go of (read again from its log when asked for)');
        });
      },
      Math.max(this.#keepMs, 1000),
    );
    timer.unref();
    this.#timers.set(meetingId, timer);
  }

  close(): void {
    this.#closed = true;
    this.#timers.forEach((timer) => clearTimeout(timer));
    this.#timers.clear();
  }
}
