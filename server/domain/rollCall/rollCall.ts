import { outcomeOf } from '../core/state.js';
import type { CommandOf } from '../core/commands.js';
import { DirectoryIndex } from '../directory/directory.js';
import { DomainError } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import type { MeetingState, RollCall, RollCallOutcome } from '../core/model.js';
import { requireInvited, requireLive } from '../core/guards.js';

/** Roll-call (điểm danh) decisions and tallies. */

export const MIN_ROLL_CALL_DEADLINE_SEC = 5;
export const MAX_ROLL_CALL_DEADLINE_SEC = 3600;

export function activeRollCall(state: MeetingState): RollCall | undefined {
  const last = state.rollCalls.at(-1);

  return last !== undefined && last.closedAt === null ? last : undefined;
}

export function startRollCall(state: MeetingState, cmd: CommandOf<'rollcall.start'>, now: number): EventBody[] {
  requireLive(state);
  requireNoActive(state);
  const unitId = cmd.unitId ?? null;
  let pointIds = state.def.invitedPointIds;
  if (unitId !== null) {
    const index = new DirectoryIndex(state.def);
    if (!index.units.has(unitId)) {
      throw new DomainError('UNIT_NOT_FOUND', `Không có đơn vị ${unitId} trong hội nghị (unit not in this meeting)`);
    }
    const inScope = new Set(index.subtreePoints(unitId));
    pointIds = pointIds.filter((id) => inScope.has(id));
  }

  return [started(state, { unitId, rerunOf: null, pointIds }, cmd.deadlineSec, now)];
}

/** A new roll call over the points that were absent or had no signal in a closed one. */
export function rerunRollCall(state: MeetingState, cmd: CommandOf<'rollcall.rerun'>, now: number): EventBody[] {
  requireLive(state);
  requireNoActive(state);
  const previous = findRollCall(state, cmd.rollCallId);
  const pointIds = previous.pointIds.filter((id) => {
    const outcome = previous.outcomes?.[id];

    return outcome === 'absent' || outcome === 'noSignal';
  });
  if (pointIds.length === 0) {
    throw new DomainError('NOTHING_TO_RERUN', 'Mọi điểm cầu đã xác nhận (every point confirmed)');
  }

  return [started(state, { unitId: previous.unitId, rerunOf: previous.rollCallId, pointIds }, cmd.deadlineSec, now)];
}

export function confirmRollCall(state: MeetingState, cmd: CommandOf<'rollcall.confirm'>): EventBody[] {
  requireLive(state);
  requireInvited(state, cmd.pointId);
  const rollCall =
    cmd.rollCallId === undefined
      ? [...state.rollCalls].reverse().find((r) => r.closedAt === null && r.pointIds.includes(cmd.pointId))
      : findRollCall(state, cmd.rollCallId);
  if (rollCall === undefined) {
    throw new DomainError('ROLL_CALL_NOT_FOUND', 'Không có điểm danh đang mở cho điểm cầu này (no open roll call)');
  }
  if (rollCall.closedAt !== null) {
    throw new DomainError('ROLL_CALL_CLOSED', 'Điểm danh đã kết thúc (the roll call is closed)');
  }
  if (!rollCall.pointIds.includes(cmd.pointId)) {
    throw new DomainError('NOT_IN_ROLL_CALL', 'Điểm cầu không thuộc đợt điểm danh này (point not in this roll call)');
  }
  const { pointId, headcount, presiding } = cmd;

  return [{ type: 'RollCallConfirmed', rollCallId: rollCall.rollCallId, pointId, headcount, presiding }];
}

/** How long after a roll call closed an answer given before the close may still arrive from a linked child. */
export const LINKED_ANSWER_GRACE_MS = 120_000;

/**
 * A linked child's answer, judged by when it was given below (`answeredAt`, kept within the roll call's start and
 * its arrival here: a child's clock cannot move it out of that span). One given before the close that arrives after
 * it (the link was slow or down for a moment) still counts, within `LINKED_ANSWER_GRACE_MS`.
 */
export function confirmFromChild(
  state: MeetingState,
  answer: {
    pointId: string;
    rollCallId: string;
    headcount: number;
    presiding: { name: string; title: string };
    answeredAt: number | undefined;
  },
  now: number,
): EventBody[] {
  const { pointId, rollCallId, headcount, presiding } = answer;
  const rollCall = findRollCall(state, rollCallId);
  const answeredAt =
    answer.answeredAt === undefined ? undefined : Math.min(now, Math.max(rollCall.startedAt, answer.answeredAt));
  const inFlight =
    rollCall.closedAt !== null &&
    answeredAt !== undefined &&
    answeredAt <= rollCall.closedAt &&
    now - rollCall.closedAt <= LINKED_ANSWER_GRACE_MS &&
    rollCall.pointIds.includes(pointId);
  if (!inFlight) {
    const events = confirmRollCall(state, { type: 'rollcall.confirm', pointId, rollCallId, headcount, presiding });

    return answeredAt === undefined ? events : events.map((e) => ({ ...e, answeredAt }));
  }
  requireInvited(state, pointId);

  return [{ type: 'RollCallConfirmed', rollCallId, pointId, headcount, presiding, answeredAt }];
}

export function closeRollCall(state: MeetingState, cmd: CommandOf<'rollcall.close'>): EventBody[] {
  const rollCall = cmd.rollCallId === undefined ? activeRollCall(state) : findRollCall(state, cmd.rollCallId);
  if (rollCall === undefined) {
    throw new DomainError('ROLL_CALL_NOT_FOUND', 'Không có điểm danh đang mở (no open roll call)');
  }
  if (rollCall.closedAt !== null) {
    throw new DomainError('ROLL_CALL_CLOSED', 'Điểm danh đã kết thúc (the roll call is closed)');
  }
  // Held on the parent's behalf while linked: the parent closes it (its points would stop answering here while the
  // parent still waits for them). Once unlinked, the chair here may.
  if (rollCall.parentRollCallId !== undefined && state.uplink !== null) {
    throw new DomainError(
      'FORBIDDEN',
      'Đây là điểm danh của hội nghị cấp trên: hội nghị cấp trên kết thúc điểm danh (the parent closes its roll call)',
    );
  }

  return [{ type: 'RollCallClosed', rollCallId: rollCall.rollCallId, reason: 'chair' }];
}

export interface TallyCounts {
  present: number;
  late: number;
  absent: number;
  noSignal: number;
  pending: number;
  /** People the confirming points reported (số đại biểu). */
  headcount: number;
}

export interface RollCallTally {
  rollCallId: string;
  totals: TallyCounts;
  /** Grouped by each point's tally unit (`DirectoryIndex.groupUnitOf`), in directory order. */
  byUnit: { unitId: string; name: string; counts: TallyCounts }[];
  outcomes: Record<string, RollCallOutcome>;
}

/**
 * The runs a roll call's result combines: the first run and its re-runs up to and including this one, in order. A
 * re-run asks only the missing points, so its own tally alone would hide everyone found by the first run.
 */
export function rollCallChain(state: MeetingState, rollCall: RollCall): RollCall[] {
  const chain = [rollCall];
  let current = rollCall;
  while (current.rerunOf !== null && chain.length <= state.rollCalls.length) {
    const previous = state.rollCalls.find((r) => r.rollCallId === current.rerunOf);
    if (previous === undefined) {
      break;
    }
    chain.unshift(previous);
    current = previous;
  }

  return chain;
}

/**
 * Each point's outcome over a chain of runs and the headcount it reported: the first run's outcome, replaced by each
 * re-run that asked the point again (found by a re-run counts as late).
 */
function combinedOutcome(state: MeetingState, chain: RollCall[], asked: Set<string>[], pointId: string) {
  let outcome: RollCallOutcome = 'absent';
  let headcount = 0;
  chain.forEach((run, i) => {
    if (!(asked[i] as Set<string>).has(pointId)) {
      return;
    }
    const own = outcomeOf(state, run, pointId);
    outcome = i > 0 && own === 'present' ? 'late' : own;
    headcount = run.confirmations[pointId]?.headcount ?? 0;
  });

  return { outcome, headcount };
}

/** The live (or, once closed, final) tally of a roll call with the runs before it, grouped by tally unit. */
export function tallyRollCall(
  state: MeetingState,
  rollCall: RollCall,
  index = new DirectoryIndex(state.def),
): RollCallTally {
  const chain = rollCallChain(state, rollCall);
  // Each run's points as a set: a national roll call tallies 3,400 points on every batch of answers.
  const asked = chain.map((run) => new Set(run.pointIds));
  const totals = emptyCounts();
  const groups = new Map<string, { unitId: string; name: string; counts: TallyCounts }>();
  const outcomes: Record<string, RollCallOutcome> = {};
  for (const pointId of (chain[0] as RollCall).pointIds) {
    const { outcome, headcount } = combinedOutcome(state, chain, asked, pointId);
    outcomes[pointId] = outcome;
    const unit = index.groupUnitOf(pointId);
    const key = unit?.code ?? '';
    let group = groups.get(key);
    if (group === undefined) {
      group = { unitId: key, name: unit?.name ?? '', counts: emptyCounts() };
      groups.set(key, group);
    }
    for (const counts of [totals, group.counts]) {
      counts[outcome] += 1;
      counts.headcount += headcount;
    }
  }

  return { rollCallId: rollCall.rollCallId, totals, byUnit: [...groups.values()], outcomes };
}

export function emptyCounts(): TallyCounts {
  return { present: 0, late: 0, absent: 0, noSignal: 0, pending: 0, headcount: 0 };
}

function started(
  state: MeetingState,
  scope: { unitId: string | null; rerunOf: string | null; pointIds: string[] },
  deadlineSec: number | undefined,
  now: number,
): EventBody {
  if (scope.pointIds.length === 0) {
    throw new DomainError('EMPTY_SCOPE', 'Không có điểm cầu nào trong phạm vi điểm danh (no points in scope)');
  }
  const seconds = deadlineSec ?? state.def.settings.rollCallDeadlineSec;
  if (!Number.isInteger(seconds) || seconds < MIN_ROLL_CALL_DEADLINE_SEC || seconds > MAX_ROLL_CALL_DEADLINE_SEC) {
    throw DomainError.validation(
      `Hạn điểm danh phải từ ${MIN_ROLL_CALL_DEADLINE_SEC} đến ${MAX_ROLL_CALL_DEADLINE_SEC} giây (deadline out of range)`,
    );
  }
  const deadlineAt = now + seconds * 1000;

  return {
    type: 'RollCallStarted',
    rollCallId: `rc${state.rollCalls.length + 1}`,
    ...scope,
    deadlineAt,
    closesAt: deadlineAt + state.def.settings.rollCallLateWindowSec * 1000,
  };
}

function requireNoActive(state: MeetingState): void {
  const active = activeRollCall(state);
  if (active !== undefined) {
    throw new DomainError('ROLL_CALL_ACTIVE', `Đợt điểm danh ${active.rollCallId} đang mở (a roll call is open)`);
  }
}

function findRollCall(state: MeetingState, rollCallId: string): RollCall {
  const rollCall = state.rollCalls.find((r) => r.rollCallId === rollCallId);
  if (rollCall === undefined) {
    throw new DomainError('ROLL_CALL_NOT_FOUND', `Không có đợt điểm danh ${rollCallId} (no such roll call)`);
  }

  return rollCall;
}
