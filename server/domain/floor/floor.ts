import { insertionIndex } from '../core/state.js';
import type { CommandOf } from '../core/commands.js';
import { DomainError } from '../core/errors.js';
import { requireInSession, requireInvited, requireLive, requireNotEnded } from '../core/guards.js';
import type { EventBody } from '../core/events.js';
import type { FloorRequest, MeetingState } from '../core/model.js';

/** Floor-control decisions (speaker queue). Each returns the events a command produces, or throws a DomainError. */

export const MIN_SPEAKING_LIMIT_SEC = 30;
export const MAX_SPEAKING_LIMIT_SEC = 3600;

export function requestFloor(state: MeetingState, cmd: CommandOf<'floor.request'>): EventBody[] {
  requireLive(state);
  requireInvited(state, cmd.pointId);
  if (state.floor?.pointId === cmd.pointId) {
    throw new DomainError('ALREADY_SPEAKING', 'Điểm cầu đang phát biểu (this point already holds the floor)');
  }
  if (queuedRequestOf(state, cmd.pointId) !== undefined || forwardedOf(state, cmd.pointId)) {
    throw new DomainError('ALREADY_QUEUED', 'Điểm cầu đã xin phát biểu và đang chờ (this point is already queued)');
  }
  if (cmd.toParent === true && state.uplink?.state !== 'linked') {
    throw new DomainError(
      'NOT_LINKED',
      'Hội nghị không kết nối với hội nghị cấp trên lúc này (not linked to a parent meeting now)',
    );
  }

  return [
    {
      type: 'FloorRequested',
      requestId: `r${state.seq + 1}`,
      pointId: cmd.pointId,
      kind: cmd.kind,
      topic: cmd.topic ?? null,
      department: cmd.department ?? null,
      priority: 0,
      ...(cmd.toParent === true ? { toParent: true } : {}),
    },
  ];
}

/** Whether a point's request waits in the parent meeting's queue. */
function forwardedOf(state: MeetingState, pointId: string): boolean {
  return Object.values(state.requests).some((r) => r.pointId === pointId && r.status === 'forwarded');
}

export function withdrawFloor(state: MeetingState, cmd: CommandOf<'floor.withdraw'>): EventBody[] {
  const request = cmd.requestId === undefined ? queuedRequestOf(state, cmd.pointId) : queued(state, cmd.requestId);
  if (request === undefined) {
    throw new DomainError('REQUEST_NOT_QUEUED', 'Điểm cầu không có lượt chờ phát biểu (nothing to withdraw)');
  }
  if (request.pointId !== cmd.pointId) {
    throw DomainError.notYourPoint();
  }

  return [{ type: 'FloorWithdrawn', requestId: request.requestId }];
}

export function releaseFloor(state: MeetingState, cmd: CommandOf<'floor.release'>): EventBody[] {
  if (state.floor?.pointId !== cmd.pointId) {
    throw new DomainError('FLOOR_NOT_HELD', 'Điểm cầu không giữ quyền phát biểu (this point does not hold the floor)');
  }

  return [{ type: 'FloorEnded', pointId: cmd.pointId, reason: 'released' }];
}

export function grantFloor(state: MeetingState, cmd: CommandOf<'floor.grant'>): EventBody[] {
  requireInSession(state);
  if (state.floor !== null) {
    throw DomainError.floorBusy(state.floor.pointId);
  }
  const limitSec = speakingLimit(state, cmd.limitSec);
  if (cmd.requestId !== undefined) {
    const request = queued(state, cmd.requestId);
    if (cmd.pointId !== undefined && cmd.pointId !== request.pointId) {
      throw DomainError.validation('requestId và pointId không khớp (requestId and pointId disagree)');
    }

    return [{ type: 'FloorGranted', pointId: request.pointId, requestId: request.requestId, limitSec }];
  }
  if (cmd.pointId === undefined) {
    throw DomainError.validation('Cần requestId hoặc pointId (give a requestId or a pointId)');
  }
  requireInvited(state, cmd.pointId);
  // The chair may call on a point that never asked; if it did ask, its request is the one served.
  const request = queuedRequestOf(state, cmd.pointId);

  return [{ type: 'FloorGranted', pointId: cmd.pointId, requestId: request?.requestId ?? null, limitSec }];
}

/**
 * The request the chair's "next" serves: the first in the queue asking to speak here. A request to speak to the parent
 * meeting waits for the chair to forward (or decline) it; "next" passes over it.
 */
export function nextLocalRequest(state: MeetingState): string | undefined {
  return state.queue.find((requestId) => state.requests[requestId]?.toParent !== true);
}

export function nextSpeaker(state: MeetingState, cmd: CommandOf<'floor.next'>): EventBody[] {
  requireInSession(state);
  const events: EventBody[] = [];
  if (state.floor !== null) {
    events.push({ type: 'FloorEnded', pointId: state.floor.pointId, reason: 'next' });
  }
  const head = nextLocalRequest(state);
  if (head === undefined) {
    if (events.length === 0) {
      throw new DomainError('QUEUE_EMPTY', 'Không còn điểm cầu chờ phát biểu (the queue is empty)');
    }

    return events;
  }
  const request = queued(state, head);
  events.push({
    type: 'FloorGranted',
    pointId: request.pointId,
    requestId: request.requestId,
    limitSec: speakingLimit(state, cmd.limitSec),
  });

  return events;
}

export function revokeFloor(state: MeetingState): EventBody[] {
  if (state.floor === null) {
    throw new DomainError('FLOOR_NOT_HELD', 'Không có ai đang phát biểu (nobody holds the floor)');
  }

  return [{ type: 'FloorEnded', pointId: state.floor.pointId, reason: 'revoked' }];
}

export function denyFloor(state: MeetingState, cmd: CommandOf<'floor.deny'>): EventBody[] {
  queued(state, cmd.requestId);

  return [{ type: 'FloorDenied', requestId: cmd.requestId, reason: cmd.reason ?? null }];
}

export function reorderFloor(state: MeetingState, cmd: CommandOf<'floor.reorder'>): EventBody[] {
  queued(state, cmd.requestId);
  requirePosition(state, cmd.position);

  return [{ type: 'FloorReordered', requestId: cmd.requestId, position: cmd.position }];
}

export function setPriority(state: MeetingState, cmd: CommandOf<'floor.setPriority'>): EventBody[] {
  const request = queued(state, cmd.requestId);
  const position = insertionIndex(state, cmd.priority, request.requestedAt, request.requestId) + 1;

  return [{ type: 'FloorPriorityChanged', requestId: request.requestId, priority: cmd.priority, position }];
}

export function setSpeakingLimit(state: MeetingState, cmd: CommandOf<'floor.setLimit'>): EventBody[] {
  requireNotEnded(state);

  return [{ type: 'SpeakingLimitChanged', limitSec: speakingLimit(state, cmd.limitSec) }];
}

export function attachAnswer(state: MeetingState, cmd: CommandOf<'floor.answer'>): EventBody[] {
  requireNotEnded(state);
  const request = state.requests[cmd.requestId];
  if (request === undefined) {
    throw DomainError.requestNotFound(cmd.requestId);
  }
  if (request.kind !== 'petition') {
    throw new DomainError('NOT_A_PETITION', 'Chỉ kiến nghị mới có giải đáp (answers attach to petitions only)');
  }

  return [{ type: 'AnswerAttached', requestId: request.requestId, answeredBy: cmd.answeredBy, text: cmd.text }];
}

/** The queued request of a point, if any (a point has at most one). */
export function queuedRequestOf(state: MeetingState, pointId: string): FloorRequest | undefined {
  for (const id of state.queue) {
    const request = state.requests[id];
    if (request?.pointId === pointId) {
      return request;
    }
  }

  return undefined;
}

function queued(state: MeetingState, requestId: string): FloorRequest {
  const request = state.requests[requestId];
  if (request === undefined) {
    throw DomainError.requestNotFound(requestId);
  }
  if (request.status !== 'queued') {
    throw new DomainError('REQUEST_NOT_QUEUED', `Lượt ${requestId} không còn chờ (request is ${request.status})`);
  }

  return request;
}

function requirePosition(state: MeetingState, position: number): void {
  if (!Number.isInteger(position) || position < 1 || position > state.queue.length) {
    throw new DomainError(
      'INVALID_POSITION',
      `Vị trí phải từ 1 đến ${state.queue.length} (position must be 1..${state.queue.length})`,
    );
  }
}

function speakingLimit(state: MeetingState, limitSec: number | undefined): number {
  const value = limitSec ?? state.speakingLimitSec;
  if (!Number.isInteger(value) || value < MIN_SPEAKING_LIMIT_SEC || value > MAX_SPEAKING_LIMIT_SEC) {
    throw DomainError.validation(
      `Thời gian phát biểu phải từ ${MIN_SPEAKING_LIMIT_SEC} đến ${MAX_SPEAKING_LIMIT_SEC} giây (speaking limit out of range)`,
    );
  }

  return value;
}
