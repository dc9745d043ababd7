import { LINK_EVENTS, QUEUE_EVENTS, RECORD_EVENTS, type EventType, type MeetingEvent } from '../domain/core/events.js';
import type { RollCall } from '../domain/core/model.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import { rooms } from './rooms.js';
import { RELAYED_CONTENT_EVENTS } from '../domain/linking/relayedContent.js';
import { CONTENT_EVENTS } from '../domain/content/content.js';
import { nextLocalRequest } from '../domain/floor/floor.js';
import { contentViewOf } from './contentView.js';
import type { TypedServer } from './typedServer.js';
import { floorView, recordViewOf, rollCallPointView, rollCallStaffView, statusView } from './views.js';

const STATUS_EVENTS = new Set<EventType>([
  'MeetingOpened',
  'SessionStarted',
  'MeetingEnded',
  'AgendaAdvanced',
  'RecordingChanged',
  'StreamChanged',
  'StreamCardChanged',
]);
const FLOOR_EVENTS = new Set<EventType>([...QUEUE_EVENTS, 'SpeakingLimitChanged', 'MeetingEnded']);

/** The request last told "get ready", per meeting, so the notice goes out once per new head of the queue. */
const MIC_EVENTS = new Set<EventType>(['MicsMuted', 'MicChanged', 'ScanChanged']);

const lastReady = new WeakMap<MeetingRuntime, string | null>();

/**
 * Turns one batch of durable events into the messages each audience needs (one broadcast per room, not per socket):
 * status and floor to everyone, tallies and presence to staff, roll-call prompts to the points in scope.
 */
export function fanOut(io: TypedServer, runtime: MeetingRuntime, events: MeetingEvent[]): void {
  const id = runtime.id;
  const state = runtime.state;
  const types = new Set(events.map((e) => e.type));
  // A link's state, a turn the parent granted (which meeting is on screen) and the hall's answer to the parent's
  // roll call are status for everyone; a point's own confirmation is not (hundreds of them would each go to all).
  const linkStatus =
    state.uplink !== null &&
    events.some(
      (e) =>
        ['FloorGranted', 'FloorEnded', 'RollCallStarted', 'RollCallClosed'].includes(e.type) ||
        (e.type === 'RollCallConfirmed' && e.pointId === state.def.hubPointId),
    );
  if ([...types].some((t) => STATUS_EVENTS.has(t) || LINK_EVENTS.has(t)) || linkStatus) {
    io.to(rooms.meeting(id)).emit('meeting:changed', statusView(state));
  }
  // The speaking point's devices are part of the floor view (a room without a microphone is named as such).
  const holderReadiness = events.some(
    (e) => e.type === 'PointReadinessReported' && state.floor !== null && e.pointId === state.floor.pointId,
  );
  if ([...types].some((t) => FLOOR_EVENTS.has(t)) || holderReadiness) {
    io.to(rooms.meeting(id)).emit('floor:changed', floorView(state, runtime.index));
    notifyNextInLine(io, runtime);
  }
  // Per roll call touched: the points that confirmed in this batch, or `null` when every outcome may have changed.
  // A finished turn or an answer adds to the speaker log the secretary summarizes.
  if ([...types].some((t) => RECORD_EVENTS.has(t) || t === 'FloorEnded' || t === 'AnswerAttached')) {
    io.to(rooms.staff(id)).emit('record:changed', recordViewOf(state, runtime.index));
  }
  // The parent's slides or screen shown here come and go with the link and the relay too.
  if ([...types].some((t) => CONTENT_EVENTS.has(t) || RELAYED_CONTENT_EVENTS.has(t))) {
    const added = events.findLast((e) => e.type === 'DocumentAttached');
    io.to(rooms.meeting(id)).emit(
      'content:changed',
      contentViewOf(state, runtime.index, added?.type === 'DocumentAttached' ? added.documentId : null),
    );
  }
  if ([...types].some((t) => MIC_EVENTS.has(t))) {
    io.to(rooms.meeting(id)).emit('mics:changed', { seq: state.seq, ...state.mics, scan: state.scan });
  }
  // Per-point news goes to the staff as one message per batch: every broadcast costs a write to the adapter's
  // stream when coordinators share Redis, and a join storm or a readiness round is hundreds of points at once.
  const presence: { pointId: string; connected: boolean; at: number }[] = [];
  const readiness: { pointId: string; camera: boolean; microphone: boolean; network: boolean; at: number }[] = [];
  const touchedRollCalls = new Map<string, Set<string> | null>();
  const touchAll = (rollCallId: string) => touchedRollCalls.set(rollCallId, null);
  for (const event of events) {
    switch (event.type) {
      case 'PointConnected':
      case 'PointDisconnected': {
        const { pointId, at } = event;
        presence.push({ pointId, connected: event.type === 'PointConnected', at });
        break;
      }
      case 'PointReadinessReported': {
        const { pointId, camera, microphone, network, at } = event;
        readiness.push({ pointId, camera, microphone, network, at });
        break;
      }
      case 'SpeakingWarned': {
        const endsAt = state.floor === null ? event.at : state.floor.grantedAt + state.floor.limitSec * 1000;
        io.to(rooms.meeting(id)).emit('floor:warning', { seq: event.seq, pointId: event.pointId, endsAt });
        break;
      }
      case 'FloorDenied': {
        const request = state.requests[event.requestId];
        if (request !== undefined) {
          const { seq, requestId, reason, at } = event;
          io.to([rooms.staff(id), rooms.point(id, request.pointId)]).emit('floor:denied', {
            seq,
            requestId,
            pointId: request.pointId,
            reason,
            at,
          });
        }
        break;
      }
      case 'AnswerAttached': {
        const request = state.requests[event.requestId];
        if (request !== undefined) {
          const { seq, requestId, answeredBy, text, at } = event;
          io.to([rooms.staff(id), rooms.point(id, request.pointId)]).emit('floor:answer', {
            seq,
            requestId,
            pointId: request.pointId,
            answeredBy,
            text,
            at,
          });
        }
        break;
      }
      case 'RollCallStarted':
      case 'RollCallClosed': {
        touchAll(event.rollCallId);
        const rollCall = state.rollCalls.find((r) => r.rollCallId === event.rollCallId);
        if (rollCall !== undefined) {
          // Every asked point gets the same prompt/closing view, in one broadcast to the scope's rooms.
          io.to(scopeRooms(id, rollCall)).emit('rollcall:changed', rollCallPointView(state, rollCall, null, true));
        }
        break;
      }
      case 'RollCallConfirmed': {
        const changed = touchedRollCalls.get(event.rollCallId);
        if (changed === undefined) {
          touchedRollCalls.set(event.rollCallId, new Set([event.pointId]));
        } else {
          changed?.add(event.pointId);
        }
        const rollCall = state.rollCalls.find((r) => r.rollCallId === event.rollCallId);
        if (rollCall !== undefined) {
          io.to(rooms.point(id, event.pointId)).emit(
            'rollcall:changed',
            rollCallPointView(state, rollCall, event.pointId),
          );
        }
        break;
      }
      case 'PointLinkChanged': {
        const { seq, pointId, health, silent, at } = event;
        io.to(rooms.staff(id)).emit('link:changed', { seq, pointId, health, silent, at });
        break;
      }
      case 'AlertRaised':
      case 'AlertAcknowledged':
      case 'AlertCleared': {
        const alert = state.alerts.findLast((a) => a.alertId === event.alertId);
        if (alert !== undefined) {
          io.to(rooms.staff(id)).emit('alert:changed', { ...alert, seq: event.seq });
        }
        break;
      }
      case 'RollCallDeadlinePassed': {
        touchAll(event.rollCallId);
        break;
      }
      default: {
        break;
      }
    }
  }
  const lastSeq = events.at(-1)?.seq ?? state.seq;
  if (presence.length > 0) {
    io.to(rooms.staff(id)).emit('presence:changed', { seq: lastSeq, points: presence });
  }
  if (readiness.length > 0) {
    io.to(rooms.staff(id)).emit('readiness:changed', { seq: lastSeq, points: readiness });
  }
  for (const [rollCallId, changed] of touchedRollCalls) {
    const rollCall = state.rollCalls.find((r) => r.rollCallId === rollCallId);
    if (rollCall !== undefined) {
      io.to(rooms.staff(id)).emit(
        'rollcall:changed',
        rollCallStaffView(state, rollCall, runtime.index, changed ?? undefined),
      );
    }
  }
}

function notifyNextInLine(io: TypedServer, runtime: MeetingRuntime): void {
  const state = runtime.state;
  const head = nextLocalRequest(state) ?? null;
  if (lastReady.get(runtime) === head) {
    return;
  }
  lastReady.set(runtime, head);
  const request = head === null ? undefined : state.requests[head];
  if (request !== undefined && state.status === 'in_session') {
    io.to(rooms.point(runtime.id, request.pointId)).emit('floor:getReady', {
      seq: state.seq,
      requestId: request.requestId,
    });
  }
}

function scopeRooms(meetingId: string, rollCall: RollCall): string | string[] {
  if (rollCall.rerunOf !== null) {
    return rollCall.pointIds.map((pointId) => rooms.point(meetingId, pointId));
  }

  return rollCall.unitId === null ? rooms.points(meetingId) : rooms.unit(meetingId, rollCall.unitId);
}
