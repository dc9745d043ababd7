import { DirectoryIndex } from '../directory/directory.js';
import { DomainError } from '../core/errors.js';
import { QUEUE_EVENTS, type EventBody } from '../core/events.js';
import type { AlertKind, MeetingState } from '../core/model.js';

/**
 * Alert rules (pure): which conditions hold now. The runtime re-evaluates after every event that can change them and
 * the difference with the open alerts becomes AlertRaised / AlertCleared events, so the history is in the log.
 */
interface Condition {
  alertId: string;
  kind: AlertKind;
  pointId: string | null;
  unitId: string | null;
}

const degraded = (state: MeetingState, pointId: string): boolean => {
  const health = state.points[pointId]?.health;

  return health === 'unstable' || health === 'disconnected';
};

/** The alert conditions that hold in this state. */
export function alertConditions(state: MeetingState, index = new DirectoryIndex(state.def)): Condition[] {
  const out: Condition[] = [];
  // The speaker and the next in line: the chair is about to depend on their link. Each is named for what it is.
  const next = state.queue[0] === undefined ? undefined : state.requests[state.queue[0]]?.pointId;
  const speaker = state.floor?.pointId;
  if (speaker !== undefined && degraded(state, speaker)) {
    out.push({ alertId: `speaker_degraded:${speaker}`, kind: 'speaker_degraded', pointId: speaker, unitId: null });
  }
  if (next !== undefined && next !== speaker && degraded(state, next)) {
    out.push({ alertId: `next_degraded:${next}`, kind: 'next_degraded', pointId: next, unitId: null });
  }
  // Many points of one unit unstable at once: likely the unit's upstream link, not each room.
  const byUnit = new Map<string, { total: number; bad: number }>();
  for (const pointId of state.def.invitedPointIds) {
    const unitId = index.groupUnitOf(pointId)?.code;
    if (unitId === undefined) {
      continue;
    }
    const counts = byUnit.get(unitId) ?? { total: 0, bad: 0 };
    counts.total += 1;
    counts.bad += degraded(state, pointId) ? 1 : 0;
    byUnit.set(unitId, counts);
  }
  const { alertUnitShare, alertUnitMinPoints } = state.def.settings;
  for (const [unitId, { total, bad }] of byUnit) {
    if (total >= alertUnitMinPoints && bad > 0 && bad / total > alertUnitShare) {
      out.push({ alertId: `unit_unstable:${unitId}`, kind: 'unit_unstable', pointId: null, unitId });
    }
  }
  const open = openAlertIds(state);
  for (const pointId of state.def.invitedPointIds) {
    const point = state.points[pointId];
    if (point?.silent && point.connected) {
      out.push({ alertId: `point_silent:${pointId}`, kind: 'point_silent', pointId, unitId: null });
    }
    // A lost point's alert is raised by its deadline (lostPointDeadlines) and holds until the point is back.
    if (point !== undefined && !point.connected && open.has(lostAlertId(pointId))) {
      out.push({ alertId: lostAlertId(pointId), kind: 'point_lost', pointId, unitId: null });
    }
  }

  // The recording stopped on its own (a full disk, a dead recorder): the meeting goes on, technicians must know.
  if (state.recording?.status === 'failed') {
    out.push({ alertId: 'recording_stopped', kind: 'recording_stopped', pointId: null, unitId: null });
  }

  return out;
}

const lostAlertId = (pointId: string) => `point_lost:${pointId}`;

function openAlertIds(state: MeetingState): Set<string> {
  return new Set(state.alerts.filter((a) => a.clearedAt === null).map((a) => a.alertId));
}

/**
 * A point that joined and then dropped, and is still away after the attendance grace (a short network blip is not
 * worth an alert), gets a standing alert: when it is due, and what to record. It clears when the point is back.
 */
export function lostPointDeadlines(state: MeetingState): { at: number; body: EventBody }[] {
  const open = openAlertIds(state);
  const graceMs = state.def.settings.attendanceGraceSec * 1000;
  const out: { at: number; body: EventBody }[] = [];
  for (const pointId of state.def.invitedPointIds) {
    const point = state.points[pointId];
    const left = point?.presence.at(-1);
    if (point === undefined || point.connected || left === undefined || open.has(lostAlertId(pointId))) {
      continue;
    }
    out.push({
      at: left.at + graceMs,
      body: { type: 'AlertRaised', alertId: lostAlertId(pointId), kind: 'point_lost', pointId, unitId: null },
    });
  }

  return out;
}

/** Raises what newly holds and clears what no longer does. */
export function evaluateAlerts(state: MeetingState, index?: DirectoryIndex): EventBody[] {
  if (state.status === 'ended') {
    return [];
  }
  const open = new Map(state.alerts.filter((a) => a.clearedAt === null).map((a) => [a.alertId, a]));
  const now = new Map(alertConditions(state, index).map((c) => [c.alertId, c]));
  const events: EventBody[] = [];
  for (const [alertId, condition] of now) {
    if (!open.has(alertId)) {
      events.push({ type: 'AlertRaised', ...condition });
    }
  }
  for (const alertId of open.keys()) {
    if (!now.has(alertId)) {
      events.push({ type: 'AlertCleared', alertId });
    }
  }

  return events;
}

export function acknowledgeAlert(state: MeetingState, alertId: string): EventBody[] {
  const alert = state.alerts.findLast((a) => a.alertId === alertId);
  if (alert === undefined) {
    throw new DomainError('NOT_FOUND', `Không có cảnh báo ${alertId} (no such alert)`);
  }
  if (alert.acknowledgedAt !== null) {
    return [];
  }

  return [{ type: 'AlertAcknowledged', alertId }];
}

/** Events after which alert conditions may have changed. */
export const ALERT_TRIGGERS = new Set<EventBody['type']>([
  'PointLinkChanged',
  'PointConnected',
  'PointDisconnected',
  'RecordingChanged',
  ...QUEUE_EVENTS,
]);
