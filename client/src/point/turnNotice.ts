import type { ConsoleState } from '../state/consoleState.js';

/** What the room is told about its last request or turn, once it is over. */
export type TurnNotice = { kind: 'denied'; reason: string | null } | { kind: 'timeUp' } | { kind: 'stopped' } | null;

/**
 * The latest of: the chair did not accept the room's request, the room's turn ran out of time, or the chair stopped
 * it. A turn the room ended itself, or one that moved on to the next speaker, needs no notice.
 */
export function turnNotice(state: ConsoleState): TurnNotice {
  const last = state.ownLastTurn;
  const denied = state.denied;
  if (denied !== null && (last === null || denied.at >= last.endedAt)) {
    return { kind: 'denied', reason: denied.reason };
  }
  if (last?.reason === 'limit') {
    return { kind: 'timeUp' };
  }

  return last?.reason === 'revoked' ? { kind: 'stopped' } : null;
}
