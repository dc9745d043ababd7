import type { Command } from '../core/commands.js';
import { DomainError } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import { releaseFloor, requestFloor, withdrawFloor } from '../floor/floor.js';
import { requireInSession, requireLive, requireNotEnded } from '../core/guards.js';
import {
  attachChild,
  childLinkLost,
  childPoint,
  configureUplink,
  detachChild,
  parentRollCall,
  requireUplink,
  uplinkState,
} from './linking.js';
import type { MeetingState } from '../core/model.js';
import { confirmFromChild } from '../rollCall/rollCall.js';

export type LinkCommand = Extract<
  Command,
  { type: `link.${string}` | `uplink.${string}` | 'floor.forward' | 'hall.confirm' }
>;

const LINK_COMMAND_TYPES: ReadonlySet<string> = new Set([
  'link.attach',
  'link.lost',
  'link.detach',
  'link.presence',
  'link.confirm',
  'link.floorRequest',
  'link.floorWithdraw',
  'link.release',
  'uplink.configure',
  'uplink.state',
  'uplink.remove',
  'uplink.relay',
  'uplink.slides',
  'uplink.screen',
  'floor.forward',
  'uplink.rollCall',
  'uplink.rollCallClosed',
  'uplink.turn',
  'uplink.turnWarned',
  'uplink.turnEnded',
  'uplink.denied',
  'uplink.queue',
  'hall.confirm',
]);

export function isLinkCommand(command: Command): command is LinkCommand {
  return LINK_COMMAND_TYPES.has(command.type);
}

/** Decisions of linked meetings, on both sides of a link (see linking.ts for the rules they rest on). */
export function decideLink(state: MeetingState, command: LinkCommand, now: number): EventBody[] {
  switch (command.type) {
    case 'link.attach': {
      return attachChild(state, command);
    }
    case 'link.lost': {
      return childLinkLost(state, command.unitId);
    }
    case 'link.detach': {
      return detachChild(state, command.unitId);
    }
    case 'link.presence': {
      const pointId = childPoint(state, command.unitId, command.pointId);
      if (state.status === 'ended' || state.status === 'scheduled') {
        return [];
      }
      const was = state.points[pointId]?.connected ?? false;
      if (was === command.connected) {
        return [];
      }

      return command.connected
        ? [{ type: 'PointConnected', pointId }]
        : [{ type: 'PointDisconnected', pointId, reason: 'socket' }];
    }
    case 'link.confirm': {
      const pointId = childPoint(state, command.unitId, command.pointId);
      const { rollCallId, headcount, presiding } = command;
      // A resumed link sends its answers again: the same answer is not news.
      const had = state.rollCalls.find((r) => r.rollCallId === rollCallId)?.confirmations[pointId];
      if (
        had !== undefined &&
        had.headcount === headcount &&
        had.presiding.name === presiding.name &&
        had.presiding.title === presiding.title
      ) {
        return [];
      }

      return confirmFromChild(
        state,
        { pointId, rollCallId, headcount, presiding, answeredAt: command.answeredAt },
        now,
      );
    }
    case 'link.floorRequest': {
      const pointId = childPoint(state, command.unitId, command.pointId);
      const { kind, topic, department } = command;

      return requestFloor(state, { type: 'floor.request', pointId, kind, topic, department });
    }
    case 'link.floorWithdraw': {
      const pointId = childPoint(state, command.unitId, command.pointId);

      return withdrawFloor(state, { type: 'floor.withdraw', pointId });
    }
    case 'link.release': {
      // The child's point finished the turn the parent gave it.
      const pointId = childPoint(state, command.unitId, command.pointId);

      return releaseFloor(state, { type: 'floor.release', pointId });
    }
    case 'uplink.configure': {
      return configureUplink(state, command);
    }
    case 'uplink.state': {
      return uplinkState(state, command);
    }
    case 'uplink.remove': {
      return state.uplink === null ? [] : [{ type: 'UplinkRemoved' }];
    }
    case 'uplink.relay': {
      requireNotEnded(state);
      const uplink = requireUplink(state);

      return uplink.relaying === command.relaying ? [] : [{ type: 'RelayChanged', relaying: command.relaying }];
    }
    case 'uplink.slides': {
      const uplink = requireUplink(state);
      const same = JSON.stringify(uplink.parentSlides ?? null) === JSON.stringify(command.slides);

      return same ? [] : [{ type: 'ParentSlidesChanged', slides: command.slides }];
    }
    case 'uplink.screen': {
      const uplink = requireUplink(state);
      const same = JSON.stringify(uplink.parentScreen ?? null) === JSON.stringify(command.screen);

      return same ? [] : [{ type: 'ParentScreenChanged', screen: command.screen }];
    }
    case 'floor.forward': {
      requireLive(state);
      const uplink = requireUplink(state);
      if (uplink.state !== 'linked') {
        throw new DomainError(
          'NOT_LINKED',
          'Đang mất kết nối với hội nghị cấp trên; chưa chuyển được lượt xin phát biểu (the link is down)',
        );
      }
      const request = state.requests[command.requestId];
      if (request === undefined) {
        throw DomainError.requestNotFound(command.requestId);
      }
      if (request.status !== 'queued') {
        throw new DomainError(
          'REQUEST_NOT_QUEUED',
          `Lượt ${command.requestId} không còn chờ (request is ${request.status})`,
        );
      }

      return [{ type: 'FloorForwarded', requestId: request.requestId }];
    }
    case 'uplink.rollCall': {
      return parentRollCall(state, command, now);
    }
    case 'uplink.rollCallClosed': {
      const entry = Object.entries(requireUplink(state).rollCalls).find(([, id]) => id === command.parentRollCallId);
      const rollCall = entry === undefined ? undefined : state.rollCalls.find((r) => r.rollCallId === entry[0]);

      return rollCall === undefined || rollCall.closedAt !== null
        ? []
        : [{ type: 'RollCallClosed', rollCallId: rollCall.rollCallId, reason: 'chair' }];
    }
    case 'uplink.turn': {
      return parentTurn(state, command.pointId, command.limitSec);
    }
    case 'uplink.turnWarned': {
      return state.floor?.fromParent === true && state.floor.pointId === command.pointId && !state.floor.warned
        ? [{ type: 'SpeakingWarned', pointId: command.pointId }]
        : [];
    }
    case 'uplink.turnEnded': {
      return state.floor?.fromParent === true && state.floor.pointId === command.pointId
        ? [{ type: 'FloorEnded', pointId: command.pointId, reason: command.reason }]
        : [];
    }
    case 'uplink.denied': {
      const request = forwardedRequestOf(state, command.pointId);

      return request === undefined ? [] : [{ type: 'FloorDenied', requestId: request, reason: command.reason }];
    }
    case 'uplink.queue': {
      const uplink = state.uplink;
      const same = JSON.stringify(uplink?.parentQueue ?? {}) === JSON.stringify(command.positions);

      return uplink === null || same ? [] : [{ type: 'ParentQueueChanged', positions: command.positions }];
    }
    case 'hall.confirm': {
      // The hall answers the parent's roll call through its chair.
      const rollCall = [...state.rollCalls]
        .reverse()
        .find((r) => r.closedAt === null && r.parentRollCallId !== undefined);
      if (rollCall === undefined) {
        throw new DomainError(
          'ROLL_CALL_NOT_FOUND',
          'Không có đợt điểm danh của hội nghị cấp trên đang mở (no open roll call of the parent meeting)',
        );
      }
      const { headcount, presiding } = command;

      return [
        {
          type: 'RollCallConfirmed',
          rollCallId: rollCall.rollCallId,
          pointId: state.def.hubPointId,
          headcount,
          presiding,
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new TypeError(`unknown link command ${(unknown as { type: string }).type}`);
    }
  }
}

/**
 * The parent granted the floor to a point of this meeting (or to its hall): the turn runs here on the parent's
 * clock. A local turn in progress gives way; local grants wait until the parent's turn ends.
 */
function parentTurn(state: MeetingState, pointId: string, limitSec: number): EventBody[] {
  requireInSession(state);
  requireUplink(state);
  if (pointId !== state.def.hubPointId && state.points[pointId] === undefined) {
    throw new DomainError('POINT_NOT_FOUND', `Không có điểm cầu ${pointId} (no such point)`);
  }
  if (state.floor?.fromParent === true && state.floor.pointId === pointId) {
    return [];
  }
  const events: EventBody[] = [];
  if (state.floor !== null) {
    events.push({ type: 'FloorEnded', pointId: state.floor.pointId, reason: 'next' });
  }
  const requestId = forwardedRequestOf(state, pointId) ?? null;
  events.push({ type: 'FloorGranted', pointId, requestId, limitSec, fromParent: true });

  return events;
}

/** The request of a point that waits in the parent's queue, if any. */
function forwardedRequestOf(state: MeetingState, pointId: string): string | undefined {
  return Object.values(state.requests).findLast((r) => r.pointId === pointId && r.status === 'forwarded')?.requestId;
}
