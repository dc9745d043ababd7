import type { MeetingEvent } from '../domain/core/events.js';
import type { MeetingState } from '../domain/core/model.js';

/**
 * Snapshots of a meeting's state at some `seq`, so a node adopting a long meeting folds only the events after it.
 * A snapshot is derived from a prefix of the log (state is applied only after its events are durable), so any node's
 * snapshot is valid; a newer one replaces an older one, never the other way round.
 */
export interface SnapshotStore {
  saveSnapshot(meetingId: string, state: MeetingState): Promise<void>;
  loadSnapshot(meetingId: string): Promise<MeetingState | null>;
  /** The events after `seq`, in order. */
  readAfter(meetingId: string, seq: number): Promise<MeetingEvent[]>;
}

/**
 * Where meetings' event logs live. One writer per meeting appends; state is the fold of the log.
 * Implementations: `FileMeetingStore` (embedded, JSONL per meeting) and `RedisMeetingStore` (Streams, with snapshots).
 */
export interface MeetingStore {
  /**
   * Appends events that continue the meeting's log (their `seq` must follow the last stored one; the first event
   * of a new meeting is `MeetingCreated` with seq 1). Resolves once the events are durable under the store's policy.
   * Rejects with `MEETING_EXISTS` when creating over an existing log and with `TypeError` on a sequence gap.
   */
  append(meetingId: string, events: MeetingEvent[]): Promise<void>;
  /** The whole log of a meeting, in order; `MEETING_NOT_FOUND` when there is none. */
  read(meetingId: string): Promise<MeetingEvent[]>;
  /** Ids of every stored meeting. */
  list(): Promise<string[]>;
  /** Present where the store keeps snapshots (Redis). */
  readonly snapshots?: SnapshotStore;
  readonly closed: boolean;
  /** Flushes pending appends and releases files/connections. Idempotent. */
  close(): Promise<void>;
}
