import type { Command } from '../core/commands.js';
import type { MeetingEvent } from '../core/events.js';
import type { MeetingState } from '../core/model.js';
import type { ParentScreen, ParentSlides } from './types.js';

/** Where the parent stands, as its answer to a hello says (the protocol's `HelloAnswer`, as the child reads it). */
export interface ParentStanding {
  parentMeetingId: string;
  parentTitle: string;
  parentHubName?: string | undefined;
  parentAgendaItem?: string | null | undefined;
  unitId: string;
  rollCall: { rollCallId: string; deadlineAt: number; closesAt: number } | null;
  turn: { pointId: string; limitSec: number } | null;
  queued: readonly string[];
  queuePositions?: Record<string, number> | undefined;
  slides?: ParentSlides | null | undefined;
  screen?: ParentScreen | null | undefined;
}

/**
 * One report up to the parent, keyed by what it is about: a newer report of the same key replaces one not yet
 * answered (see server/linking/LinkOutbox.ts).
 */
export interface ReportUp {
  key: string;
  event: 'link:presence' | 'link:confirm' | 'link:floorRequest' | 'link:release';
  body: Record<string, unknown>;
}

/** A point's answer to the parent's roll call, with when it was first given here (the parent judges it by that). */
const confirmReport = (
  parentRollCallId: string,
  pointId: string,
  headcount: number,
  presiding: unknown,
  answeredAt: number,
): ReportUp => ({
  key: `confirm:${parentRollCallId}:${pointId}`,
  event: 'link:confirm',
  body: { pointId, rollCallId: parentRollCallId, headcount, presiding, answeredAt },
});

const floorReport = (request: MeetingState['requests'][string]): ReportUp => ({
  key: `floor:${request.pointId}`,
  event: 'link:floorRequest',
  body: { pointId: request.pointId, kind: request.kind, topic: request.topic, department: request.department },
});

/** The key of a released turn's report (the catch-up must not grant again a turn whose release is on its way). */
export const releaseKey = (pointId: string) => `release:${pointId}`;

/**
 * What a child does when its parent answers a hello (a first link or any reconnection): the commands that bring the
 * meeting to where the parent stands, in order, and the reports that may have been lost with the link (answers to the
 * parent's open roll call, requests forwarded and not queued there; the parent drops repeats). `releasing` says
 * whether a point's release of the parent's turn is still on its way up: that turn stays ended here.
 */
export function catchUp(
  state: MeetingState,
  answer: ParentStanding,
  releasing: (pointId: string) => boolean,
): { commands: Command[]; reports: ReportUp[] } {
  const { parentMeetingId, unitId, parentTitle, parentHubName, parentAgendaItem } = answer;
  const commands: Command[] = [
    { type: 'uplink.state', state: 'linked', parentMeetingId, unitId, parentTitle, parentHubName, parentAgendaItem },
  ];
  if (answer.rollCall !== null) {
    const { rollCallId, deadlineAt, closesAt } = answer.rollCall;
    commands.push({ type: 'uplink.rollCall', parentRollCallId: rollCallId, deadlineAt, closesAt });
  }
  // Mirrored roll calls the parent closed while the link was down.
  for (const [local, parent] of Object.entries(state.uplink?.rollCalls ?? {})) {
    const open = state.rollCalls.find((r) => r.rollCallId === local)?.closedAt === null;
    if (open && answer.rollCall?.rollCallId !== parent) {
      commands.push({ type: 'uplink.rollCallClosed', parentRollCallId: parent });
    }
  }
  if (answer.queuePositions !== undefined) {
    commands.push({ type: 'uplink.queue', positions: answer.queuePositions });
  }
  commands.push({ type: 'uplink.slides', slides: answer.slides ?? null });
  commands.push({ type: 'uplink.screen', screen: answer.screen ?? null });
  // The parent's turn as it stands now.
  const turn = answer.turn !== null && !releasing(answer.turn.pointId) ? answer.turn : null;
  if (state.floor?.fromParent === true && turn?.pointId !== state.floor.pointId) {
    commands.push({ type: 'uplink.turnEnded', pointId: state.floor.pointId, reason: 'revoked' });
  }
  if (turn !== null) {
    commands.push({ type: 'uplink.turn', pointId: turn.pointId, limitSec: turn.limitSec });
  }

  const reports: ReportUp[] = [];
  for (const rollCall of state.rollCalls) {
    if (rollCall.parentRollCallId !== undefined && rollCall.parentRollCallId === answer.rollCall?.rollCallId) {
      for (const [pointId, c] of Object.entries(rollCall.confirmations)) {
        reports.push(confirmReport(rollCall.parentRollCallId, pointId, c.headcount, c.presiding, c.confirmedAt));
      }
    }
  }
  for (const request of Object.values(state.requests)) {
    if (
      request.status === 'forwarded' &&
      !answer.queued.includes(request.pointId) &&
      answer.turn?.pointId !== request.pointId
    ) {
      reports.push(floorReport(request));
    }
  }

  return { commands, reports };
}

/**
 * What of a child meeting's new events concerns its parent: the reports to send up, whether a new hello is due (a
 * grandchild linked in: a report is whole), and who now holds a turn the parent gave (`parentTurn`, carried from
 * the call before: a point's own release of such a turn frees the parent's floor).
 */
export function reportsUp(
  state: MeetingState,
  events: readonly MeetingEvent[],
  parentTurn: string | null,
): { reports: ReportUp[]; hello: boolean; parentTurn: string | null } {
  const reports: ReportUp[] = [];
  let hello = false;
  let turnHolder = parentTurn;
  for (const event of events) {
    switch (event.type) {
      case 'PointConnected':
      case 'PointDisconnected': {
        reports.push({
          key: `presence:${event.pointId}`,
          event: 'link:presence',
          body: { pointId: event.pointId, connected: event.type === 'PointConnected' },
        });
        break;
      }
      case 'RollCallConfirmed': {
        const parent = state.uplink?.rollCalls[event.rollCallId];
        if (parent !== undefined) {
          const first = state.rollCalls.find((r) => r.rollCallId === event.rollCallId)?.confirmations[event.pointId];
          const answeredAt = first?.confirmedAt ?? event.at;
          reports.push(confirmReport(parent, event.pointId, event.headcount, event.presiding, answeredAt));
        }
        break;
      }
      case 'FloorEnded': {
        const turn = state.turns.at(-1);
        if (event.reason === 'released' && turn?.pointId === event.pointId && turnHolder === event.pointId) {
          reports.push({ key: releaseKey(event.pointId), event: 'link:release', body: { pointId: event.pointId } });
        }
        break;
      }
      case 'FloorGranted': {
        turnHolder = event.fromParent === true ? event.pointId : null;
        break;
      }
      case 'FloorForwarded': {
        const request = state.requests[event.requestId];
        if (request !== undefined) {
          reports.push(floorReport(request));
        }
        break;
      }
      case 'ChildLinked': {
        hello = true;
        break;
      }
      default:
        break;
    }
  }

  return { reports, hello, parentTurn: turnHolder };
}
