import type { MeetingEvent } from './core/events.js';
import { applyLinkEvent } from './linking/applyLink.js';
import { applyContentEvent, isContentEvent } from './content/content.js';
import { withLinkedChildren } from './linking/linking.js';
import type { MeetingState, RollCall } from './core/model.js';
import { initialState, insertionIndex, mustRequest, outcomeOf, pointsOf } from './core/state.js';

/**
 * Folds one event into the state. The state object is owned by the fold and updated in place (a meeting of 1000
 * points would otherwise copy its whole state per event); replaying the same log always yields the same state.
 */
export function applyEvent(state: MeetingState, event: MeetingEvent): MeetingState {
  if (event.seq !== state.seq + 1) {
    throw new TypeError(`event seq ${event.seq} does not follow ${state.seq} in meeting ${state.def.id}`);
  }
  state.seq = event.seq;
  if (isContentEvent(event)) {
    applyContentEvent(state, event);

    return state;
  }
  switch (event.type) {
    case 'MeetingCreated': {
      break;
    }
    case 'MeetingAmended': {
      state.def = withLinkedChildren(event.definition, state.links);
      state.points = pointsOf(state.def, state.points);
      state.speakingLimitSec = event.definition.settings.speakingLimitSec;
      break;
    }
    case 'TurnSummarized': {
      if (event.text === '') {
        delete state.record.summaries[event.turn];
      } else {
        state.record.summaries[event.turn] = event.text;
      }
      break;
    }
    case 'ConclusionRecorded': {
      state.record.conclusion = event.text === '' ? null : event.text;
      break;
    }
    case 'TaskAssigned': {
      const { taskId, text, unitId, department, deadline, at } = event;
      state.record.tasks.push({
        taskId,
        text,
        unitId,
        department,
        deadline,
        status: 'open',
        assignedAt: at,
        doneAt: null,
      });
      break;
    }
    case 'TaskStatusChanged': {
      const task = state.record.tasks.find((t) => t.taskId === event.taskId);
      if (task !== undefined) {
        task.status = event.status;
        task.doneAt = event.status === 'done' ? event.at : null;
      }
      break;
    }
    case 'MeetingOpened': {
      state.status = 'open';
      state.openedAt = event.at;
      break;
    }
    case 'SessionStarted': {
      state.status = 'in_session';
      state.startedAt = event.at;
      state.agendaIndex = 0;
      break;
    }
    case 'MeetingEnded': {
      state.status = 'ended';
      state.endedAt = event.at;
      for (const requestId of state.queue) {
        mustRequest(state, requestId).status = 'expired';
      }
      state.queue = [];
      break;
    }
    case 'AgendaAdvanced': {
      state.agendaIndex = event.index;
      break;
    }
    case 'PointConnected':
    case 'PointDisconnected': {
      const point = state.points[event.pointId];
      if (point !== undefined) {
        point.connected = event.type === 'PointConnected';
        point.presence.push({ at: event.at, connected: point.connected });
      }
      break;
    }
    case 'PointReadinessReported': {
      const point = state.points[event.pointId];
      if (point !== undefined) {
        const { camera, microphone, network, at } = event;
        point.readiness = { camera, microphone, network, at };
      }
      break;
    }
    case 'FloorRequested': {
      const { requestId, pointId, kind, topic, department, priority } = event;
      state.requests[requestId] = {
        requestId,
        pointId,
        kind,
        topic,
        department,
        priority,
        requestedAt: event.at,
        status: 'queued',
        answers: [],
        ...(event.toParent === true ? { toParent: true } : {}),
      };
      state.queue.splice(insertionIndex(state, priority, event.at), 0, requestId);
      break;
    }
    case 'FloorWithdrawn':
    case 'FloorDenied': {
      mustRequest(state, event.requestId).status = event.type === 'FloorWithdrawn' ? 'withdrawn' : 'denied';
      state.queue = state.queue.filter((id) => id !== event.requestId);
      break;
    }
    case 'FloorReordered': {
      moveInQueue(state, event.requestId, event.position);
      break;
    }
    case 'FloorPriorityChanged': {
      mustRequest(state, event.requestId).priority = event.priority;
      moveInQueue(state, event.requestId, event.position);
      break;
    }
    case 'FloorGranted': {
      const { pointId, requestId, limitSec } = event;
      if (requestId !== null) {
        mustRequest(state, requestId).status = 'speaking';
        state.queue = state.queue.filter((id) => id !== requestId);
      }
      state.floor = {
        pointId,
        requestId,
        grantedAt: event.at,
        limitSec,
        warned: false,
        ...(event.fromParent === true ? { fromParent: true } : {}),
      };
      break;
    }
    case 'FloorForwarded': {
      mustRequest(state, event.requestId).status = 'forwarded';
      state.queue = state.queue.filter((id) => id !== event.requestId);
      break;
    }
    case 'SpeakingWarned': {
      if (state.floor !== null) {
        state.floor.warned = true;
      }
      break;
    }
    case 'FloorEnded': {
      const floor = state.floor;
      if (floor !== null) {
        if (floor.requestId !== null) {
          mustRequest(state, floor.requestId).status = 'done';
        }
        const { pointId, requestId, grantedAt } = floor;
        state.turns.push({ pointId, requestId, grantedAt, endedAt: event.at, reason: event.reason });
        state.floor = null;
      }
      break;
    }
    case 'SpeakingLimitChanged': {
      state.speakingLimitSec = event.limitSec;
      break;
    }
    case 'AnswerAttached': {
      const { answeredBy, text, at } = event;
      mustRequest(state, event.requestId).answers.push({ answeredBy, text, at });
      break;
    }
    case 'RollCallStarted': {
      const { rollCallId, unitId, rerunOf, pointIds, deadlineAt, closesAt } = event;
      state.rollCalls.push({
        rollCallId,
        unitId,
        rerunOf,
        pointIds,
        startedAt: event.at,
        deadlineAt,
        closesAt,
        deadlinePassed: false,
        closedAt: null,
        closeReason: null,
        confirmations: {},
        outcomes: null,
        ...(event.parentRollCallId === undefined ? {} : { parentRollCallId: event.parentRollCallId }),
      });
      if (event.parentRollCallId !== undefined && state.uplink !== null) {
        state.uplink.rollCalls[rollCallId] = event.parentRollCallId;
      }
      break;
    }
    case 'RollCallDeadlinePassed': {
      mustRollCall(state, event.rollCallId).deadlinePassed = true;
      break;
    }
    case 'RollCallConfirmed': {
      const rollCall = mustRollCall(state, event.rollCallId);
      const earlier = rollCall.confirmations[event.pointId];
      const answeredAt = event.answeredAt ?? event.at;
      rollCall.confirmations[event.pointId] = {
        headcount: event.headcount,
        presiding: event.presiding,
        confirmedAt: earlier?.confirmedAt ?? answeredAt,
        late:
          earlier?.late ??
          (event.answeredAt === undefined
            ? rollCall.deadlinePassed || event.at > rollCall.deadlineAt
            : event.answeredAt > rollCall.deadlineAt),
      };
      // An answer given before the close that was still on its way up: the closed tally takes it in.
      if (rollCall.closedAt !== null && rollCall.outcomes !== null) {
        rollCall.outcomes[event.pointId] = rollCall.confirmations[event.pointId]?.late === true ? 'late' : 'present';
      }
      break;
    }
    case 'RollCallClosed': {
      const rollCall = mustRollCall(state, event.rollCallId);
      rollCall.outcomes = Object.fromEntries(rollCall.pointIds.map((id) => [id, outcomeOf(state, rollCall, id, true)]));
      rollCall.closedAt = event.at;
      rollCall.closeReason = event.reason;
      break;
    }
    case 'MicsMuted': {
      state.mics = { chairsOpen: event.exceptChairs ? state.mics.chairsOpen : false, openPoints: [] };
      break;
    }
    case 'MicChanged': {
      if (event.target === 'chairs') {
        state.mics.chairsOpen = event.open;
      } else {
        const others = state.mics.openPoints.filter((id) => id !== event.target);
        state.mics.openPoints = event.open ? [...others, event.target] : others;
      }
      break;
    }
    case 'RecordingChanged': {
      state.recording = { status: event.status, since: event.at, reason: event.reason };
      break;
    }
    case 'StreamChanged': {
      state.stream = { status: event.status, since: event.at, reason: event.reason };
      break;
    }
    case 'StreamConfigured': {
      const { internal, startWithMeeting, keepRecording, destinations } = event;
      state.streamSetup = { ...state.streamSetup, internal, startWithMeeting, keepRecording, destinations };
      break;
    }
    case 'StreamCardChanged': {
      state.streamSetup = { ...state.streamSetup, card: event.shown };
      break;
    }
    case 'ScanChanged': {
      state.scan =
        event.pointIds.length === 0
          ? null
          : { pointIds: event.pointIds, intervalSec: event.intervalSec, startedAt: event.at };
      break;
    }
    case 'AuditRecorded': {
      // Recorded for the trail only: read from the log, not from state.
      break;
    }
    case 'PointLinkChanged': {
      const point = state.points[event.pointId];
      if (point !== undefined) {
        if (point.health !== event.health) {
          point.healthLog.push({ at: event.at, health: event.health });
        }
        point.health = event.health;
        point.silent = event.silent;
      }
      break;
    }
    case 'AlertRaised': {
      const { alertId, kind, pointId, unitId } = event;
      state.alerts.push({ alertId, kind, pointId, unitId, raisedAt: event.at, acknowledgedAt: null, clearedAt: null });
      break;
    }
    case 'AlertAcknowledged':
    case 'AlertCleared': {
      const alert = state.alerts.findLast((a) => a.alertId === event.alertId);
      if (alert !== undefined) {
        if (event.type === 'AlertAcknowledged') {
          alert.acknowledgedAt = event.at;
        } else {
          alert.clearedAt = event.at;
        }
      }
      break;
    }
    case 'ChildLinked':
    case 'ChildLinkResumed':
    case 'ChildLinkLost':
    case 'ChildUnlinked':
    case 'UplinkConfigured':
    case 'UplinkStateChanged':
    case 'UplinkRemoved':
    case 'RelayChanged':
    case 'ParentSlidesChanged':
    case 'ParentScreenChanged':
    case 'ParentQueueChanged': {
      applyLinkEvent(state, event);
      break;
    }
    default: {
      const unknown: never = event;
      throw new TypeError(`unknown event ${(unknown as { type: string }).type}`);
    }
  }

  return state;
}

/** Rebuilds a meeting from its whole log. */
export function replay(events: Iterable<MeetingEvent>): MeetingState {
  let state: MeetingState | null = null;
  for (const event of events) {
    if (state === null) {
      if (event.type !== 'MeetingCreated') {
        throw new TypeError(`a meeting log must start with MeetingCreated, not ${event.type}`);
      }
      state = initialState(event.definition);
    }
    applyEvent(state, event);
  }
  if (state === null) {
    throw new TypeError('an empty log holds no meeting');
  }

  return state;
}

function moveInQueue(state: MeetingState, requestId: string, position: number): void {
  const rest = state.queue.filter((id) => id !== requestId);
  rest.splice(position - 1, 0, requestId);
  state.queue = rest;
}

function mustRollCall(state: MeetingState, rollCallId: string): RollCall {
  const rollCall = state.rollCalls.find((r) => r.rollCallId === rollCallId);
  if (rollCall === undefined) {
    throw new TypeError(`unknown roll call ${rollCallId}`);
  }

  return rollCall;
}
