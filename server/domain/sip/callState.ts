/**
 * A SIP call's life as the consoles show it, and how a final SIP response or a drop moves it. Pure: the user agent
 * reports SIP facts, this decides the state and whether an automatic redial follows.
 */
export const CALL_STATES = [
  'calling',
  'ringing',
  'enteringPin',
  'connected',
  'busy',
  'noAnswer',
  'declined',
  'lost',
  'ended',
  'failed',
] as const;
export type CallState = (typeof CALL_STATES)[number];

/** The words a technician reads (Vietnamese first, English beside). */
export const CALL_STATE_WORDS: Record<CallState, { vi: string; en: string }> = {
  calling: { vi: 'đang gọi', en: 'calling' },
  ringing: { vi: 'đổ chuông', en: 'ringing' },
  enteringPin: { vi: 'đang nhập mã PIN', en: 'entering its PIN' },
  connected: { vi: 'đã kết nối', en: 'connected' },
  busy: { vi: 'máy bận', en: 'busy' },
  noAnswer: { vi: 'không trả lời', en: 'no answer' },
  declined: { vi: 'từ chối', en: 'declined' },
  lost: { vi: 'mất kết nối', en: 'connection lost' },
  ended: { vi: 'đã kết thúc', en: 'ended' },
  failed: { vi: 'không gọi được', en: 'call failed' },
};

/** Where a dial-out stands after a final (or provisional) response from the room. */
export function stateForResponse(status: number): CallState {
  if (status >= 100 && status < 200) {
    return status === 100 ? 'calling' : 'ringing';
  }
  if (status >= 200 && status < 300) {
    return 'connected';
  }
  if (status === 486 || status === 600) {
    return 'busy';
  }
  if (status === 408 || status === 480 || status === 487) {
    return 'noAnswer';
  }
  if (status === 403 || status === 603 || status === 401 || status === 407) {
    return 'declined';
  }

  return 'failed';
}

/** States a call ends in; a later dial starts a new call. */
export function isFinal(state: CallState): boolean {
  return state !== 'calling' && state !== 'ringing' && state !== 'enteringPin' && state !== 'connected';
}

export interface RedialPolicy {
  /** Most automatic redials after one unexpected drop. */
  maxAttempts: number;
  /** First wait; each next one doubles, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_REDIAL: RedialPolicy = { maxAttempts: 5, firstDelayMs: 2000, maxDelayMs: 30_000 };

/**
 * Whether, and after how long, the coordinator calls a room again by itself: only after an unexpected drop of a call it
 * placed or answered (`lost`), or a dial-out that found no answer, while the meeting still runs; never after the room
 * hung up (it chose to leave), was busy with a person's call, or declined. `attempt` counts from 1.
 */
export function redialDelay(state: CallState, attempt: number, policy: RedialPolicy = DEFAULT_REDIAL): number | null {
  if ((state !== 'lost' && state !== 'noAnswer' && state !== 'failed') || attempt > policy.maxAttempts) {
    return null;
  }

  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
}

/**
 * A connected room from which no media has come for this long is gone (power or network lost: no BYE ever comes): its
 * call ends as an unexpected drop (`lost`), an outage in the attendance, and is called back.
 */
export const MEDIA_TIMEOUT_MS = 20_000;

/**
 * How often a connected room is asked, within its call, whether the call still stands (OPTIONS): a room that
 * restarted answers 481 and one that is gone answers nothing (408), and the call ends as a drop.
 */
export const KEEPALIVE_MS = 30_000;
