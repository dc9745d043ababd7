import { acknowledgeAlert, evaluateAlerts, lostPointDeadlines } from './health/alerts.js';
import type { Command } from './core/commands.js';
import { amendMeeting } from './core/definition.js';
import {
  attachDocument,
  keepContent,
  prepareDocument,
  removeDocument,
  shareScreen,
  showSlides,
  stopContent,
  withContentRules,
} from './content/content.js';
import { DomainError } from './core/errors.js';
import type { EventBody } from './core/events.js';
import {
  attachAnswer,
  denyFloor,
  grantFloor,
  nextSpeaker,
  releaseFloor,
  reorderFloor,
  requestFloor,
  revokeFloor,
  setPriority,
  setSpeakingLimit,
  withdrawFloor,
} from './floor/floor.js';
import { requireInSession, requireInvited, requireLive, requireNotEnded } from './core/guards.js';
import { decideLink, isLinkCommand } from './linking/linkDecisions.js';
import type { MeetingState } from './core/model.js';
import { assignTask, recordConclusion, setTaskStatus, summarizeTurn } from './record/record.js';
import { configureStream, showStreamCard } from './stream/stream.js';
import { activeRollCall, closeRollCall, confirmRollCall, rerunRollCall, startRollCall } from './rollCall/rollCall.js';

/**
 * The meeting's decision function: what a command produces in the current state at server time `now`.
 * Pure; throws a DomainError (and produces nothing) when the command is not allowed now.
 * An empty result means the command changed nothing (e.g. a second connect of a connected point).
 */
export function decide(state: MeetingState, command: Command, now: number): EventBody[] {
  return withContentRules(state, decideCommand(state, command, now));
}

function decideCommand(state: MeetingState, command: Command, now: number): EventBody[] {
  if (isLinkCommand(command)) {
    return decideLink(state, command, now);
  }
  switch (command.type) {
    case 'meeting.amend': {
      return amendMeeting(state, command.definition);
    }
    case 'record.summarize': {
      return summarizeTurn(state, command.turn, command.text);
    }
    case 'record.conclude': {
      return recordConclusion(state, command.text);
    }
    case 'task.assign': {
      return assignTask(state, command);
    }
    case 'task.setStatus': {
      return setTaskStatus(state, command.taskId, command.status);
    }
    case 'meeting.open': {
      requireStatus(state, 'scheduled', 'mở hội nghị (open)');

      return [{ type: 'MeetingOpened' }];
    }
    case 'meeting.start': {
      requireStatus(state, 'open', 'bắt đầu phiên họp (start the session)');

      return [{ type: 'SessionStarted' }];
    }
    case 'meeting.end': {
      requireNotEnded(state);

      return endMeeting(state);
    }
    case 'agenda.advance': {
      requireInSession(state);
      const index = command.index ?? state.agendaIndex + 1;
      if (!Number.isInteger(index) || index < 0 || index >= state.def.agenda.length) {
        throw new DomainError('AGENDA_END', 'Không còn mục nào trong chương trình (no such agenda item)');
      }

      return [{ type: 'AgendaAdvanced', index }];
    }
    case 'point.connect': {
      // Also before the meeting opens: rooms join the waiting room 30-60 minutes early for the technical check.
      requireNotEnded(state);
      const point = state.points[command.pointId];
      if (point === undefined) {
        throw new DomainError('NOT_INVITED', `Điểm cầu ${command.pointId} không được mời (point not invited)`);
      }

      return point.connected ? [] : [{ type: 'PointConnected', pointId: command.pointId }];
    }
    case 'point.disconnect': {
      const point = state.points[command.pointId];
      if (state.status === 'ended' || point === undefined || !point.connected) {
        return [];
      }

      return [{ type: 'PointDisconnected', pointId: command.pointId, reason: command.reason ?? 'socket' }];
    }
    case 'point.readiness': {
      requireNotEnded(state);
      const { pointId, camera, microphone, network } = command;

      return [{ type: 'PointReadinessReported', pointId, camera, microphone, network }];
    }
    case 'floor.request': {
      return requestFloor(state, command);
    }
    case 'floor.withdraw': {
      return withdrawFloor(state, command);
    }
    case 'floor.release': {
      return releaseFloor(state, command);
    }
    case 'floor.grant': {
      return grantFloor(state, command);
    }
    case 'floor.deny': {
      return denyFloor(state, command);
    }
    case 'floor.reorder': {
      return reorderFloor(state, command);
    }
    case 'floor.setPriority': {
      return setPriority(state, command);
    }
    case 'floor.revoke': {
      return revokeFloor(state);
    }
    case 'floor.next': {
      return nextSpeaker(state, command);
    }
    case 'floor.setLimit': {
      return setSpeakingLimit(state, command);
    }
    case 'floor.answer': {
      return attachAnswer(state, command);
    }
    case 'rollcall.start': {
      return startRollCall(state, command, now);
    }
    case 'rollcall.rerun': {
      return rerunRollCall(state, command, now);
    }
    case 'rollcall.confirm': {
      return confirmRollCall(state, command);
    }
    case 'rollcall.close': {
      return closeRollCall(state, command);
    }
    case 'point.link': {
      const point = state.points[command.pointId];
      if (state.status === 'ended' || point === undefined) {
        return [];
      }
      const { pointId, health, silent } = command;

      return point.health === health && point.silent === silent
        ? []
        : [{ type: 'PointLinkChanged', pointId, health, silent }];
    }
    case 'alert.acknowledge': {
      return acknowledgeAlert(state, command.alertId);
    }
    case 'mic.muteAll': {
      requireLive(state);

      return [{ type: 'MicsMuted', exceptChairs: command.exceptChairs }];
    }
    case 'mic.set': {
      requireLive(state);
      if (command.target !== 'chairs') {
        requireInvited(state, command.target);
      }

      return [{ type: 'MicChanged', target: command.target, open: command.open }];
    }
    case 'scan.set': {
      requireLive(state);
      command.pointIds.forEach((id) => requireInvited(state, id));
      if (command.pointIds.length > 0 && (command.intervalSec < 3 || command.intervalSec > 600)) {
        throw DomainError.validation('Chu kỳ quét phải từ 3 đến 600 giây (scan interval out of range)');
      }

      return [{ type: 'ScanChanged', pointIds: command.pointIds, intervalSec: command.intervalSec }];
    }
    case 'audit.record': {
      return [{ type: 'AuditRecorded', action: command.action, detail: command.detail }];
    }
    case 'recording.report': {
      // A repeat of the state it is in is not news.
      if (
        state.recording !== null &&
        state.recording.status === command.status &&
        state.recording.reason === command.reason
      ) {
        return [];
      }

      return [{ type: 'RecordingChanged', status: command.status, reason: command.reason }];
    }
    case 'stream.report': {
      if (state.stream?.status === command.status && state.stream.reason === command.reason) {
        return [];
      }

      return [{ type: 'StreamChanged', status: command.status, reason: command.reason }];
    }
    case 'stream.configure': {
      requireNotEnded(state);

      return configureStream(state, command);
    }
    case 'stream.card': {
      return showStreamCard(state, command.shown);
    }
    case 'alerts.evaluate': {
      return evaluateAlerts(state);
    }
    case 'tick': {
      return dueEvents(state, now);
    }
    case 'document.attach': {
      return attachDocument(state, command);
    }
    case 'document.prepared':
    case 'document.failed': {
      return prepareDocument(state, command);
    }
    case 'document.remove': {
      return removeDocument(state, command);
    }
    case 'slides.show': {
      return showSlides(state, command, command.pointId === undefined);
    }
    case 'screen.start': {
      return shareScreen(state, command, command.pointId === undefined);
    }
    case 'content.stop': {
      return stopContent(state, command, command.pointId === undefined);
    }
    case 'content.keep': {
      return keepContent(state, command);
    }
    default: {
      const unknown: never = command;
      throw new TypeError(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

function endMeeting(state: MeetingState): EventBody[] {
  const events: EventBody[] = [];
  if (state.floor !== null) {
    events.push({ type: 'FloorEnded', pointId: state.floor.pointId, reason: 'meeting_ended' });
  }
  const rollCall = activeRollCall(state);
  if (rollCall !== undefined) {
    events.push({ type: 'RollCallClosed', rollCallId: rollCall.rollCallId, reason: 'meeting_ended' });
  }
  events.push({ type: 'MeetingEnded' });

  return events;
}

/** The meeting's status as people say it, for refusals (the English part keeps the code for operators). */
const STATUS_WORDS: Record<MeetingState['status'], string> = {
  scheduled: 'chưa mở',
  open: 'đã mở, chưa khai mạc',
  in_session: 'đang họp',
  ended: 'đã kết thúc',
};

function requireStatus(state: MeetingState, status: MeetingState['status'], action: string): void {
  if (state.status !== status) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `Không thể ${action} khi hội nghị ${STATUS_WORDS[state.status]} (invalid in state ${state.status})`,
    );
  }
}

/** Server-timed deadlines: the speaking warning and limit, the roll-call deadline and late window. */
function deadlines(state: MeetingState): { at: number; body: EventBody }[] {
  const out: { at: number; body: EventBody }[] = [];
  const floor = state.floor;
  // A turn the parent meeting granted runs on the parent's clock (its warning and end come down the link).
  if (floor !== null && floor.fromParent !== true) {
    const limitAt = floor.grantedAt + floor.limitSec * 1000;
    if (!floor.warned) {
      const warnAt = Math.max(floor.grantedAt, limitAt - state.def.settings.speakingWarningSec * 1000);
      out.push({ at: warnAt, body: { type: 'SpeakingWarned', pointId: floor.pointId } });
    }
    out.push({ at: limitAt, body: { type: 'FloorEnded', pointId: floor.pointId, reason: 'limit' } });
  }
  const rollCall = activeRollCall(state);
  if (rollCall !== undefined) {
    if (!rollCall.deadlinePassed) {
      out.push({ at: rollCall.deadlineAt, body: { type: 'RollCallDeadlinePassed', rollCallId: rollCall.rollCallId } });
    }
    out.push({
      at: rollCall.closesAt,
      body: { type: 'RollCallClosed', rollCallId: rollCall.rollCallId, reason: 'window' },
    });
  }
  out.push(...lostPointDeadlines(state));

  return out;
}

/** The events whose time has come at `now`, in deadline order. */
export function dueEvents(state: MeetingState, now: number): EventBody[] {
  if (state.status === 'ended') {
    return [];
  }

  return deadlines(state)
    .filter((d) => d.at <= now)
    .sort((a, b) => a.at - b.at)
    .map((d) => d.body);
}

/** When the runtime should next send `tick`, or `null` when nothing is timed. */
export function nextDeadline(state: MeetingState): number | null {
  if (state.status === 'ended') {
    return null;
  }
  const times = deadlines(state).map((d) => d.at);

  return times.length === 0 ? null : Math.min(...times);
}
