import { applyEvent, replay } from '../domain/apply.js';
import { initialState } from '../domain/core/state.js';
import { authorize } from '../domain/directory/authorize.js';
import type { Command } from '../domain/core/commands.js';
import { decide, nextDeadline } from '../domain/decide.js';
import { DirectoryIndex } from '../domain/directory/directory.js';
import { stamp, type EventBody, type MeetingEvent } from '../domain/core/events.js';
import { DomainError } from '../domain/core/errors.js';
import { ALERT_TRIGGERS, evaluateAlerts } from '../domain/health/alerts.js';
import type { Actor, MeetingState } from '../domain/core/model.js';
import { createLogger } from '../logger.js';
import type { MeetingStore } from '../store/MeetingStore.js';
import { Faults } from '../telemetry/Faults.js';

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
  /** Where an unexpected error in this meeting's work is counted. Default: its own. */
  faults?: Faults | undefined;
  /** Called after events are durable and applied, in log order. */
  onEvents: (runtime: MeetingRuntime, events: MeetingEvent[]) => void;
}

export interface ExecuteResult {
  events: MeetingEvent[];
  state: MeetingState;
}

const SYSTEM: Actor = { role: 'system' };

const storeUnavailable = () =>
  new DomainError('STORE_UNAVAILABLE', 'Không ghi được nhật ký hội nghị, vui lòng thử lại (log write failed, retry)');

/** A command whose decision or fold threw something no rule names: the batch is undone from the log. */
class MeetingFault extends Error {
  constructor(
    readonly item: Queued,
    override readonly cause: unknown,
  ) {
    super('meeting fault');
  }
}

/** Commands decided together and made durable with one append, at most. */
const MAX_BATCH = 256;

interface Queued {
  command: Command;
  actor: Actor;
  resolve: (result: ExecuteResult) => void;
  reject: (error: unknown) => void;
}

/**
 * One meeting's single writer: commands run in order (authorize → decide → apply, then append and notify per batch),
 * and the server's timers (speaking limit, roll-call deadlines, lost points) run as `tick` commands in the same queue.
 *
 * Group commit: the commands that queue up while an append is being made durable are decided together, in order,
 * and appended as one batch (one fdatasync or one Redis round trip for all of them), then acked and fanned out as one
 * batch. Each command is decided against the state its predecessors left, so the batch is applied as it is decided;
 * nothing of it is acked or broadcast before the append resolves. Should the append fail, the state is rebuilt from
 * the log and every command of the batch is refused.
 */
export class MeetingRuntime {
  readonly id: string;
  #indexed: { def: MeetingState['def']; index: DirectoryIndex };
  readonly #store: MeetingStore;
  readonly #now: () => number;
  readonly #onEvents: MeetingRuntimeOptions['onEvents'];
  readonly #faults: Faults;
  #state: MeetingState;
  readonly #queue: Queued[] = [];
  #pumping: Promise<void> | null = null;
  /** Set when an append failed: the state must be rebuilt from the log before the next command. */
  #stale = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor({ store, events, snapshot, now, onEvents, faults }: MeetingRuntimeOptions) {
    if (snapshot === undefined) {
      this.#state = replay(events);
    } else {
      // A snapshot taken by an older version lacks the fields added since; they start as a new meeting's.
      const state: MeetingState = { ...initialState(snapshot.def), ...snapshot };
      this.#state = state;
      events.forEach((event) => applyEvent(state, event));
    }
    this.id = this.#state.def.id;
    this.#indexed = { def: this.#state.def, index: new DirectoryIndex(this.#state.def) };
    this.#store = store;
    this.#now = now;
    this.#onEvents = onEvents;
    this.#faults = faults ?? new Faults();
    this.#arm();
  }

  /** The meeting's own directory (its units and points), rebuilt when the office amends the meeting. */
  get index(): DirectoryIndex {
    if (this.#indexed.def !== this.#state.def) {
      this.#indexed = { def: this.#state.def, index: new DirectoryIndex(this.#state.def) };
    }

    return this.#indexed.index;
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
    return new Promise((resolve, reject) => {
      this.#queue.push({ command, actor, resolve, reject });
      this.#pumping ??= this.#pump();
    });
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
    while (this.#pumping !== null) {
      await this.#pumping;
    }
  }

  async #pump(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        await this.#runBatch(this.#queue.splice(0, MAX_BATCH));
      }
    } finally {
      this.#pumping = null;
    }
  }

  async #runBatch(batch: Queued[]): Promise<void> {
    if (this.#closed) {
      batch.forEach((item) => item.reject(new Error('InvalidStateError: meeting runtime closed')));

      return;
    }
    if (this.#stale && !(await this.#reload())) {
      batch.forEach((item) => item.reject(storeUnavailable()));

      return;
    }
    const now = this.#now();
    const decided: { item: Queued; events: MeetingEvent[] | null; error?: unknown }[] = [];
    const all: MeetingEvent[] = [];
    let triggered = false;
    try {
      for (const item of batch) {
        let bodies: EventBody[];
        try {
          authorize(item.command, item.actor);
          bodies = decide(this.#state, item.command, now);
        } catch (error) {
          if (!(error instanceof DomainError)) {
            throw new MeetingFault(item, error);
          }
          decided.push({ item, events: null, error });
          continue;
        }
        let events: MeetingEvent[];
        try {
          events = this.#stage(bodies, now, item.actor);
        } catch (error) {
          throw new MeetingFault(item, error);
        }
        triggered ||= events.some((e) => ALERT_TRIGGERS.has(e.type));
        decided.push({ item, events });
        all.push(...events);
      }
      // Alert conditions follow from the batch's events; their changes are logged with it. Once per batch: the
      // evaluation reads every point, and a thousand joins need it once, not a thousand times.
      if (triggered) {
        all.push(...this.#stage(evaluateAlerts(this.#state, this.index), now, SYSTEM));
      }
      if (all.length > 0) {
        await this.#store.append(this.id, all);
      }
    } catch (error) {
      // The state holds events the log does not: rebuild it from the log before anything else runs.
      this.#stale = true;
      if (error instanceof MeetingFault) {
        // A rule or fold failed for a reason no rule names (a bug, or input no schema caught): that command alone is
        // refused; the meeting is rebuilt from its log and the rest of the batch runs again on it.
        this.#faults.record('meeting', error.cause, { meetingId: this.id, command: error.item.command.type });
        await this.#reload();
        error.item.reject(new DomainError('INTERNAL', 'Lỗi máy chủ; hội nghị đã được khôi phục (internal error)'));
        this.#queue.unshift(...batch.filter((item) => item !== error.item));

        return;
      }
      logger.error({ err: error, meetingId: this.id }, 'execute() | batch not stored; state rebuilt from the log');
      await this.#reload();
      const refusal = error instanceof DomainError ? error : storeUnavailable();
      decided.forEach(({ item, events, error: own }) => item.reject(events === null ? own : refusal));
      batch.slice(decided.length).forEach((item) => item.reject(refusal));

      return;
    }
    if (all.length > 0) {
      this.#arm();
      try {
        this.#onEvents(this, all);
      } catch (error) {
        this.#faults.record('meeting', error, { meetingId: this.id, where: 'events listener' });
      }
    }
    for (const { item, events, error } of decided) {
      if (events === null) {
        item.reject(error);
      } else {
        item.resolve({ events, state: this.#state });
      }
    }
  }

  /** Stamps and applies events; they become durable with the rest of their batch. */
  #stage(bodies: EventBody[], now: number, actor: Actor): MeetingEvent[] {
    const events = stamp(bodies, this.#state.seq, now, actor);
    for (const event of events) {
      applyEvent(this.#state, event);
    }

    return events;
  }

  /** Folds the stored log again (after a failed append). False when the store cannot be read either. */
  async #reload(): Promise<boolean> {
    try {
      this.#state = replay(await this.#store.read(this.id));
      this.#stale = false;

      return true;
    } catch (error) {
      logger.error({ err: error, meetingId: this.id }, '#reload() | log unreadable');

      return false;
    }
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
