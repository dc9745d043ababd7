import type { MeetingState } from '../core/model.js';
import { childOf } from './linking.js';

/** Linked meetings, the program (pure): what each level's rooms see and hear, and which children receive a source. */

/** What a point of this meeting shows as the program: the parent's while relaying, or its own. */
export type ProgramOrigin = 'parent' | 'local';

/**
 * Who is on the program at this level: the parent's program while the link is up and the chair relays. A turn at the
 * parent held by one of this meeting's points stays the parent's program (the dialogue with the parent's hub is the
 * point of it); only the speaker is taken from here (`speaksHere`), never piped back down.
 */
export function programOrigin(state: MeetingState): ProgramOrigin {
  const uplink = state.uplink;

  return uplink === null || uplink.state !== 'linked' || !uplink.relaying ? 'local' : 'parent';
}

/** The parent's floor is held by one of this meeting's points: its picture and voice are taken from here. */
export function speaksHere(state: MeetingState): boolean {
  return state.floor?.fromParent === true;
}

/**
 * Loop prevention for a source the parent puts on its program: it goes down to every child except the one it came
 * from (that child shows it locally).
 */
export function childrenToReceive(state: MeetingState, sourcePointId: string | null): string[] {
  const origin = sourcePointId === null ? undefined : childOf(state, sourcePointId);

  return Object.values(state.links)
    .filter((link) => link.state === 'linked' && link.unitId !== origin?.unitId)
    .map((link) => link.unitId);
}
