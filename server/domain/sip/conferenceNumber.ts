import type { MeetingDefinition } from '../core/model.js';

/**
 * The number a room system dials to enter a meeting. Six digits: short enough to key on a remote, room for a
 * province's meetings of many years. A meeting keeps the number it was given; one created before numbers existed
 * answers to a number derived from its id.
 */
export const CONFERENCE_NUMBER = /^[1-9][0-9]{5}$/;

/** The number derived from a meeting id (FNV-1a folded into 100000–999999). */
export function derivedConferenceNumber(meetingId: string): string {
  let hash = 0x811c9dc5;
  for (const char of meetingId) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }

  return String(100_000 + (hash % 900_000));
}

export function conferenceNumberOf(def: MeetingDefinition): string {
  return def.conferenceNumber ?? derivedConferenceNumber(def.id);
}

/** A number for a new meeting: the one its id gives unless taken, else the next free one. */
export function allocateConferenceNumber(meetingId: string, taken: ReadonlySet<string>): string {
  let number = Number(derivedConferenceNumber(meetingId));
  for (let i = 0; i < 900_000 && taken.has(String(number)); i++) {
    number = number === 999_999 ? 100_000 : number + 1;
  }

  return String(number);
}
