import type { ConsoleState } from '../state/consoleState.js';

/** What the room is told about its last request or turn, once it is over. */
export type TurnNotice = { kind: 'denied'; reason: string | null } | { kind: 'timeUp' } | { kind: 'stopped' } | null;

/** A notice is news for this long, then it goes (a "time is up" left for 13 minutes reads as a fault). */
export const TURN_NOTICE_MS = 90_000;

/**
 * The latest of: the chair did not accept the room's request, the room's turn ran out of time, or the chair stopped
 * it — for `TURN_NOTICE_MS` after it happened (server time). A turn the room ended itself, or one that moved on to the
 * next speaker, needs no notice.
 */
export function turnNotice(state: ConsoleState, now: number): TurnNotice {
  const last =
    state.ownLastTurn !== null && now - state.ownLastTurn.endedAt < TURN_NOTICE_MS ? state.ownLastTurn : null;
  const denied = state.denied !== null && now - state.denied.at < TURN_NOTICE_MS ? state.denied : null;
  if (denied !== null && (last === null || denied.at >= last.endedAt)) {
    return { kind: 'denied', reason: denied.reason };
  }
  if (last?.reason === 'limit') {
    return { kind: 'timeUp' };
  }

  return last?.reason === 'revoked' ? { kind: 'stopped' } : null;
}
