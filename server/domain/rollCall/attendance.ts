import { DirectoryIndex } from '../directory/directory.js';
import type { Health, MeetingState, RollCall, RollCallOutcome } from '../core/model.js';
import { emptyCounts, rollCallChain, tallyRollCall, type TallyCounts } from './rollCall.js';

export interface Span {
  from: number;
  to: number;
}

export interface AttendanceInterval {
  from: number;
  /** `null` while the point is still in the meeting. */
  to: number | null;
  /** Drops shorter than the grace period, counted inside the interval. */
  outages: { from: number; to: number | null }[];
}

export interface AttendanceRow {
  pointId: string;
  pointName: string;
  /** The unit the row is grouped under (the point's parent unit). */
  groupUnitId: string;
  groupUnitName: string;
  /** Names from the root unit down to the point's own unit. */
  unitPath: string[];
  intervals: AttendanceInterval[];
  /**
   * Never joined (chưa vào), there at the end or now (present), or joined and then gone (lost): a room that never
   * came is not an outage, and a drop is not an absence.
   */
  presence: 'notJoined' | 'present' | 'lost';
  minutesPresent: number;
  /** Socket drops within the grace plus spans the link was classified disconnected, inside the intervals. */
  outageSeconds: number;
  /** Time the link was classified unstable (chập chờn) inside the intervals. */
  unstableSeconds: number;
  /** From the latest roll call the point confirmed. */
  headcount: number | null;
  presiding: { name: string; title: string } | null;
  technician: { name: string; phone: string } | null;
  /**
   * From the meeting's roll call (`meetingRollCall`) when the point was in it; otherwise from when it connected:
   * never (absent), after the roll-call deadline past the session's start (late), or before (present).
   */
  outcome: RollCallOutcome;
  /** When the point confirmed in that roll call (its first confirmation), or null. */
  confirmedAt: number | null;
}

/**
 * The roll call a meeting's attendance reads: its first roll call of every point, with the latest re-run of it (a
 * point found by a re-run came late). `null` when none was held.
 */
export function meetingRollCall(state: MeetingState): { first: RollCall; latest: RollCall } | null {
  const first = state.rollCalls.find((r) => r.unitId === null && r.rerunOf === null);
  if (first === undefined) {
    return null;
  }

  return { first, latest: state.rollCalls.findLast((r) => rollCallChain(state, r)[0] === first) ?? first };
}

/** Per unit and for the meeting: a roll call's counts, with the points invited and their outages. */
export interface AttendanceCounts extends TallyCounts {
  points: number;
  outages: number;
}

export interface AttendanceTotals {
  byUnit: { unitId: string; name: string; counts: AttendanceCounts }[];
  total: AttendanceCounts;
}

/** Sums rows (as `attendance` groups them) per tally unit and for the whole meeting. */
export function attendanceTotals(rows: AttendanceRow[]): AttendanceTotals {
  const empty = (): AttendanceCounts => ({ ...emptyCounts(), points: 0, outages: 0 });
  const total = empty();
  const groups = new Map<string, { unitId: string; name: string; counts: AttendanceCounts }>();
  for (const row of rows) {
    let group = groups.get(row.groupUnitId);
    if (group === undefined) {
      group = { unitId: row.groupUnitId, name: row.groupUnitName, counts: empty() };
      groups.set(row.groupUnitId, group);
    }
    for (const counts of [group.counts, total]) {
      counts.points += 1;
      counts[row.outcome] += 1;
      counts.headcount += row.headcount ?? 0;
      counts.outages += row.intervals.reduce((sum, i) => sum + i.outages.length, 0);
    }
  }

  return { byUnit: [...groups.values()], total };
}

/**
 * Builds a point's join/leave intervals from its presence log. A drop that ends in a reconnect within the grace
 * period is an outage inside the interval; a longer drop ends the interval at the moment of the drop. A drop still
 * within grace at `until` counts as an ongoing outage while the meeting runs, and as a leave once it has ended.
 */
export function intervalsOf(
  presence: { at: number; connected: boolean }[],
  graceMs: number,
  until: number,
  ended: boolean,
): AttendanceInterval[] {
  const intervals: AttendanceInterval[] = [];
  let current: AttendanceInterval | null = null;
  let droppedAt: number | null = null;
  for (const change of presence) {
    if (change.connected) {
      if (current !== null && current.to === null && droppedAt === null) {
        continue;
      }
      if (current !== null && droppedAt !== null && change.at - droppedAt <= graceMs) {
        current.outages.push({ from: droppedAt, to: change.at });
      } else {
        if (current !== null && droppedAt !== null) {
          current.to = droppedAt;
        }
        current = { from: change.at, to: null, outages: [] };
        intervals.push(current);
      }
      droppedAt = null;
    } else if (current !== null && droppedAt === null) {
      droppedAt = change.at;
    }
  }
  if (current !== null) {
    if (droppedAt !== null) {
      if (ended || until - droppedAt > graceMs) {
        current.to = droppedAt;
      } else {
        current.outages.push({ from: droppedAt, to: null });
      }
    } else if (ended) {
      current.to = until;
    }
  }

  return intervals;
}

function presenceOf(intervals: AttendanceInterval[], until: number, ended: boolean): AttendanceRow['presence'] {
  const last = intervals.at(-1);
  if (last === undefined) {
    return 'notJoined';
  }

  return last.to === null || (ended && last.to === until) ? 'present' : 'lost';
}

/** One attendance row per invited point, grouped by parent unit in directory order. */
export function attendance(state: MeetingState, now: number): AttendanceRow[] {
  const index = new DirectoryIndex(state.def);
  const ended = state.status === 'ended';
  const until = ended ? (state.endedAt ?? now) : now;
  const graceMs = state.def.settings.attendanceGraceSec * 1000;
  const rollCall = meetingRollCall(state);
  const tally = rollCall === null ? null : tallyRollCall(state, rollCall.latest, index);
  const chain = rollCall === null ? [] : rollCallChain(state, rollCall.latest);
  const rows = state.def.invitedPointIds.map((pointId): AttendanceRow => {
    const point = index.points.get(pointId);
    const runtime = state.points[pointId];
    const intervals = fromOpening(intervalsOf(runtime?.presence ?? [], graceMs, until, ended), state.openedAt ?? until);
    addLinkOutages(intervals, spansOf(runtime?.healthLog ?? [], 'disconnected', until), until);
    const unstable = clipTo(spansOf(runtime?.healthLog ?? [], 'unstable', until), intervals, until);
    const group = index.groupUnitOf(pointId);
    const confirmation = latestConfirmation(state, pointId);

    return {
      pointId,
      pointName: point?.name ?? pointId,
      groupUnitId: group?.code ?? '',
      groupUnitName: group?.name ?? '',
      unitPath: point === undefined ? [] : index.unitPath(point.unitCode).map((u) => u.name),
      intervals,
      presence: presenceOf(intervals, until, ended),
      minutesPresent: round1(totalMs(intervals.map((i) => ({ from: i.from, to: i.to ?? until }))) / 60_000),
      outageSeconds: Math.round(
        totalMs(intervals.flatMap((i) => i.outages.map((o) => ({ from: o.from, to: o.to ?? until })))) / 1000,
      ),
      unstableSeconds: Math.round(totalMs(unstable) / 1000),
      headcount: confirmation?.headcount ?? null,
      presiding: confirmation?.presiding ?? null,
      technician: point?.technician ?? null,
      outcome: tally?.outcomes[pointId] ?? outcomeByConnection(state, intervals),
      confirmedAt: chain.map((run) => run.confirmations[pointId]?.confirmedAt).find((at) => at !== undefined) ?? null,
    };
  });
  const groupOrder = new Map<string, number>();
  rows.forEach((row) => groupOrder.set(row.groupUnitId, groupOrder.get(row.groupUnitId) ?? groupOrder.size));

  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => (groupOrder.get(a.row.groupUnitId) ?? 0) - (groupOrder.get(b.row.groupUnitId) ?? 0) || a.i - b.i)
    .map(({ row }) => row);
}

/**
 * The waiting room is not the meeting: a room that joined early for its technical check is present from the moment
 * the meeting opened, not from its arrival.
 */
function fromOpening(intervals: AttendanceInterval[], openedAt: number): AttendanceInterval[] {
  return intervals
    .filter((i) => i.to === null || i.to > openedAt)
    .map((i) =>
      i.from >= openedAt
        ? i
        : {
            from: openedAt,
            to: i.to,
            outages: i.outages
              .filter((o) => o.to === null || o.to > openedAt)
              .map((o) => ({ from: Math.max(o.from, openedAt), to: o.to })),
          },
    );
}

/** Without a roll call: there from the session's start (or its roll-call deadline after it), late, or never. */
function outcomeByConnection(state: MeetingState, intervals: AttendanceInterval[]): RollCallOutcome {
  const joined = intervals[0]?.from;
  if (joined === undefined) {
    return 'absent';
  }
  const lateAfter =
    state.startedAt === null
      ? Number.POSITIVE_INFINITY
      : state.startedAt + state.def.settings.rollCallDeadlineSec * 1000;

  return joined > lateAfter ? 'late' : 'present';
}

/** Spans of a health log spent in `health`, the last one running to `until`. */
export function spansOf(log: { at: number; health: Health }[], health: Health, until: number): Span[] {
  const spans: Span[] = [];
  log.forEach((entry, i) => {
    if (entry.health === health) {
      spans.push({ from: entry.at, to: log[i + 1]?.at ?? until });
    }
  });

  return spans;
}

function clipTo(spans: Span[], intervals: AttendanceInterval[], until: number): Span[] {
  return intervals.flatMap((interval) =>
    spans
      .map((s) => ({ from: Math.max(s.from, interval.from), to: Math.min(s.to, interval.to ?? until) }))
      .filter((s) => s.to > s.from),
  );
}

/** A link classified disconnected while the socket stayed up is an outage too; overlapping outages merge. */
function addLinkOutages(intervals: AttendanceInterval[], dead: Span[], until: number): void {
  for (const interval of intervals) {
    const inside = clipTo(dead, [interval], until);
    if (inside.length === 0) {
      continue;
    }
    const all = [
      ...interval.outages.map((o) => ({ from: o.from, to: o.to ?? until, open: o.to === null })),
      ...inside.map((s) => ({ ...s, open: false })),
    ].sort((a, b) => a.from - b.from);
    const merged: { from: number; to: number; open: boolean }[] = [];
    for (const span of all) {
      const last = merged.at(-1);
      if (last !== undefined && span.from <= last.to) {
        last.to = Math.max(last.to, span.to);
        last.open ||= span.open;
      } else {
        merged.push({ ...span });
      }
    }
    interval.outages = merged.map((m) => ({ from: m.from, to: m.open ? null : m.to }));
  }
}

function latestConfirmation(state: MeetingState, pointId: string) {
  for (let i = state.rollCalls.length - 1; i >= 0; i -= 1) {
    const confirmation = state.rollCalls[i]?.confirmations[pointId];
    if (confirmation !== undefined) {
      return confirmation;
    }
  }

  return undefined;
}

function totalMs(spans: Span[]): number {
  return spans.reduce((sum, s) => sum + Math.max(0, s.to - s.from), 0);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
