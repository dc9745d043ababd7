import { pointsOf } from '../core/state.js';
import type { MeetingEvent } from '../core/events.js';
import { withLinkedChildren } from './linking.js';
import type { MeetingState } from '../core/model.js';

type LinkEvent = Extract<
  MeetingEvent,
  {
    type:
      | 'ChildLinked'
      | 'ChildLinkResumed'
      | 'ChildLinkLost'
      | 'ChildUnlinked'
      | 'UplinkConfigured'
      | 'UplinkStateChanged'
      | 'UplinkRemoved'
      | 'RelayChanged'
      | 'ParentSlidesChanged'
      | 'ParentScreenChanged'
      | 'ParentQueueChanged';
  }
>;

/** Folds an event of a link between meetings (either side) into the state, in place (see applyEvent). */
export function applyLinkEvent(state: MeetingState, event: LinkEvent): void {
  switch (event.type) {
    case 'ChildLinked': {
      const { unitId, tokenId, childMeetingId, title, hallPointId, units, points, localIds, lineage } = event;
      const had = state.links[unitId];
      // A resume may bring points the child added; points it no longer reports keep their record here.
      const keep = (had?.points ?? []).filter((p) => localIds[p.code] === undefined);
      state.links[unitId] = {
        unitId,
        tokenId,
        childMeetingId,
        title,
        state: 'linked',
        since: event.at,
        hallPointId,
        units,
        points: [...points, ...keep],
        localIds: { ...had?.localIds, ...localIds },
        lineage,
      };
      state.def = withLinkedChildren(state.def, state.links);
      state.points = pointsOf(state.def, state.points);
      return;
    }
    case 'ChildLinkResumed':
    case 'ChildLinkLost':
    case 'ChildUnlinked': {
      const link = state.links[event.unitId];
      if (link !== undefined) {
        link.state =
          event.type === 'ChildLinkResumed' ? 'linked' : event.type === 'ChildLinkLost' ? 'lost' : 'unlinked';
        link.since = event.at;
      }
      return;
    }
    case 'UplinkConfigured': {
      state.uplink = {
        parentUrl: event.parentUrl,
        linkTokenId: event.linkTokenId ?? 'legacy',
        ...(event.linkToken === undefined ? {} : { legacyLinkToken: event.linkToken }),
        parentMeetingId: null,
        unitId: null,
        parentTitle: null,
        state: 'connecting',
        since: event.at,
        relaying: true,
        rollCalls: {},
        parentSlides: null,
        parentScreen: null,
      };
      return;
    }
    case 'UplinkStateChanged': {
      if (state.uplink !== null) {
        const { parentMeetingId, unitId, parentTitle } = event;
        // The link's state keeps its time while only the parent's words change (its agenda item, its title).
        const since = event.state === state.uplink.state ? state.uplink.since : event.at;
        Object.assign(state.uplink, { state: event.state, since, parentMeetingId, unitId, parentTitle });
        if (event.parentHubName !== undefined) {
          state.uplink.parentHubName = event.parentHubName;
        }
        if (event.parentAgendaItem !== undefined) {
          state.uplink.parentAgendaItem = event.parentAgendaItem;
        }
      }
      return;
    }
    case 'ParentQueueChanged': {
      if (state.uplink !== null) {
        state.uplink.parentQueue = event.positions;
      }
      return;
    }
    case 'UplinkRemoved': {
      state.uplink = null;
      return;
    }
    case 'RelayChanged': {
      if (state.uplink !== null) {
        state.uplink.relaying = event.relaying;
      }
      return;
    }
    case 'ParentSlidesChanged': {
      if (state.uplink !== null) {
        state.uplink.parentSlides = event.slides;
      }
      return;
    }
    case 'ParentScreenChanged': {
      if (state.uplink !== null) {
        state.uplink.parentScreen = event.screen;
      }
      return;
    }
  }
}
