import type { MeetingState } from '../domain/core/model.js';

/** What the office's list of meetings shows of one: kept for a meeting whose runtime was let go (ended, idle). */
export interface MeetingListing {
  id: string;
  title: string;
  kind: MeetingState['def']['kind'];
  scheduledStart: number;
  scheduledEnd: MeetingState['def']['scheduledEnd'];
  hubPointId: string;
  invited: number;
  status: MeetingState['status'];
  seq: number;
}

export function listingOf(state: MeetingState): MeetingListing {
  const { id, title, kind, scheduledStart, scheduledEnd, hubPointId, invitedPointIds } = state.def;

  return {
    id,
    title,
    kind,
    scheduledStart,
    scheduledEnd,
    hubPointId,
    invited: invitedPointIds.length,
    status: state.status,
    seq: state.seq,
  };
}
