import {
  attendanceTotals,
  meetingRollCall,
  type AttendanceCounts,
  type AttendanceRow,
} from '../domain/rollCall/attendance.js';
import { DirectoryIndex } from '../domain/directory/directory.js';
import type { MeetingState, RollCallOutcome } from '../domain/core/model.js';
import { formatDate, formatDateTime, formatTime } from '../format.js';
import { sayIn, type Lang, type Words } from './words.js';

/**
 * A cell of the attendance record: text, a count, a duration in minutes (h:mm), or a share in percent (one decimal).
 * CSV and XLSX each write these their own way (a duration is a real time value in Excel).
 */
export type Cell = string | number | { minutes: number } | { percent: number } | null;

/** A line of the detail table: a unit's heading, a point, a unit's totals (Cộng) or the meeting's (Tổng). */
export interface DetailLine {
  kind: 'unit' | 'point' | 'subtotal' | 'total';
  cells: Cell[];
}

/** Everything the attendance record (danh sách tham dự) says, in one language; rendered as CSV or XLSX. */
export interface AttendanceTable {
  title: string;
  /** "Ngày họp: 28/09/2021", "Thời gian: …", chairs, hub, invited points, roll call, when drawn. */
  heading: string[];
  summaryCaption: string;
  summaryHeaders: string[];
  /** One row per unit, then the meeting's "Tổng". */
  summary: Cell[][];
  detailCaption: string;
  detailHeaders: string[];
  detail: DetailLine[];
}

const OUTCOME: Record<RollCallOutcome, Words> = {
  present: ['Có mặt', 'Present'],
  late: ['Đến muộn', 'Late'],
  absent: ['Vắng', 'Absent'],
  noSignal: ['Mất tín hiệu', 'No signal'],
  pending: ['Chưa xác nhận', 'Not confirmed'],
};

const DETAIL_HEADERS: Words[] = [
  ['STT', 'No.'],
  ['Đơn vị', 'Unit'],
  ['Điểm cầu', 'Bridge point'],
  ['Mã điểm cầu', 'Point code'],
  ['Điểm danh', 'Roll call'],
  ['Giờ xác nhận', 'Confirmed at'],
  ['Số đại biểu', 'Headcount'],
  ['Người chủ trì tại điểm cầu', 'Presiding official'],
  ['Chức vụ', 'Title'],
  ['Thời gian tham dự', 'Attendance intervals'],
  ['Thời gian có mặt (giờ:phút)', 'Time present (h:mm)'],
  ['Tỷ lệ có mặt (%)', 'Share present (%)'],
  ['Số lần mất tín hiệu', 'Outages'],
  ['Thời gian mất tín hiệu (giây)', 'Outage seconds'],
  ['Thời gian chập chờn (giây)', 'Unstable seconds'],
  ['Kỹ thuật viên', 'Technician'],
  ['Điện thoại kỹ thuật viên', 'Technician phone'],
];

/** `08:05`: the record's times are to the minute. */
const clock = (at: number): string => formatTime(at).slice(0, 5);

/**
 * The attendance record of a meeting at `now`: a heading a clerk can file, totals per unit and for the meeting, and
 * every point under its unit (district points under their own district) with its roll-call outcome, the people it
 * reported, when it was there (closed intervals; the open one ends at the meeting's end) and its outages.
 */
export function attendanceTable(
  state: MeetingState,
  rows: AttendanceRow[],
  now: number,
  lang: Lang = 'vi',
): AttendanceTable {
  const say = sayIn(lang);
  const ended = state.status === 'ended';
  const until = ended ? (state.endedAt ?? now) : now;
  const sessionMinutes = state.startedAt === null ? null : Math.max(0, until - state.startedAt) / 60_000;
  const totals = attendanceTotals(rows);
  const showPending = totals.total.pending > 0;
  const outcomes: RollCallOutcome[] = [
    'present',
    'late',
    'absent',
    'noSignal',
    ...(showPending ? ['pending' as const] : []),
  ];
  const countWords = (counts: AttendanceCounts): string =>
    outcomes.map((outcome) => `${say(OUTCOME[outcome])} ${counts[outcome]}`).join('; ');

  const intervalsText = (row: AttendanceRow): string =>
    row.intervals.length === 0
      ? say(['Không tham dự', 'Did not attend'])
      : row.intervals
          .map((i) => {
            const end = i.to ?? (ended ? until : null);

            return `${clock(i.from)}–${end === null ? say(['(đang dự)', '(present)']) : clock(end)}`;
          })
          .join('; ');

  const pointCells = (row: AttendanceRow, n: number): Cell[] => [
    n,
    row.unitPath.at(-1) ?? row.groupUnitName,
    row.pointName,
    row.pointId,
    say(OUTCOME[row.outcome]),
    row.confirmedAt === null ? '' : clock(row.confirmedAt),
    row.headcount,
    row.presiding?.name ?? '',
    row.presiding?.title ?? '',
    intervalsText(row),
    { minutes: row.minutesPresent },
    sessionMinutes === null || sessionMinutes === 0
      ? null
      : { percent: Math.min(100, (row.minutesPresent / sessionMinutes) * 100) },
    row.intervals.reduce((sum, i) => sum + i.outages.length, 0),
    row.outageSeconds,
    row.unstableSeconds,
    row.technician?.name ?? '',
    row.technician?.phone ?? '',
  ];

  const sumCells = (label: string, counts: AttendanceCounts, rowsOf: AttendanceRow[]): Cell[] => [
    null,
    label,
    `${counts.points} ${say(['điểm cầu', 'points'])}`,
    null,
    countWords(counts),
    null,
    counts.headcount,
    null,
    null,
    null,
    null,
    null,
    counts.outages,
    rowsOf.reduce((sum, row) => sum + row.outageSeconds, 0),
    rowsOf.reduce((sum, row) => sum + row.unstableSeconds, 0),
    null,
    null,
  ];

  const detail: DetailLine[] = [];
  let n = 0;
  for (const group of totals.byUnit) {
    const members = rows.filter((row) => row.groupUnitId === group.unitId);
    detail.push({ kind: 'unit', cells: [group.name] });
    for (const row of members) {
      n += 1;
      detail.push({ kind: 'point', cells: pointCells(row, n) });
    }
    detail.push({
      kind: 'subtotal',
      cells: sumCells(`${say(['Cộng', 'Subtotal'])}: ${group.name}`, group.counts, members),
    });
  }
  detail.push({ kind: 'total', cells: sumCells(say(['Tổng', 'Total']), totals.total, rows) });

  const summaryRow = (name: string, counts: AttendanceCounts): Cell[] => [
    name,
    counts.points,
    ...outcomes.map((outcome) => counts[outcome]),
    counts.headcount,
    counts.outages,
  ];

  return {
    title: state.def.title,
    heading: headingLines(state, now, until, say),
    summaryCaption: say(['TỔNG HỢP THEO ĐƠN VỊ', 'TOTALS BY UNIT']),
    summaryHeaders: [
      say(['Đơn vị', 'Unit']),
      say(['Số điểm cầu', 'Points']),
      ...outcomes.map((outcome) => say(OUTCOME[outcome])),
      say(['Số đại biểu', 'Headcount']),
      say(['Số lần mất tín hiệu', 'Outages']),
    ],
    summary: [
      ...totals.byUnit.map((group) => summaryRow(group.name, group.counts)),
      summaryRow(say(['Tổng', 'Total']), totals.total),
    ],
    detailCaption: say(['CHI TIẾT TỪNG ĐIỂM CẦU', 'EACH BRIDGE POINT']),
    detailHeaders: DETAIL_HEADERS.map(say),
    detail,
  };
}

function headingLines(state: MeetingState, now: number, until: number, say: (words: Words) => string): string[] {
  const index = new DirectoryIndex(state.def);
  const hub = index.points.get(state.def.hubPointId)?.name ?? state.def.hubPointId;
  const start = state.startedAt ?? state.def.scheduledStart;
  const time =
    state.startedAt === null
      ? say([`dự kiến ${clock(start)} (chưa khai mạc)`, `scheduled ${clock(start)} (not started)`])
      : state.status === 'ended'
        ? say([`từ ${clock(state.startedAt)} đến ${clock(until)}`, `from ${clock(state.startedAt)} to ${clock(until)}`])
        : say([`từ ${clock(state.startedAt)} (đang họp)`, `from ${clock(state.startedAt)} (in progress)`]);
  const chairs = state.def.chairs
    .map(
      (c) =>
        `${c.role === 'chair' ? say(['Chủ trì', 'Chair']) : say(['Đồng chủ trì', 'Co-chair'])}: ${c.name}, ${c.title}`,
    )
    .join('; ');
  const rollCall = meetingRollCall(state);
  const rollCallText =
    rollCall === null
      ? say([
          'không tổ chức; kết quả theo thời điểm điểm cầu vào họp',
          'none held; outcomes from when each point joined',
        ])
      : `${say(['lúc', 'at'])} ${clock(rollCall.first.startedAt)}` +
        (rollCall.latest === rollCall.first
          ? ''
          : say([
              `, điểm danh lại lúc ${clock(rollCall.latest.startedAt)}`,
              `, re-run at ${clock(rollCall.latest.startedAt)}`,
            ]));

  return [
    `${say(['Ngày họp', 'Date'])}: ${formatDate(start)}`,
    `${say(['Thời gian', 'Time'])}: ${time}`,
    chairs === '' ? null : chairs,
    `${say(['Điểm cầu chính', 'Hub'])}: ${hub}`,
    `${say(['Số điểm cầu được mời', 'Points invited'])}: ${state.def.invitedPointIds.length}`,
    `${say(['Điểm danh', 'Roll call'])}: ${rollCallText}`,
    `${say(['Lập lúc', 'Drawn up at'])}: ${formatDateTime(now)}`,
  ].filter((line): line is string => line !== null);
}
