import type { DirectoryIndex } from '../directory/directory.js';
import { DomainError } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import type { Answer, FloorKind, MeetingState } from '../core/model.js';
import { CONCLUSION_MAX, DEPARTMENT_MAX, SUMMARY_MAX, TASK_TEXT_MAX, type Task, type TaskStatus } from './types.js';
import { normalizeText } from '../core/text.js';

/**
 * The meeting's record kept by the secretary (thư ký): a short summary of each turn at the floor, the chair's
 * conclusion, and the tasks assigned (nhiệm vụ được giao). Pure rules; the minutes and the task register read it.
 */
function requireRecordable(state: MeetingState): void {
  if (state.status === 'scheduled') {
    throw new DomainError('MEETING_NOT_OPEN', 'Hội nghị chưa mở: chưa có gì để ghi (the meeting is not open yet)');
  }
}

function tooLong(path: string, max: number): DomainError {
  return DomainError.validation(`Dài quá ${max} ký tự (longer than ${max} characters)`, [
    { path, message: `Tối đa ${max} ký tự` },
  ]);
}

/** A summary of one turn; an empty text removes it. Also after the meeting: the secretary finishes the record then. */
export function summarizeTurn(state: MeetingState, turn: number, raw: string): EventBody[] {
  requireRecordable(state);
  if (!Number.isInteger(turn) || turn < 0 || turn >= state.turns.length) {
    throw new DomainError('NOT_FOUND', `Không có lượt phát biểu số ${turn + 1} (no such turn)`);
  }
  const text = normalizeText(raw);
  if (text.length > SUMMARY_MAX) {
    throw tooLong('text', SUMMARY_MAX);
  }

  return (state.record.summaries[turn] ?? '') === text ? [] : [{ type: 'TurnSummarized', turn, text }];
}

export function recordConclusion(state: MeetingState, raw: string): EventBody[] {
  requireRecordable(state);
  const text = normalizeText(raw);
  if (text.length > CONCLUSION_MAX) {
    throw tooLong('text', CONCLUSION_MAX);
  }

  return (state.record.conclusion ?? '') === text ? [] : [{ type: 'ConclusionRecorded', text }];
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** `yyyy-mm-dd` that is a real calendar day (29/02 only in leap years). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) {
    return false;
  }
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const days = m === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0);

  return y >= 2000 && d >= 1 && d <= days;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse, in integers). */
function daysFromCivil(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;

  return era * 146_097 + dayOfEra - 719_468;
}

export function assignTask(
  state: MeetingState,
  input: { text: string; unitId?: string | null; department?: string | null; deadline?: string | null },
): EventBody[] {
  requireRecordable(state);
  const text = normalizeText(input.text);
  const department = input.department == null ? null : normalizeText(input.department) || null;
  const unitId = input.unitId ?? null;
  if (text === '') {
    throw DomainError.validation('Chưa ghi nội dung nhiệm vụ (the task has no text)', [
      { path: 'text', message: 'Chưa ghi nội dung nhiệm vụ' },
    ]);
  }
  if (text.length > TASK_TEXT_MAX) {
    throw tooLong('text', TASK_TEXT_MAX);
  }
  if (department !== null && department.length > DEPARTMENT_MAX) {
    throw tooLong('department', DEPARTMENT_MAX);
  }
  if (unitId === null && department === null) {
    throw DomainError.validation('Chưa chọn đơn vị hoặc cơ quan được giao (no assignee)', [
      { path: 'unitId', message: 'Chọn đơn vị hoặc ghi tên cơ quan được giao' },
    ]);
  }
  if (unitId !== null && !state.def.units.some((u) => u.code === unitId)) {
    throw DomainError.validation(`Đơn vị ${unitId} không dự hội nghị này (the unit is not in this meeting)`, [
      { path: 'unitId', message: 'Đơn vị không dự hội nghị này' },
    ]);
  }
  const deadline = input.deadline ?? null;
  if (deadline !== null && !isCalendarDate(deadline)) {
    throw DomainError.validation('Hạn hoàn thành không phải một ngày (not a date)', [
      { path: 'deadline', message: 'Ngày không hợp lệ' },
    ]);
  }
  // A task is given at the meeting: its deadline cannot be a day before the meeting's (a mistyped year, a swapped
  // day and month).
  const meetingDay = hanoiDay(state.startedAt ?? state.def.scheduledStart);
  if (deadline !== null && deadline < meetingDay) {
    throw DomainError.validation(
      `Hạn hoàn thành ${deadlineText(deadline)} trước ngày họp ${deadlineText(meetingDay)} (deadline before the meeting)`,
      [{ path: 'deadline', message: `Hạn hoàn thành phải từ ngày họp ${deadlineText(meetingDay)} trở đi` }],
    );
  }

  return [{ type: 'TaskAssigned', taskId: `t${state.record.tasks.length + 1}`, text, unitId, department, deadline }];
}

export function setTaskStatus(state: MeetingState, taskId: string, status: TaskStatus): EventBody[] {
  const task = state.record.tasks.find((t) => t.taskId === taskId);
  if (task === undefined) {
    throw new DomainError('NOT_FOUND', `Không có nhiệm vụ ${taskId} (no such task)`);
  }

  return task.status === status ? [] : [{ type: 'TaskStatusChanged', taskId, status }];
}

/** A deadline as people write it: dd/mm/yyyy; empty when there is none. */
export const deadlineText = (deadline: string | null): string =>
  deadline === null ? '' : deadline.split('-').reverse().join('/');

/** The calendar day (yyyy-mm-dd) of a moment in Hanoi (UTC+7), in integers (Hinnant's civil-from-days). */
export function hanoiDay(epochMs: number): string {
  const days = Math.floor((epochMs + 7 * 3600_000) / 86_400_000) + 719_468;
  const era = Math.floor(days / 146_097);
  const dayOfEra = days - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const d = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yearOfEra + era * 400 + (m <= 2 ? 1 : 0);

  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** End of the deadline day in Hanoi (UTC+7, no daylight saving), epoch ms. */
export function deadlineEndsAt(deadline: string): number {
  const [y, m, d] = deadline.split('-').map(Number) as [number, number, number];

  return (daysFromCivil(y, m, d) + 1) * 86_400_000 - 7 * 3600_000;
}

/** What a register shows: done, overdue (its day has passed), or still open. */
export function taskState(task: Pick<Task, 'status' | 'deadline'>, now: number): 'open' | 'done' | 'overdue' {
  if (task.status === 'done') {
    return 'done';
  }

  return task.deadline !== null && now >= deadlineEndsAt(task.deadline) ? 'overdue' : 'open';
}

/** One turn at the floor as the record tells it: who, what, when, for how long, the answers and the summary. */
export interface LoggedTurn {
  /** Its index in the meeting's turns (what a summary names). */
  turn: number;
  pointId: string;
  pointName: string;
  kind: FloorKind | null;
  topic: string | null;
  department: string | null;
  grantedAt: number;
  endedAt: number;
  durationSec: number;
  answers: Answer[];
  summary: string | null;
}

/** The speaker log: every finished turn, in order (the secretary's panel, the minutes). */
export function turnLog(state: MeetingState, index: DirectoryIndex): LoggedTurn[] {
  return state.turns.map((turn, i) => {
    const request = turn.requestId === null ? undefined : state.requests[turn.requestId];

    return {
      turn: i,
      pointId: turn.pointId,
      pointName: index.points.get(turn.pointId)?.name ?? turn.pointId,
      kind: request?.kind ?? null,
      topic: request?.topic ?? null,
      department: request?.department ?? null,
      grantedAt: turn.grantedAt,
      endedAt: turn.endedAt,
      durationSec: Math.max(0, Math.round((turn.endedAt - turn.grantedAt) / 1000)),
      answers: request?.answers ?? [],
      summary: state.record.summaries[i] ?? null,
    };
  });
}

/** Whom a task goes to, in words: the unit's name, the department, or both. */
export function assigneeOf(task: Pick<Task, 'unitId' | 'department'>, index: DirectoryIndex): string {
  const unit = task.unitId === null ? null : (index.units.get(task.unitId)?.name ?? task.unitId);

  return [unit, task.department].filter((part): part is string => part !== null).join('; ');
}
