import type { ConsoleState } from './consoleState.js';

/** Whether this console's program is its parent meeting's, relayed (linked meetings). */
export function relaysParent(state: ConsoleState): boolean {
  return state.status.uplink?.onScreen === 'parent';
}

/** The hub whose picture fills the program: the parent's ("Điểm cầu Trung ương") while this meeting relays it. */
export function programHubName(state: ConsoleState): string {
  const up = state.status.uplink;

  return up !== null && relaysParent(state)
    ? (up.parentHubName ?? up.parentTitle ?? state.meeting.hubName)
    : state.meeting.hubName;
}

/** The parent's agenda item while this meeting relays it (the header names what is on screen), else `null`. */
export function parentAgendaItem(state: ConsoleState): string | null {
  return relaysParent(state) ? (state.status.uplink?.parentAgendaItem ?? null) : null;
}
