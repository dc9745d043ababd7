import { randomBytes } from 'node:crypto';
import type { Command } from '../domain/core/commands.js';
import { defineMeeting, type MeetingInput } from '../domain/core/definition.js';
import { allocateConferenceNumber, conferenceNumberOf } from '../domain/sip/conferenceNumber.js';
import type { Directory } from '../domain/directory/directory.js';
import { DomainError } from '../domain/core/errors.js';
import { childOf } from '../domain/linking/linking.js';
import { stamp, type MeetingEvent } from '../domain/core/events.js';
import type { Actor, MeetingState } from '../domain/core/model.js';
import { createLogger } from '../logger.js';
import type { DirectoryStore } from '../store/DirectoryStore.js';
import type { MeetingStore } from '../store/MeetingStore.js';
import type { Lease, MeetingLeases } from '../store/redis/MeetingLease.js';
import { Faults } from '../telemetry/Faults.js';
import { EndedMeetings } from './EndedMeetings.js';
import { listingOf, type MeetingListing } from './listing.js';
import { MeetingRuntime, type ExecuteResult } from './MeetingRuntime.js';

const logger = createLogger('MeetingService');

/** A snapshot is saved after this many events and this much time since the last one, and on a graceful stop. */
const SNAPSHOT_EVERY_EVENTS = 500;
const SNAPSHOT_EVERY_MS = 30_000;

export type MeetingEventsListener = (runtime: MeetingRuntime, events: MeetingEvent[]) => void;

/**
 * Several coordinators on one Redis: each meeting is owned by one node through a lease with a fencing token. The
 * owner renews its leases; a meeting whose owner died (its lease expired) is adopted by another node, rebuilt from
 * the log, and continues — timers resume from event timestamps.
 */
export interface Ownership {
  nodeId: string;
  leases: MeetingLeases;
  /** Makes the store refuse this node's writes to a meeting once its lease is lost. */
  fence: (meetingId: string, lease: Lease | null) => void;
  /** How often leases are renewed and orphaned meetings looked for. */
  renewMs: number;
}

export interface MeetingServiceOptions {
  store: MeetingStore;
  directoryStore: DirectoryStore;
  /** Multi-node ownership; without it this node owns every meeting (embedded). */
  ownership?: Ownership | undefined;
  /** Server clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Where a meeting's unexpected errors are counted (its runtime is rebuilt from the log). Default: its own. */
  faults?: Faults | undefined;
  /**
   * How long an ended meeting stays in memory after it was last used, ms; then only its listing is kept, and it is
   * read again from its log when asked for (its record, an export). Default 600000.
   */
  endedKeepMs?: number;
}

/** Owns every meeting of this node: creation, loading by replay, command execution and event fan-out to listeners. */
export class MeetingService {
  readonly #store: MeetingStore;
  readonly #directoryStore: DirectoryStore;
  readonly #now: () => number;
  readonly #faults: Faults;
  readonly #meetings = new Map<string, MeetingRuntime>();
  /** Ended meetings let go of (their listing kept); `wake` reads one again from its log. */
  readonly #ended: EndedMeetings;
  readonly #listeners = new Set<MeetingEventsListener>();
  readonly #adoptedListeners = new Set<(runtime: MeetingRuntime) => void>();
  /** Per meeting: the seq and time of the last snapshot saved or loaded. */
  readonly #snapshotAt = new Map<string, { seq: number; at: number }>();
  #directory: Directory = { units: [], points: [] };
  #creating: Promise<unknown> = Promise.resolve();
  #closed = false;

  readonly #ownership: Ownership | undefined;
  readonly #leases = new Map<string, Lease>();
  #ownershipTimer: NodeJS.Timeout | null = null;

  private constructor({
    store,
    directoryStore,
    now = Date.now,
    ownership,
    faults,
    endedKeepMs = 600_000,
  }: MeetingServiceOptions) {
    this.#ended = new EndedMeetings({
      keepMs: endedKeepMs,
      now,
      release: (runtime) => {
        this.#maybeSnapshot(runtime, true);
        runtime.close();
        if (this.#meetings.get(runtime.id) === runtime) {
          this.#meetings.delete(runtime.id);
        }
        this.#snapshotAt.delete(runtime.id);
      },
    });
    this.#ownership = ownership;
    this.#faults = faults ?? new Faults();
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
    await service.#adoptOrphans();
    logger.info({ meetings: service.#meetings.size }, 'create() | meetings loaded');
    if (options.ownership !== undefined) {
      service.#ownershipTimer = setInterval(() => void service.#tendOwnership(), options.ownership.renewMs);
      service.#ownershipTimer.unref();
    }

    return service;
  }

  /** Loads every stored meeting this node may own (all of them without ownership), as after a restart. */
  async #adoptOrphans(): Promise<void> {
    for (const meetingId of await this.#store.list()) {
      if (this.has(meetingId) || this.#closed) {
        continue;
      }
      if (this.#ownership !== undefined) {
        const lease = await this.#ownership.leases.acquire(meetingId, this.#ownership.nodeId);
        if (lease === null) {
          continue;
        }
        this.#leases.set(meetingId, lease);
        this.#ownership.fence(meetingId, lease);
        logger.info({ meetingId, token: lease.token }, 'adopted meeting');
      }
      const runtime = await this.#rebuild(meetingId);
      // The log cannot tell which sockets survived the previous owner: record every point dropped now; the nodes
      // still holding sockets announce them again (onAdopted), which reconnects those within the grace.
      for (const [pointId, point] of Object.entries(runtime.state.points)) {
        // A linked child's points are as the child reports them: its link says hello again with their presence.
        if (point.connected && childOf(runtime.state, pointId) === undefined) {
          await runtime.execute({ type: 'point.disconnect', pointId, reason: 'server_restart' }, { role: 'system' });
        }
      }
      this.#adoptedListeners.forEach((listener) => listener(runtime));
    }
  }

  /** Renews this node's leases, lets go of meetings whose lease was lost, adopts meetings whose owner died. */
  async #tendOwnership(): Promise<void> {
    const ownership = this.#ownership;
    if (ownership === undefined || this.#closed) {
      return;
    }
    try {
      for (const [meetingId, lease] of this.#leases) {
        if (!(await ownership.leases.renew(lease))) {
          logger.warn({ meetingId }, 'lease lost: another node owns the meeting now');
          this.#leases.delete(meetingId);
          this.#meetings.get(meetingId)?.close();
          this.#meetings.delete(meetingId);
          this.#ended.forget(meetingId);
        }
      }
      await this.#adoptOrphans();
    } catch (error) {
      // A stop during a round closes runtimes under it: not a failure.
      if (!this.#closed) {
        logger.error({ err: error }, '#tendOwnership() failed');
      }
    }
  }

  get directory(): Directory {
    return this.#directory;
  }

  /** Replaces the directory whole. Meetings already created keep their own snapshot of it. */
  async replaceDirectory(directory: Directory): Promise<void> {
    await this.#directoryStore.save(directory);
    this.#directory = directory;
  }

  /** Called for each meeting this node adopts from a dead or departed owner, once rebuilt. Returns the unsubscribe. */
  onAdopted(listener: (runtime: MeetingRuntime) => void): () => void {
    this.#adoptedListeners.add(listener);

    return () => this.#adoptedListeners.delete(listener);
  }

  /** Subscribes to every meeting's events (after they are durable). Returns the unsubscribe function. */
  onEvents(listener: MeetingEventsListener): () => void {
    this.#listeners.add(listener);

    return () => this.#listeners.delete(listener);
  }

  async createMeeting(input: MeetingInput): Promise<MeetingRuntime> {
    const run = this.#creating.then(async () => {
      const id = input.id ?? this.#newId();
      if (this.has(id)) {
        throw new DomainError('MEETING_EXISTS', `Hội nghị ${id} đã tồn tại (meeting exists)`);
      }
      const taken = new Set(this.list().map((m) => conferenceNumberOf(m.state.def)));
      const definition = defineMeeting(this.#directory, input, id, allocateConferenceNumber(id, taken));
      if (this.#ownership !== undefined) {
        const lease = await this.#ownership.leases.acquire(id, this.#ownership.nodeId);
        if (lease === null) {
          throw new DomainError('MEETING_EXISTS', `Hội nghị ${id} đã tồn tại (meeting exists)`);
        }
        this.#leases.set(id, lease);
        this.#ownership.fence(id, lease);
      }
      const events = stamp([{ type: 'MeetingCreated', definition }], 0, this.#now(), { role: 'system' });
      await this.#store.append(id, events);
      const runtime = this.#load(id, events);
      logger.info({ meetingId: id, points: definition.invitedPointIds.length }, 'createMeeting() | created');

      return runtime;
    });
    this.#creating = run.catch(() => undefined);

    return run;
  }

  /** The office changes a prepared meeting: resolved against today's directory, then decided like any command. */
  async amendMeeting(meetingId: string, input: MeetingInput, actor: Actor): Promise<MeetingRuntime> {
    const runtime = this.get(meetingId);
    if (input.id !== undefined && input.id !== meetingId) {
      throw DomainError.validation('Mã hội nghị không được đổi (the meeting id cannot change)', [
        { path: 'id', message: 'Mã hội nghị không được đổi' },
      ]);
    }
    // The number rooms were told keeps working after the office amends the meeting.
    const definition = defineMeeting(this.#directory, input, meetingId, conferenceNumberOf(runtime.state.def));
    await runtime.execute({ type: 'meeting.amend', definition }, actor);

    return runtime;
  }

  /**
   * A meeting this node holds in memory. One ended and let go must be woken first (`wake`); every entry that can
   * wait does so (HTTP about a meeting, a console's request).
   */
  get(meetingId: string): MeetingRuntime {
    const runtime = this.#meetings.get(meetingId);
    if (runtime === undefined) {
      throw DomainError.meetingNotFound(meetingId);
    }
    this.#ended.used(meetingId);

    return runtime;
  }

  /** The meeting if it is in memory now (never reads the log). */
  loaded(meetingId: string): MeetingRuntime | undefined {
    return this.#meetings.get(meetingId);
  }

  /** Whether this node owns the meeting: in memory, or ended and let go. */
  has(meetingId: string): boolean {
    return this.#meetings.has(meetingId) || this.#ended.isReleased(meetingId);
  }

  /** The meeting, read again from its log if it had ended and been let go. */
  async wake(meetingId: string): Promise<MeetingRuntime> {
    if (this.#ended.isReleased(meetingId)) {
      await this.#ended.wake(meetingId, () => this.#rebuild(meetingId));
    }

    return this.get(meetingId);
  }

  /** Every meeting this node owns, those let go read again (a register across meetings). */
  async everyMeeting(): Promise<MeetingRuntime[]> {
    for (const meetingId of this.#ended.releasedIds()) {
      await this.wake(meetingId);
    }

    return this.list();
  }

  /** What the office's list shows of every meeting this node owns, in memory or let go. */
  listings(): MeetingListing[] {
    return [...[...this.#meetings.values()].map((m) => listingOf(m.state)), ...this.#ended.listings()];
  }

  /** Meetings that must stay in memory though ended (consoles still connected to them): asked before letting go. */
  setReleaseGuard(mayRelease: (meetingId: string) => boolean): void {
    this.#ended.setGuard(mayRelease);
  }

  /** Every stored meeting, owned here or not. */
  storedIds(): Promise<string[]> {
    return this.#store.list();
  }

  /** Whether the store holds the meeting, owned here or not. */
  async isStored(meetingId: string): Promise<boolean> {
    return this.has(meetingId) || (await this.storedIds()).includes(meetingId);
  }

  /** The meeting in memory that answers to a conference number (what a room system dials), if any. */
  byConferenceNumber(number: string): MeetingRuntime | undefined {
    return this.list().find((m) => conferenceNumberOf(m.state.def) === number);
  }

  /** The meetings in memory (not those ended and let go). */
  list(): MeetingRuntime[] {
    return [...this.#meetings.values()];
  }

  execute(meetingId: string, command: Command, actor: Actor): Promise<ExecuteResult> {
    return this.get(meetingId).execute(command, actor);
  }

  /** The whole log of a meeting, as stored. */
  log(meetingId: string): Promise<MeetingEvent[]> {
    if (!this.has(meetingId)) {
      throw DomainError.meetingNotFound(meetingId);
    }

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
    this.#ended.close();
    if (this.#ownershipTimer !== null) {
      clearInterval(this.#ownershipTimer);
    }
    for (const runtime of this.#meetings.values()) {
      await runtime.idle();
      this.#maybeSnapshot(runtime, true);
      runtime.close();
    }
    this.#meetings.clear();
    // A graceful stop hands meetings over at once; a crash leaves them to expire and be adopted.
    for (const lease of this.#leases.values()) {
      await this.#ownership?.leases.release(lease).catch(() => undefined);
    }
    this.#leases.clear();
    await this.#store.close();
  }

  /** A stored meeting rebuilt: from its latest snapshot and the events after it where the store keeps snapshots. */
  async #rebuild(meetingId: string): Promise<MeetingRuntime> {
    const snapshots = this.#store.snapshots;
    const snapshot = (await snapshots?.loadSnapshot(meetingId).catch(() => null)) ?? null;
    if (snapshots !== undefined && snapshot !== null) {
      this.#snapshotAt.set(meetingId, { seq: snapshot.seq, at: this.#now() });
      // Snapshots saved before meetings had a secretary's record carry none.
      snapshot.record ??= { summaries: {}, conclusion: null, tasks: [] };
      // …nor links between meetings.
      snapshot.links ??= {};
      snapshot.uplink ??= null;

      return this.#load(meetingId, await snapshots.readAfter(meetingId, snapshot.seq), snapshot);
    }

    return this.#load(meetingId, await this.#store.read(meetingId));
  }

  /** Saves a snapshot once enough events and time have passed since the last (it costs a serialization). */
  #maybeSnapshot(runtime: MeetingRuntime, force = false): void {
    const snapshots = this.#store.snapshots;
    if (snapshots === undefined) {
      return;
    }
    const last = this.#snapshotAt.get(runtime.id) ?? { seq: 0, at: 0 };
    const seq = runtime.state.seq;
    const due = seq - last.seq >= SNAPSHOT_EVERY_EVENTS && this.#now() - last.at >= SNAPSHOT_EVERY_MS;
    if (seq > last.seq && (force || due)) {
      this.#snapshotAt.set(runtime.id, { seq, at: this.#now() });
      snapshots.saveSnapshot(runtime.id, runtime.state).catch((error: unknown) => {
        logger.warn({ err: error, meetingId: runtime.id }, 'snapshot not saved (the log still has everything)');
      });
    }
  }

  #load(meetingId: string, events: MeetingEvent[], snapshot?: MeetingState): MeetingRuntime {
    const runtime = new MeetingRuntime({
      store: this.#store,
      events,
      snapshot,
      now: this.#now,
      faults: this.#faults,
      onEvents: (rt, evs) => this.#emit(rt, evs),
    });
    this.#meetings.set(meetingId, runtime);
    this.#ended.used(meetingId);
    if (runtime.state.status === 'ended') {
      this.#ended.releaseLater(runtime);
    }

    return runtime;
  }

  #emit(runtime: MeetingRuntime, events: MeetingEvent[]): void {
    this.#maybeSnapshot(runtime);
    if (events.some((e) => e.type === 'MeetingEnded')) {
      this.#ended.releaseLater(runtime);
    }
    for (const listener of this.#listeners) {
      try {
        listener(runtime, events);
      } catch (error) {
        this.#faults.record('meeting', error, { meetingId: runtime.id, where: 'events listener' });
      }
    }
  }

  #newId(): string {
    const day = new Date(this.#now()).toISOString().slice(0, 10).replaceAll('-', '');

    return `hn-${day}-${randomBytes(3).toString('hex')}`;
  }
}
