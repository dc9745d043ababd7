import type { MeetingDefinition } from '../core/model.js';

/**
 * When a meeting's invitation links work (pure rule): from a while before the start — rooms test their camera and
 * sound beforehand — until the meeting has surely ended, not "12 hours from whenever the office issued them".
 */
export const INVITATION_OPENS_BEFORE_MS = 2 * 3600_000;
/** A meeting without a scheduled end is taken to last at most this long. */
export const ASSUMED_LENGTH_MS = 8 * 3600_000;
/** Meetings overrun: links stay valid this long after the scheduled end. */
export const OVERRUN_MS = 4 * 3600_000;

export interface InvitationWindow {
  /** Epoch ms before which the link is refused (`TOKEN_NOT_YET_VALID`); `null` when already open. */
  notBefore: number | null;
  expiresAt: number;
}

export function invitationWindow(
  def: Pick<MeetingDefinition, 'scheduledStart' | 'scheduledEnd'>,
  now: number,
): InvitationWindow {
  const opens = def.scheduledStart - INVITATION_OPENS_BEFORE_MS;
  const ends = (def.scheduledEnd ?? def.scheduledStart + ASSUMED_LENGTH_MS) + OVERRUN_MS;

  // A link issued for a meeting already past its window (running late, re-issued) still works for an hour.
  return { notBefore: opens > now ? opens : null, expiresAt: Math.max(ends, now + 3600_000) };
}

/**
 * Short codes of printed links (`/l/<code>`): typed from paper by people in a commune hall, so lowercase letters and
 * digits without the look-alikes 0/o, 1/l/i. Ten of 31 signs are about 50 bits: not guessable at any request rate
 * the server allows.
 */
export const SHORT_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const SHORT_CODE_LENGTH = 10;

/** Whether `text` can be a short code; what people type is forgiven its case and spaces or dashes between groups. */
export function normalizeShortCode(text: string): string | null {
  const code = text.toLowerCase().replace(/[\s-]/g, '');
  if (code.length !== SHORT_CODE_LENGTH || [...code].some((c) => !SHORT_CODE_ALPHABET.includes(c))) {
    return null;
  }

  return code;
}
