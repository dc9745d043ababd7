import { contentViewOf } from './contentView.js';
import type { DirectoryIndex } from '../domain/directory/directory.js';
import type { Actor, MeetingState, RollCall } from '../domain/core/model.js';
import { assigneeOf, turnLog } from '../domain/record/record.js';
import { tallyRollCall } from '../domain/rollCall/rollCall.js';
import { linkViews, pointLabel } from './linkViews.js';
import { deviceGapOf } from '../domain/health/devices.js';
import { unreachablePoints } from '../domain/linking/linking.js';
import { tallyByChild } from '../domain/linking/rollUp.js';
import type { z } from 'zod';
import type { FloorView, MeetingStatusView, RollCallView, Snapshot, recordView } from '../protocol/messages.js';

type RecordView = z.infer<typeof recordView>;

/** Builds the wire views of a meeting's state (server/protocol/messages.ts) for staff and for points. */

export const isStaff = (role: Actor['role']): boolean => role !== 'point';

export function statusView(state: MeetingState): MeetingStatusView {
  const { seq, status, agendaIndex, openedAt, startedAt, endedAt, recording, stream } = state;

  return {
    seq,
    status,
    agendaIndex,
    openedAt,
    startedAt,
    endedAt,
    recording,
    stream,
    streamCard: state.streamSetup.card,
    ...linkViews(state),
  };
}

export function floorView(state: MeetingState, index: DirectoryIndex): FloorView {
  const name = (pointId: string) => pointLabel(state, index, pointId);
  const floor = state.floor;
  const request = floor?.requestId == null ? undefined : state.requests[floor.requestId];
  const lastTurn = state.turns.at(-1);

  return {
    seq: state.seq,
    holder:
      floor === null
        ? null
        : {
            pointId: floor.pointId,
            pointName: name(floor.pointId),
            requestId: floor.requestId,
            kind: request?.kind ?? null,
            topic: request?.topic ?? null,
            grantedAt: floor.grantedAt,
            endsAt: floor.grantedAt + floor.limitSec * 1000,
            warned: floor.warned,
            deviceGap: deviceGapOf(state.points[floor.pointId]?.readiness),
          },
    queue: state.queue.map((requestId) => {
      const r = state.requests[requestId];
      if (r === undefined) {
        throw new TypeError(`queue holds unknown request ${requestId}`);
      }

      return {
        requestId,
        pointId: r.pointId,
        pointName: name(r.pointId),
        kind: r.kind,
        topic: r.topic,
        department: r.department,
        priority: r.priority,
        requestedAt: r.requestedAt,
        toParent: r.toParent === true,
      };
    }),
    forwarded: forwardedRequests(state),
    speakingLimitSec: state.speakingLimitSec,
    lastTurn:
      lastTurn === undefined ? null : { pointId: lastTurn.pointId, reason: lastTurn.reason, endedAt: lastTurn.endedAt },
  };
}

/** Requests this meeting sent up to its parent and the parent has not served yet, with their place there. */
function forwardedRequests(state: MeetingState): FloorView['forwarded'] {
  if (state.uplink === null) {
    return [];
  }
  const positions = state.uplink.parentQueue ?? {};

  return Object.values(state.requests)
    .filter((r) => r.status === 'forwarded')
    .map((r) => ({ requestId: r.requestId, pointId: r.pointId, parentPosition: positions[r.pointId] ?? null }));
}

function rollCallBase(state: MeetingState, rollCall: RollCall): RollCallView {
  const { rollCallId, unitId, rerunOf, startedAt, deadlineAt, closesAt, closedAt } = rollCall;

  const fromParent = rollCall.parentRollCallId !== undefined;

  return { seq: state.seq, rollCallId, unitId, rerunOf, fromParent, startedAt, deadlineAt, closesAt, closedAt };
}

/**
 * The staff view: live tally grouped by parent unit, and points' outcomes — all of them, or only `changed` ones
 * (a partial update after confirmations).
 */
export function rollCallStaffView(
  state: MeetingState,
  rollCall: RollCall,
  index: DirectoryIndex,
  changed?: Iterable<string>,
): RollCallView {
  const tally = tallyRollCall(state, rollCall, index);
  const { totals, byUnit, outcomes } = tally;
  const byChild = Object.keys(state.links).length === 0 ? undefined : tallyByChild(state, rollCall, tally);
  if (changed === undefined) {
    return {
      ...rollCallBase(state, rollCall),
      totals,
      byUnit,
      ...(byChild ? { byChild } : {}),
      outcomes,
      partial: false,
    };
  }
  const subset: typeof outcomes = {};
  for (const pointId of changed) {
    const outcome = outcomes[pointId];
    if (outcome !== undefined) {
      subset[pointId] = outcome;
    }
  }

  return {
    ...rollCallBase(state, rollCall),
    totals,
    byUnit,
    ...(byChild ? { byChild } : {}),
    outcomes: subset,
    partial: true,
  };
}

/**
 * A point's view: whether it is asked and its own confirmation. `scopeBroadcast` builds the one view sent to every
 * point in the roll call's scope (all asked, none confirmed yet as far as the broadcast says).
 */
export function rollCallPointView(
  state: MeetingState,
  rollCall: RollCall,
  pointId: string | null,
  scopeBroadcast = false,
): RollCallView {
  const confirmation = pointId === null ? undefined : rollCall.confirmations[pointId];

  return {
    ...rollCallBase(state, rollCall),
    asked: scopeBroadcast || (pointId !== null && rollCall.pointIds.includes(pointId)),
    // A scope broadcast leaves `confirmation` out: each point keeps what its own confirmation told it.
    ...(scopeBroadcast
      ? {}
      : {
          confirmation:
            confirmation === undefined
              ? null
              : { headcount: confirmation.headcount, presiding: confirmation.presiding, late: confirmation.late },
          // A room that came after the roll call closed is not told it "did not confirm".
          ...(rollCall.closedAt === null || pointId === null
            ? {}
            : {
                presentWhileOpen: connectedDuring(
                  state.points[pointId]?.presence ?? [],
                  rollCall.startedAt,
                  rollCall.closedAt,
                ),
              }),
        }),
  };
}

export function snapshotFor(
  state: MeetingState,
  index: DirectoryIndex,
  actor: Actor,
  now: number,
  telemetryIntervalMs: number,
): Snapshot {
  const def = state.def;
  const pointId = actor.pointId ?? null;
  const staff = isStaff(actor.role);
  const unreachable = staff ? unreachablePoints(state) : new Set<string>();
  const rollCall = state.rollCalls.at(-1) ?? null;
  const hub = index.points.get(def.hubPointId);

  return {
    seq: state.seq,
    serverTime: now,
    you: {
      role: actor.role === 'system' || actor.role === 'admin' ? 'observer' : actor.role,
      pointId,
      pointName: pointId === null ? null : (index.points.get(pointId)?.name ?? null),
    },
    meeting: {
      id: def.id,
      title: def.title,
      kind: def.kind,
      scheduledStart: def.scheduledStart,
      hubPointId: def.hubPointId,
      hubName: hub?.name ?? def.hubPointId,
      chairs: def.chairs,
      agenda: def.agenda,
      invitedCount: def.invitedPointIds.length,
    },
    status: statusView(state),
    telemetryIntervalMs,
    floor: floorView(state, index),
    mics: { chairsOpen: state.mics.chairsOpen, openPoints: state.mics.openPoints, scan: state.scan },
    content: contentViewOf(state, index),
    rollCall:
      rollCall === null
        ? null
        : staff
          ? rollCallStaffView(state, rollCall, index)
          : rollCallPointView(state, rollCall, pointId),
    ...(staff
      ? {
          points: def.invitedPointIds.map((id) => {
            const point = index.points.get(id);
            const runtime = state.points[id];
            const linkLost = unreachable.has(id);

            return {
              pointId: id,
              name: point?.name ?? id,
              unitId: point?.unitCode ?? '',
              level: point?.level ?? '',
              // Behind a lost link a point is not known to be connected (nor to have left).
              connected: !linkLost && (runtime?.connected ?? false),
              linkLost,
              joined: (runtime?.presence.length ?? 0) > 0,
              health: runtime?.health ?? 'stable',
              silent: runtime?.silent ?? false,
              readiness: runtime?.readiness ?? null,
              // A hardware room the coordinator can call ("Gọi điểm cầu").
              ...(point?.sipUri == null ? {} : { sip: true }),
            };
          }),
          units: def.units,
          alerts: state.alerts,
          record: recordViewOf(state, index),
        }
      : {}),
  };
}

export function recordViewOf(state: MeetingState, index: DirectoryIndex): RecordView {
  return {
    seq: state.seq,
    turns: turnLog(state, index),
    conclusion: state.record.conclusion,
    tasks: state.record.tasks.map((task) => ({ ...task, assignee: assigneeOf(task, index) })),
  };
}

/** Whether a presence log has the point connected at any moment of [from, to]. */
function connectedDuring(presence: { at: number; connected: boolean }[], from: number, to: number): boolean {
  let connected = false;
  for (const change of presence) {
    if (change.at > to) {
      break;
    }
    if (change.at >= from && change.connected) {
      return true;
    }
    connected = change.connected;
  }

  return connected;
}
