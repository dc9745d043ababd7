import { applyEvent, replay } from '../domain/apply.js';
import { authorize } from '../domain/authorize.js';
import type { Command } from '../domain/commands.js';
import { decide, nextDeadline } from '../domain/decide.js';
import { DirectoryIndex } from '../domain/directory.js';
import { stamp, type EventBody, type MeetingEvent } from '../domain/events.js';
import { ALERT_TRIGGERS, evaluateAlerts } from '../domain/alerts.js';
import type { Actor, MeetingState } from '../domain/model.js';
import { createLogger } from '../logger.js';
import type { MeetingStore } from '../store/MeetingStore.js';

const logger = createLogger('MeetingRuntime');

/** Longest single setTimeout; later deadlines are re-armed when it fires. */
const MAX_TIMER_MS = 2_147_000_000;

export interface MeetingRuntimeOptions {
  store: MeetingStore;
  /** The log (from `MeetingCreated`), or the events after `snapshot`. */
  events: MeetingEvent[];
  /** A state to fold `events` onto instead of replaying from the start (it is taken over, not copied). */
  snapshot?: MeetingState | undefined;
  now: () => number;
  /** Called after events are durable and applied, in log order. */
  onEvents: (runtime: MeetingRuntime, events: MeetingEvent[]) => void;
}

export interface ExecuteResult {
  events: MeetingEvent[];
  state: MeetingState;
}

const SYSTEM: Actor = { role: 'system' };

/**
 * One meeting's single writer: commands run one at a time (authorize → decide → append → apply → notify), and the
 * server's timers (speaking limit, roll-call deadlines) run as `tick` commands through the same queue.
 */
export class MeetingRuntime {
  readonly id: string;
  readonly index: DirectoryIndex;
  readonly #store: MeetingStore;
  readonly #now: () => number;
  readonly #onEvents: MeetingRuntimeOptions['onEvents'];
  #state: MeetingState;
  #tail: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor({ store, events, snapshot, now, onEvents }: MeetingRuntimeOptions) {
    if (snapshot === undefined) {
      this.#state = replay(events);
    } else {
      this.#state = snapshot;
      events.forEach((event) => applyEvent(snapshot, event));
    }
    this.id = this.#state.def.id;
    this.index = new DirectoryIndex(this.#state.def);
    this.#store = store;
    this.#now = now;
    this.#onEvents = onEvents;
    this.#arm();
  }

  /** The current state. Read it, never change it: only events change a meeting. */
  get state(): MeetingState {
    return this.#state;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs a command in order with every other command of this meeting. Rejects with a DomainError, changing nothing. */
  execute(command: Command, actor: Actor): Promise<ExecuteResult> {
    const run = this.#tail.then(() => this.#run(command, actor));
    this.#tail = run.catch(() => undefined);

    return run;
  }

  /** Stops the timers. The log stays; the meeting can be loaded again. Idempotent. */
  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  /** Resolves when every command queued so far has finished. */
  async idle(): Promise<void> {
    await this.#tail;
  }

  async #run(command: Command, actor: Actor): Promise<ExecuteResult> {
    if (this.#closed) {
      throw new Error('InvalidStateError: meeting runtime closed');
    }
    authorize(command, actor);
    const now = this.#now();
    const events = await this.#commit(decide(this.#state, command, now), now, actor);
    // Alert conditions follow from the events just applied; their changes are logged in the same step.
    if (events.some((e) => ALERT_TRIGGERS.has(e.type))) {
      events.push(...(await this.#commit(evaluateAlerts(this.#state, this.index), now, SYSTEM)));
    }
    if (events.length > 0) {
      this.#arm();
      try {
        this.#onEvents(this, events);
      } catch (error) {
        logger.error({ err: error, meetingId: this.id }, 'execute() | onEvents listener threw');
      }
    }

    return { events, state: this.#state };
  }

  /** Makes events durable, then applies them: state never runs ahead of the log. */
  async #commit(bodies: EventBody[], now: number, actor: Actor): Promise<MeetingEvent[]> {
    const events = stamp(bodies, this.#state.seq, now, actor);
    if (events.length > 0) {
      await this.#store.append(this.id, events);
      for (const event of events) {
        applyEvent(this.#state, event);
      }
    }

    return events;
  }

  #arm(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const at = nextDeadline(this.#state);
    if (at === null || this.#closed) {
      return;
    }
    const delay = Math.min(Math.max(0, at - this.#now()), MAX_TIMER_MS);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.execute({ type: 'tick' }, SYSTEM)
        .then(() => this.#arm())
        .catch((error: unknown) => {
          logger.error({ err: error, meetingId: this.id }, 'tick failed');
          // Retry shortly: a timer must not be lost to a passing store failure.
          this.#timer = setTimeout(() => this.#arm(), 1000);
        });
    }, delay);
    this.#timer.unref();
  }
}
