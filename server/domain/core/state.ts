import { NO_STREAM_SETUP } from '../stream/types.js';
import type { MeetingDefinition, MeetingState, RollCall, RollCallOutcome } from './model.js';

/**
 * The meeting state's own helpers, below every rule and fold: the state a meeting starts in, its point records, a
 * point's roll-call outcome, where a request enters the queue.
 */

/** The state right after `MeetingCreated`. */
export function initialState(def: MeetingDefinition): MeetingState {
  const points = pointsOf(def, {});

  return {
    def,
    seq: 0,
    status: 'scheduled',
    openedAt: null,
    startedAt: null,
    endedAt: null,
    agendaIndex: -1,
    speakingLimitSec: def.settings.speakingLimitSec,
    points,
    requests: {},
    queue: [],
    floor: null,
    turns: [],
    rollCalls: [],
    alerts: [],
    mics: { chairsOpen: true, openPoints: [] },
    scan: null,
    record: { summaries: {}, conclusion: null, tasks: [] },
    recording: null,
    stream: null,
    streamSetup: NO_STREAM_SETUP,
    links: {},
    uplink: null,
    documents: [],
    content: null,
  };
}

/** A point record per point of the definition: the ones it had keep theirs, new ones start afresh. */
export function pointsOf(def: MeetingDefinition, had: MeetingState['points']): MeetingState['points'] {
  const points: MeetingState['points'] = {};
  for (const id of [def.hubPointId, ...def.invitedPointIds]) {
    points[id] = had[id] ?? {
      connected: false,
      health: 'stable',
      silent: false,
      healthLog: [],
      presence: [],
      readiness: null,
    };
  }

  return points;
}

/**
 * A point's roll-call outcome. Not confirmed: `noSignal` if the point had joined and is now disconnected (its socket
 * gone, or its link classified disconnected), else
 * `pending` until the deadline and `absent` after it (or once the roll call closes).
 */
export function outcomeOf(state: MeetingState, rollCall: RollCall, pointId: string, closing = false): RollCallOutcome {
  const frozen = rollCall.outcomes?.[pointId];
  if (frozen !== undefined) {
    return frozen;
  }
  const confirmation = rollCall.confirmations[pointId];
  if (confirmation !== undefined) {
    return confirmation.late ? 'late' : 'present';
  }
  const point = state.points[pointId];
  if (point !== undefined && point.presence.length > 0 && (!point.connected || point.health === 'disconnected')) {
    return 'noSignal';
  }

  return closing || rollCall.deadlinePassed ? 'absent' : 'pending';
}

/** Where a new request of this priority goes: after every request of equal or higher priority asked no later. */
export function insertionIndex(state: MeetingState, priority: number, requestedAt: number, skip?: string): number {
  const ids = state.queue.filter((id) => id !== skip);
  const index = ids.findIndex((id) => {
    const other = mustRequest(state, id);

    return other.priority < priority || (other.priority === priority && other.requestedAt > requestedAt);
  });

  return index === -1 ? ids.length : index;
}

export function mustRequest(state: MeetingState, requestId: string) {
  const request = state.requests[requestId];
  if (request === undefined) {
    throw new TypeError(`unknown request ${requestId}`);
  }

  return request;
}
