import { randomBytes } from 'node:crypto';
import type { Command } from '../domain/commands.js';
import { defineMeeting, type MeetingInput } from '../domain/definition.js';
import type { Directory } from '../domain/directory.js';
import { DomainError } from '../domain/errors.js';
import { stamp, type MeetingEvent } from '../domain/events.js';
import type { Actor } from '../domain/model.js';
import { createLogger } from '../logger.js';
import type { DirectoryStore } from '../store/DirectoryStore.js';
import type { MeetingStore } from '../store/MeetingStore.js';
import { MeetingRuntime, type ExecuteResult } from './MeetingRuntime.js';

const logger = createLogger('MeetingService');

export type MeetingEventsListener = (runtime: MeetingRuntime, events: MeetingEvent[]) => void;

export interface MeetingServiceOptions {
  store: MeetingStore;
  directoryStore: DirectoryStore;
  /** Server clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** Owns every meeting of this node: creation, loading by replay, command execution and event fan-out to listeners. */
export class MeetingService {
  readonly #store: MeetingStore;
  readonly #directoryStore: DirectoryStore;
  readonly #now: () => number;
  readonly #meetings = new Map<string, MeetingRuntime>();
  readonly #listeners = new Set<MeetingEventsListener>();
  #directory: Directory = { units: [], points: [] };
  #creating: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor({ store, directoryStore, now = Date.now }: MeetingServiceOptions) {
    this.#store = store;
    this.#directoryStore = directoryStore;
    this.#now = now;
  }

  /**
   * Loads the directory and rebuilds every stored meeting from its log. Points the log shows connected are marked
   * disconnected now (their sockets died with the previous process); a reconnect within the grace period keeps
   * their attendance interval whole.
   */
  static async create(options: MeetingServiceOptions): Promise<MeetingService> {
    const service = new MeetingService(options);
    service.#directory = await options.directoryStore.load();
    for (const meetingId of await options.store.list()) {
      const runtime = service.#load(meetingId, await options.store.read(meetingId));
      for (const [pointId, point] of Object.entries(runtime.state.points)) {
        if (point.connected) {
          await runtime.execute({ type: 'point.disconnect', pointId, reason: 'server_restart' }, { role: 'system' });
        }
      }
    }
    logger.info({ meetings: service.#meetings.size }, 'create() | meetings loaded');

    return service;
  }

  get directory(): Directory {
    return this.#directory;
  }

  /** Replaces the directory whole. Meetings already created keep their own snapshot of it. */
  async replaceDirectory(directory: Directory): Promise<void> {
    await this.#directoryStore.save(directory);
    this.#directory = directory;
  }

  /** Subscribes to every meeting's events (after they are durable). Returns the unsubscribe function. */
  onEvents(listener: MeetingEventsListener): () => void {
    this.#listeners.add(listener);

    return () => this.#listeners.delete(listener);
  }

  async createMeeting(input: MeetingInput): Promise<MeetingRuntime> {
    const run = this.#creating.then(async () => {
      const id = input.id ?? this.#newId();
      if (this.#meetings.has(id)) {
        throw new DomainError('MEETING_EXISTS', `Hội nghị ${id} đã tồn tại (meeting exists)`);
      }
      const definition = defineMeeting(this.#directory, input, id);
      const events = stamp([{ type: 'MeetingCreated', definition }], 0, this.#now(), { role: 'system' });
      await this.#store.append(id, events);
      const runtime = this.#load(id, events);
      logger.info({ meetingId: id, points: definition.invitedPointIds.length }, 'createMeeting() | created');

      return runtime;
    });
    this.#creating = run.catch(() => undefined);

    return run;
  }

  get(meetingId: string): MeetingRuntime {
    const runtime = this.#meetings.get(meetingId);
    if (runtime === undefined) {
      throw DomainError.meetingNotFound(meetingId);
    }

    return runtime;
  }

  has(meetingId: string): boolean {
    return this.#meetings.has(meetingId);
  }

  list(): MeetingRuntime[] {
    return [...this.#meetings.values()];
  }

  execute(meetingId: string, command: Command, actor: Actor): Promise<ExecuteResult> {
    return this.get(meetingId).execute(command, actor);
  }

  /** The whole log of a meeting, as stored. */
  log(meetingId: string): Promise<MeetingEvent[]> {
    this.get(meetingId);

    return this.#store.read(meetingId);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Waits for queued commands, stops timers and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    for (const runtime of this.#meetings.values()) {
      await runtime.idle();
      runtime.close();
    }
    this.#meetings.clear();
    await this.#store.close();
  }

  #load(meetingId: string, events: MeetingEvent[]): MeetingRuntime {
    const runtime = new MeetingRuntime({
      store: this.#store,
      events,
      now: this.#now,
      onEvents: (rt, evs) => this.#emit(rt, evs),
    });
    this.#meetings.set(meetingId, runtime);

    return runtime;
  }

  #emit(runtime: MeetingRuntime, events: MeetingEvent[]): void {
    for (const listener of this.#listeners) {
      try {
        listener(runtime, events);
      } catch (error) {
        logger.error({ err: error, meetingId: runtime.id }, '#emit() | listener threw');
      }
    }
  }

  #newId(): string {
    const day = new Date(this.#now()).toISOString().slice(0, 10).replaceAll('-', '');

    return `hn-${day}-${randomBytes(3).toString('hex')}`;
  }
}
