import { DomainError } from './errors.js';
import type { MeetingState } from './model.js';

/** What a meeting must be for a command to apply (its status, the point invited): shared by every concern's rules. */

export function requireInvited(state: MeetingState, pointId: string): void {
  if (state.points[pointId] === undefined || pointId === state.def.hubPointId) {
    throw new DomainError('NOT_INVITED', `Điểm cầu ${pointId} không được mời (point not invited)`);
  }
}

export function requireNotEnded(state: MeetingState): void {
  if (state.status === 'ended') {
    throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
  }
}

/** Open or in session: points can join, request the floor and answer roll calls. */
export function requireLive(state: MeetingState): void {
  requireNotEnded(state);
  if (state.status === 'scheduled') {
    throw new DomainError('MEETING_NOT_OPEN', 'Hội nghị chưa mở (the meeting is not open yet)');
  }
}

export function requireInSession(state: MeetingState): void {
  requireLive(state);
  if (state.status !== 'in_session') {
    throw new DomainError('MEETING_NOT_IN_SESSION', 'Hội nghị chưa bắt đầu phiên họp (the session has not started)');
  }
}
