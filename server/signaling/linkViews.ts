import type { DirectoryIndex } from '../domain/directory/directory.js';
import { childOf } from '../domain/linking/linking.js';
import { programOrigin } from '../domain/linking/program.js';
import type { MeetingState } from '../domain/core/model.js';
import type { MeetingStatusView } from '../protocol/messages.js';

/** Linked meetings in the status view: the link up (without its credential) and the children linked in. */
export function linkViews(state: MeetingState): Pick<MeetingStatusView, 'uplink' | 'links'> {
  const up = state.uplink;

  return {
    uplink:
      up === null
        ? null
        : {
            state: up.state,
            parentTitle: up.parentTitle,
            parentHubName: up.parentHubName ?? null,
            parentAgendaItem: up.parentAgendaItem ?? null,
            since: up.since,
            relaying: up.relaying,
            onScreen: programOrigin(state),
            hallRollCall: hallRollCall(state),
          },
    links: Object.values(state.links).map((link) => ({
      unitId: link.unitId,
      unitName: state.def.units.find((u) => u.code === link.unitId)?.name ?? link.unitId,
      title: link.title,
      state: link.state,
      since: link.since,
      points: link.points.length,
      connectedPoints: link.points.filter((p) => state.points[p.code]?.connected === true).length,
    })),
  };
}

/** A point's name for people; a linked child's point says where it is: "Điểm cầu Xã Tân Sơn (Tỉnh Một)". */
export function pointLabel(state: MeetingState, index: DirectoryIndex, pointId: string): string {
  const name = index.points.get(pointId)?.name ?? pointId;
  const link = childOf(state, pointId);
  if (link === undefined) {
    return name;
  }
  const unit = index.units.get(link.unitId)?.name ?? link.unitId;

  return name.includes(unit) ? name : `${name} (${unit})`;
}

function hallRollCall(state: MeetingState): 'none' | 'pending' | 'confirmed' {
  const rollCall = state.rollCalls.at(-1);
  if (rollCall === undefined || rollCall.closedAt !== null || rollCall.parentRollCallId === undefined) {
    return 'none';
  }

  return rollCall.confirmations[state.def.hubPointId] === undefined ? 'pending' : 'confirmed';
}
