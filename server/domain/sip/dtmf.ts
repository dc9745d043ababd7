import type { Command } from '../core/commands.js';
import type { MeetingState } from '../core/model.js';
import { queuedRequestOf } from '../floor/floor.js';
import { activeRollCall } from '../rollCall/rollCall.js';

/**
 * What a key pressed on a room system's remote does (the room has no console): "1" confirms presence in an open roll
 * call, "*" asks for the floor, "#" withdraws the request. Pure: the key and the meeting's state give the command to
 * run for the room's point and what the room hears back.
 */
export const DTMF_KEYS = ['1', '*', '#'] as const;

/** The short spoken confirmations a room hears (prompt files of the same names). */
export const SPOKEN = ['confirmed', 'requested', 'withdrawn', 'nothing'] as const;
export type Spoken = (typeof SPOKEN)[number];

export interface DtmfAction {
  command: Command | null;
  spoken: Spoken;
}

/** Who presides is not something a remote can key: the roll call records that the room confirmed from its device. */
export const PRESIDING_BY_DEVICE = { name: 'Xác nhận từ thiết bị hội nghị', title: '' } as const;

export function dtmfAction(state: MeetingState, pointId: string, key: string): DtmfAction {
  const nothing: DtmfAction = { command: null, spoken: 'nothing' };
  if (state.points[pointId] === undefined || state.status === 'ended') {
    return nothing;
  }
  switch (key) {
    case '1': {
      const rollCall = activeRollCall(state);
      if (rollCall === undefined || rollCall.confirmations[pointId] !== undefined) {
        return nothing;
      }

      return {
        command: {
          type: 'rollcall.confirm',
          pointId,
          rollCallId: rollCall.rollCallId,
          headcount: 0,
          presiding: { ...PRESIDING_BY_DEVICE },
        },
        spoken: 'confirmed',
      };
    }
    case '*': {
      if (queuedRequestOf(state, pointId) !== undefined || state.floor?.pointId === pointId) {
        return nothing;
      }

      return { command: { type: 'floor.request', pointId, kind: 'speech', topic: null }, spoken: 'requested' };
    }
    case '#': {
      return queuedRequestOf(state, pointId) !== undefined
        ? { command: { type: 'floor.withdraw', pointId }, spoken: 'withdrawn' }
        : nothing;
    }
    default:
      return nothing;
  }
}
