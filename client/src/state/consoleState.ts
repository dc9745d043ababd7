import type { Health } from '../../../server/domain/core/model.js';
import type { ServerToClientEvents } from '../../../server/protocol/events.js';
import type { ContentView } from '../../../server/protocol/content.js';
import type {
  AlertView,
  FloorView,
  LatestRow,
  MeetingStatusView,
  MicsView,
  PointStatus,
  RollCallView,
  Snapshot,
} from '../../../server/protocol/messages.js';

/** A message the consoles fold into their state: its name and payload, as the server sent them. */
export type ConsoleMessage = {
  [E in keyof ServerToClientEvents]: { name: E; payload: Parameters<ServerToClientEvents[E]>[0] };
}[keyof ServerToClientEvents];

export interface Answer {
  requestId: string;
  pointId: string;
  answeredBy: string;
  text: string;
  at: number;
}

/**
 * What a console knows about its meeting: the snapshot, kept current by the deltas that follow it. Plain data,
 * replaced (never mutated) on each message, so React can compare by reference.
 */
export interface ConsoleState {
  seq: number;
  /** Server clock minus this browser's, measured at the snapshot; countdowns use server time. */
  clockOffsetMs: number;
  you: Snapshot['you'];
  meeting: Snapshot['meeting'];
  status: MeetingStatusView;
  telemetryIntervalMs: number;
  floor: FloorView;
  rollCall: RollCallView | null;
  mics: MicsView;
  /** Staff: invited points in directory order, by id. */
  pointOrder: string[];
  points: Record<string, PointStatus>;
  units: NonNullable<Snapshot['units']>;
  alerts: Record<string, AlertView>;
  /** Staff: the latest link sample of each point that reported. */
  latest: Record<string, LatestRow>;
  /** Point: the request the server told to get ready (next in line), until it is granted or leaves the queue. */
  getReady: string | null;
  /** Point: its own link class, as the server classified its last sample. */
  ownHealth: Health | null;
  answers: Answer[];
  /** Point: the last of its requests the chair did not accept, to tell the room so. */
  denied: { requestId: string; reason: string | null; at: number } | null;
  /** Point: how its own last turn ended (others may have spoken since). */
  ownLastTurn: Snapshot['floor']['lastTurn'];
  /** Staff (mediasoup): the loudest open microphone — a point, or the hub (`pointId: null`) — and since when. */
  activeSpeaker: { pointId: string | null; at: number } | null;
  /** Staff: the secretary's record (speaker log with summaries, conclusion, tasks). */
  record: NonNullable<Snapshot['record']> | null;
  /** What is shown beside the speaker, and the meeting's documents. */
  content: ContentView;
  /** A document the office added while this console was open, to announce, and when it came. */
  documentAdded: { documentId: string; name: string; at: number } | null;
}

export function fromSnapshot(snapshot: Snapshot, localNow: number): ConsoleState {
  const points = snapshot.points ?? [];

  return {
    seq: snapshot.seq,
    clockOffsetMs: snapshot.serverTime - localNow,
    you: snapshot.you,
    meeting: snapshot.meeting,
    status: snapshot.status,
    telemetryIntervalMs: snapshot.telemetryIntervalMs,
    floor: snapshot.floor,
    rollCall: snapshot.rollCall,
    mics: snapshot.mics,
    pointOrder: points.map((p) => p.pointId),
    points: Object.fromEntries(points.map((p) => [p.pointId, p])),
    units: snapshot.units ?? [],
    alerts: Object.fromEntries((snapshot.alerts ?? []).map((a) => [a.alertId, a])),
    latest: {},
    getReady: null,
    ownHealth: null,
    answers: [],
    denied: null,
    ownLastTurn: snapshot.floor.lastTurn?.pointId === snapshot.you.pointId ? snapshot.floor.lastTurn : null,
    activeSpeaker: snapshot.activeSpeaker ?? null,
    record: snapshot.record ?? null,
    content: snapshot.content,
    documentAdded: null,
  };
}

function patchPoint(state: ConsoleState, pointId: string, patch: Partial<PointStatus>): ConsoleState {
  const point = state.points[pointId];

  return point === undefined ? state : { ...state, points: { ...state.points, [pointId]: { ...point, ...patch } } };
}

/** A roll-call update: partial ones add the outcomes that changed; a point keeps its confirmation when left out. */
function mergeRollCall(before: RollCallView | null, next: RollCallView): RollCallView {
  if (before === null || before.rollCallId !== next.rollCallId) {
    return next;
  }
  const outcomes =
    next.partial === true ? { ...before.outcomes, ...next.outcomes } : (next.outcomes ?? before.outcomes);
  const merged: RollCallView = { ...next, partial: false };
  if (outcomes !== undefined) {
    merged.outcomes = outcomes;
  }
  if (next.confirmation === undefined && before.confirmation !== undefined) {
    merged.confirmation = before.confirmation;
  }

  return merged;
}

/** Folds one server message into the state. Unknown or stale points are ignored, never invented. */
export function applyMessage(state: ConsoleState, message: ConsoleMessage): ConsoleState {
  const seq = 'seq' in message.payload ? Math.max(state.seq, message.payload.seq) : state.seq;
  const next = { ...state, seq };
  switch (message.name) {
    case 'meeting:snapshot':
      return fromSnapshot(message.payload, Date.now());
    case 'meeting:changed':
      return { ...next, status: message.payload };
    case 'floor:changed': {
      const floor = message.payload;
      const ready = state.getReady;
      const stillWaiting = ready !== null && floor.queue.some((q) => q.requestId === ready);

      const ownLastTurn = floor.lastTurn?.pointId === state.you.pointId ? floor.lastTurn : state.ownLastTurn;

      return { ...next, floor, getReady: stillWaiting ? ready : null, ownLastTurn };
    }
    case 'floor:getReady':
      return { ...next, getReady: message.payload.requestId };
    case 'floor:warning': {
      const holder = state.floor.holder;
      if (holder === null || holder.pointId !== message.payload.pointId) {
        return next;
      }

      return {
        ...next,
        floor: { ...state.floor, holder: { ...holder, warned: true, endsAt: message.payload.endsAt } },
      };
    }
    case 'floor:answer': {
      const { requestId, pointId, answeredBy, text, at } = message.payload;

      return { ...next, answers: [...state.answers, { requestId, pointId, answeredBy, text, at }] };
    }
    case 'floor:denied': {
      const { requestId, pointId, reason, at } = message.payload;

      return pointId === state.you.pointId ? { ...next, denied: { requestId, reason, at } } : next;
    }
    case 'rollcall:changed':
      return { ...next, rollCall: mergeRollCall(state.rollCall, message.payload) };
    case 'presence:changed':
      return message.payload.points.reduce(
        (s, { pointId, connected }) => patchPoint(s, pointId, { connected, ...(connected ? { joined: true } : {}) }),
        next,
      );
    case 'readiness:changed':
      return message.payload.points.reduce(
        (s, { pointId, camera, microphone, network, at }) =>
          patchPoint(s, pointId, { readiness: { camera, microphone, network, at } }),
        next,
      );
    case 'link:changed': {
      const { pointId, health, silent } = message.payload;
      const patched = patchPoint(next, pointId, { health, silent });
      const row = patched.latest[pointId];

      return row === undefined ? patched : { ...patched, latest: { ...patched.latest, [pointId]: { ...row, health } } };
    }
    case 'alert:changed': {
      const { seq: _seq, ...alert } = message.payload;

      return { ...next, alerts: { ...state.alerts, [alert.alertId]: alert } };
    }
    case 'mics:changed': {
      const { seq: _seq, ...mics } = message.payload;

      return { ...next, mics };
    }
    case 'telemetry:latest': {
      const latest = { ...state.latest };
      for (const row of message.payload.rows) {
        latest[row.pointId] = row;
      }

      return { ...next, latest };
    }
    case 'record:changed':
      return { ...next, record: message.payload };
    case 'content:changed': {
      const added = message.payload.documents.find((d) => d.documentId === message.payload.added);

      return {
        ...next,
        content: message.payload,
        documentAdded:
          added === undefined
            ? state.documentAdded
            : { documentId: added.documentId, name: added.name, at: Date.now() },
      };
    }
    case 'media:activeSpeaker':
      return { ...next, activeSpeaker: { pointId: message.payload.pointId, at: message.payload.at } };
    default:
      // Other media messages belong to the media client.
      return state;
  }
}

/** Whether a role moderates (chair consoles) or watches (technician, observer, secretary). */
export const isChair = (role: string) => role === 'chair' || role === 'cochair';

/** Who keeps the meeting's record: the secretary, or a chair when there is none. */
export const keepsRecord = (role: string) => role === 'secretary' || isChair(role);

/** Server time now, from this browser's clock and the offset measured at the snapshot. */
export const serverNow = (state: Pick<ConsoleState, 'clockOffsetMs'>, localNow = Date.now()) =>
  localNow + state.clockOffsetMs;
