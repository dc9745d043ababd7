import ExcelJS from 'exceljs';
import type { AttendanceRow } from '../domain/attendance.js';
import type { MeetingState } from '../domain/model.js';
import { formatDate, formatDateTime, formatTime } from '../format.js';
import { AUDIT_HEADERS, auditCells, type AuditRow } from './auditTrail.js';

export type Lang = 'vi' | 'en';

const HEADERS: Record<Lang, string[]> = {
  vi: [
    'STT',
    'Đơn vị',
    'Mã điểm cầu',
    'Điểm cầu',
    'Tình trạng',
    'Thời gian tham dự',
    'Số phút có mặt',
    'Số lần mất tín hiệu',
    'Thời gian mất tín hiệu (giây)',
    'Thời gian chập chờn (giây)',
    'Số đại biểu dự',
    'Người chủ trì tại điểm cầu',
    'Chức vụ',
    'Kỹ thuật viên',
    'Điện thoại kỹ thuật viên',
  ],
  en: [
    'No.',
    'Unit',
    'Point code',
    'Bridge point',
    'Status',
    'Attendance intervals',
    'Minutes present',
    'Outages',
    'Outage seconds',
    'Unstable seconds',
    'Headcount',
    'Presiding official',
    'Title',
    'Technician',
    'Technician phone',
  ],
};

const ABSENT: Record<Lang, string> = { vi: 'Không tham dự', en: 'Did not attend' };

/** Words for a row's presence; "chưa vào" is never read as a lost link. */
const PRESENCE: Record<Lang, Record<AttendanceRow['presence'], { live: string; ended: string }>> = {
  vi: {
    notJoined: { live: 'Chưa vào', ended: 'Không vào họp' },
    present: { live: 'Đang kết nối', ended: 'Có mặt đến cuối' },
    lost: { live: 'Mất kết nối', ended: 'Rời trước khi kết thúc' },
  },
  en: {
    notJoined: { live: 'Not joined yet', ended: 'Never joined' },
    present: { live: 'Connected', ended: 'Present to the end' },
    lost: { live: 'Connection lost', ended: 'Left before the end' },
  },
};

/** One spreadsheet row per point; intervals as `08:01:05–09:30:12`, outages in brackets. */
function cells(row: AttendanceRow, n: number, lang: Lang, ended: boolean): (string | number)[] {
  const intervals =
    row.intervals.length === 0
      ? ABSENT[lang]
      : row.intervals.map((i) => `${formatTime(i.from)}–${i.to === null ? '…' : formatTime(i.to)}`).join('; ');

  return [
    n,
    row.groupUnitName,
    row.pointId,
    row.pointName,
    PRESENCE[lang][row.presence][ended ? 'ended' : 'live'],
    intervals,
    row.minutesPresent,
    row.intervals.reduce((sum, i) => sum + i.outages.length, 0),
    row.outageSeconds,
    row.unstableSeconds,
    row.headcount ?? '',
    row.presiding?.name ?? '',
    row.presiding?.title ?? '',
    row.technician?.name ?? '',
    row.technician?.phone ?? '',
  ];
}

function csvField(value: string | number): string {
  const text = String(value);
  // Quote always-needed characters, and neutralise spreadsheet formulas in people's text.
  const safe = /^(=|@|[+-][^0-9 ]|\t|\r)/.test(text) && typeof value === 'string' ? `'${text}` : text;

  return /[",\n\r;]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** UTF-8 CSV with a BOM (so Excel shows Vietnamese correctly) and CRLF line ends. */
export function toCsv(table: (string | number)[][]): Buffer {
  const lines = table.map((r) => r.map(csvField).join(','));

  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}

/** Attendance as CSV, rows grouped by unit. */
export function attendanceCsv(rows: AttendanceRow[], ended: boolean, lang: Lang = 'vi'): Buffer {
  return toCsv([HEADERS[lang], ...rows.map((row, i) => cells(row, i + 1, lang, ended))]);
}

/** XLSX with the meeting's heading, a bold header, one group row per unit and the points under it. */
export async function attendanceXlsx(
  state: MeetingState,
  rows: AttendanceRow[],
  lang: Lang = 'vi',
  audit: AuditRow[] = [],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'diemcau';
  // Attendance (tham dự), not the roll call (điểm danh), which is only one of its sources.
  const sheet = workbook.addWorksheet(lang === 'vi' ? 'Tham dự' : 'Attendance');
  const when = formatDate(state.startedAt ?? state.def.scheduledStart);
  sheet.addRow([state.def.title]).font = { bold: true, size: 14 };
  sheet.addRow([`${lang === 'vi' ? 'Ngày' : 'Date'}: ${when}`]);
  if (state.endedAt !== null && state.startedAt !== null) {
    sheet.addRow([`${formatDateTime(state.startedAt)} – ${formatDateTime(state.endedAt)}`]);
  }
  sheet.addRow([]);
  const header = sheet.addRow(HEADERS[lang]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  let group: string | null = null;
  rows.forEach((row, i) => {
    if (row.groupUnitId !== group) {
      group = row.groupUnitId;
      const groupRow = sheet.addRow([row.groupUnitName]);
      groupRow.font = { bold: true, italic: true };
      sheet.mergeCells(groupRow.number, 1, groupRow.number, HEADERS[lang].length);
    }
    sheet.addRow(cells(row, i + 1, lang, state.status === 'ended'));
  });
  const widths = [6, 24, 14, 32, 20, 40, 10, 10, 12, 12, 10, 24, 24, 20, 16];
  widths.forEach((width, i) => {
    sheet.getColumn(i + 1).width = width;
  });
  sheet.views = [{ state: 'frozen', ySplit: header.number }];
  // The audit trail travels with the record: who did what, when and from where.
  const trail = workbook.addWorksheet(lang === 'vi' ? 'Nhật ký thao tác' : 'Audit trail');
  trail.addRow(AUDIT_HEADERS[lang]).font = { bold: true };
  audit.forEach((row) => trail.addRow(auditCells(row)));
  [6, 20, 12, 28, 38, 18, 24, 80].forEach((width, i) => {
    trail.getColumn(i + 1).width = width;
  });

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
