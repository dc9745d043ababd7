import { QUEUE_EVENTS, type MeetingEvent } from '../domain/core/events.js';
import { childOf } from '../domain/linking/linking.js';
import { type LinkedChild } from '../domain/linking/types.js';
import { RELAYED_CONTENT_EVENTS, screenForChildren, slidesForChildren } from '../domain/linking/relayedContent.js';
import { isContentEvent } from '../domain/content/content.js';
import type { MeetingState } from '../domain/core/model.js';
import { activeRollCall } from '../domain/rollCall/rollCall.js';
import type { HelloAnswer, LinkNotifications } from '../protocol/link.js';

/**
 * What the parent tells its linked children, built from its state (pure): notifications for a batch of events, and
 * where it stands for a child that says hello.
 */

/** One notification to one linked child. */
export interface LinkNotice<E extends keyof LinkNotifications = keyof LinkNotifications> {
  unitId: string;
  event: E;
  body: Parameters<LinkNotifications[E]>[0];
}

/**
 * What of a batch of the parent's events concerns each linked child, in the child's own ids. `nameOf` gives a point's
 * name (the presenter of slides, as the child's consoles show it).
 */
export function linkNotices(
  state: MeetingState,
  events: readonly MeetingEvent[],
  nameOf: (pointId: string) => string = (pointId) => pointId,
): LinkNotice[] {
  const links = Object.values(state.links);
  if (links.length === 0) {
    return [];
  }
  const out: LinkNotice[] = [];
  const push = <E extends keyof LinkNotifications>(unitId: string, event: E, body: LinkNotice<E>['body']) =>
    out.push({ unitId, event, body } as LinkNotice);
  const localOf = (pointId: string) => {
    const link = childOf(state, pointId);

    return link === undefined ? null : { unitId: link.unitId, id: link.localIds[pointId] as string };
  };
  for (const event of events) {
    switch (event.type) {
      case 'RollCallStarted': {
        const { rollCallId, deadlineAt, closesAt } = event;
        links
          .filter((link) => link.points.some((p) => event.pointIds.includes(p.code)))
          .forEach((link) => push(link.unitId, 'link:rollCall', { rollCallId, deadlineAt, closesAt }));
        break;
      }
      case 'RollCallClosed': {
        links.forEach((link) => push(link.unitId, 'link:rollCallClosed', { rollCallId: event.rollCallId }));
        break;
      }
      case 'FloorGranted': {
        const local = localOf(event.pointId);
        if (local !== null) {
          push(local.unitId, 'link:turn', { pointId: local.id, limitSec: event.limitSec });
        }
        break;
      }
      case 'SpeakingWarned': {
        const local = localOf(event.pointId);
        if (local !== null) {
          push(local.unitId, 'link:turnWarned', { pointId: local.id });
        }
        break;
      }
      case 'FloorEnded': {
        const local = localOf(event.pointId);
        if (local !== null) {
          push(local.unitId, 'link:turnEnded', { pointId: local.id, reason: event.reason });
        }
        break;
      }
      case 'FloorDenied': {
        const request = state.requests[event.requestId];
        const local = request === undefined ? null : localOf(request.pointId);
        if (local !== null) {
          push(local.unitId, 'link:denied', { pointId: local.id, reason: event.reason });
        }
        break;
      }
      case 'MeetingOpened':
      case 'SessionStarted':
      case 'AgendaAdvanced':
      case 'MeetingEnded': {
        const status = { status: state.status, ...parentWords(state, nameOf) };
        links.forEach((link) => push(link.unitId, 'link:status', status));
        break;
      }
      default:
        break;
    }
  }
  if (events.some((e) => PARENT_QUEUE_EVENTS.has(e.type))) {
    links.forEach((link) => push(link.unitId, 'link:queue', { positions: queuePositions(state, link) }));
  }
  if (events.some((e) => isContentEvent(e) || RELAYED_CONTENT_EVENTS.has(e.type))) {
    const slides = slidesForChildren(state, nameOf);
    const screen = screenForChildren(state, nameOf);
    links.forEach((link) => push(link.unitId, 'link:slides', { slides, screen }));
  }

  return out;
}

/** Where the parent stands for one child: everything a resumed child may have missed. */
export function parentStanding(
  state: MeetingState,
  unitId: string,
  nameOf: (pointId: string) => string = (pointId) => pointId,
): HelloAnswer {
  const link = state.links[unitId] as LinkedChild;
  const rollCall = activeRollCall(state);
  const mine = (pointId: string) => link.localIds[pointId];
  const holder = state.floor === null ? undefined : mine(state.floor.pointId);

  return {
    parentMeetingId: state.def.id,
    ...parentWords(state, nameOf),
    unitId,
    status: state.status,
    rollCall:
      rollCall === undefined || !link.points.some((p) => rollCall.pointIds.includes(p.code))
        ? null
        : {
            rollCallId: rollCall.rollCallId,
            deadlineAt: rollCall.deadlineAt,
            closesAt: rollCall.closesAt,
            confirmed: Object.keys(rollCall.confirmations)
              .map(mine)
              .filter((id): id is string => id !== undefined),
          },
    turn:
      state.floor === null || holder === undefined
        ? null
        : { pointId: holder, limitSec: state.floor.limitSec, warned: state.floor.warned },
    queued: state.queue
      .map((requestId) => state.requests[requestId]?.pointId)
      .map((pointId) => (pointId === undefined ? undefined : mine(pointId)))
      .filter((id): id is string => id !== undefined),
    queuePositions: queuePositions(state, link),
    answerTimes: true,
    slides: slidesForChildren(state, nameOf),
    screen: screenForChildren(state, nameOf),
  };
}

/** Events after which a child's points may wait elsewhere in the parent's queue (its own kind excluded). */
const PARENT_QUEUE_EVENTS: ReadonlySet<string> = new Set(QUEUE_EVENTS.filter((type) => type !== 'ParentQueueChanged'));

/** Where one child's points wait in the parent's queue (1 = next), by their ids in the child. */
function queuePositions(state: MeetingState, link: LinkedChild): Record<string, number> {
  const out: Record<string, number> = {};
  state.queue.forEach((requestId, index) => {
    const pointId = state.requests[requestId]?.pointId;
    const local = pointId === undefined ? undefined : link.localIds[pointId];
    if (local !== undefined) {
      out[local] = index + 1;
    }
  });

  return out;
}

/** How a child's consoles name the parent: its title, its hub, the agenda item it is on. */
function parentWords(
  state: MeetingState,
  nameOf: (pointId: string) => string,
): { parentTitle: string; parentHubName: string; parentAgendaItem: string | null } {
  return {
    parentTitle: state.def.title,
    parentHubName: nameOf(state.def.hubPointId),
    parentAgendaItem: state.def.agenda[state.agendaIndex]?.title ?? null,
  };
}
