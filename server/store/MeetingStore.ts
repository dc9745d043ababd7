import type { MeetingEvent } from '../domain/events.js';

/**
 * Where meetings' event logs live. One writer per meeting appends; state is the fold of the log.
 * Implementations: `FileMeetingStore` (embedded, JSONL per meeting); Redis comes later.
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
  readonly closed: boolean;
  /** Flushes pending appends and releases files/connections. Idempotent. */
  close(): Promise<void>;
}
