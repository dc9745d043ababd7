import ExcelJS from 'exceljs';
import type { DirectoryIndex } from '../domain/directory/directory.js';
import type { MeetingState } from '../domain/core/model.js';
import { assigneeOf, deadlineText, taskState } from '../domain/record/record.js';
import { formatDate } from '../format.js';

/** One task of one meeting, as the office follows it up. */
export interface RegisterRow {
  meetingTitle: string;
  meetingDate: number;
  text: string;
  assignee: string;
  deadline: string | null;
  state: 'open' | 'done' | 'overdue';
  doneAt: number | null;
}

const STATE_TEXT: Record<RegisterRow['state'], string> = {
  open: 'Đang thực hiện',
  done: 'Đã hoàn thành',
  overdue: 'Quá hạn',
};

const HEADERS = [
  'STT',
  'Hội nghị',
  'Ngày họp',
  'Nhiệm vụ',
  'Đơn vị, cơ quan thực hiện',
  'Thời hạn',
  'Tình trạng',
  'Ngày hoàn thành',
];

/**
 * The tasks of a meeting, those whose unit is `unit` or under it when given (a district's register holds its
 * communes' tasks), each with its state at `now`.
 */
export function registerRows(
  state: MeetingState,
  index: DirectoryIndex,
  now: number,
  unit: string | null = null,
): RegisterRow[] {
  return state.record.tasks
    .filter(
      (task) => unit === null || (task.unitId !== null && index.unitPath(task.unitId).some((u) => u.code === unit)),
    )
    .map((task) => ({
      meetingTitle: state.def.title,
      meetingDate: state.startedAt ?? state.def.scheduledStart,
      text: task.text,
      assignee: assigneeOf(task, index),
      deadline: task.deadline,
      state: taskState(task, now),
      doneAt: task.doneAt,
    }));
}

/**
 * The task register (sổ theo dõi nhiệm vụ) as a workbook: a title block, one row per task with its state in words,
 * printed on A4 landscape, fitted to the page width, its header row repeated on every page.
 */
export async function taskRegisterXlsx(title: string, rows: RegisterRow[], now: number): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Nhiệm vụ', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.addRow([title]).font = { bold: true, size: 14 };
  sheet.addRow([`Lập ngày ${formatDate(now)}; ${rows.length} nhiệm vụ`]);
  // The title block spans the table, so it prints whole above it.
  sheet.mergeCells(1, 1, 1, HEADERS.length);
  sheet.mergeCells(2, 1, 2, HEADERS.length);
  sheet.addRow([]);
  const header = sheet.addRow(HEADERS);
  header.font = { bold: true };
  sheet.pageSetup.printTitlesRow = `${header.number}:${header.number}`;
  rows.forEach((row, i) =>
    sheet.addRow([
      i + 1,
      row.meetingTitle,
      formatDate(row.meetingDate),
      row.text,
      row.assignee,
      deadlineText(row.deadline),
      STATE_TEXT[row.state],
      row.doneAt === null ? '' : formatDate(row.doneAt),
    ]),
  );
  // Dates never wrap ("15/1 / 0/20 / 21" is unreadable): their columns fit dd/mm/yyyy; only the texts wrap.
  const WRAPPED = new Set([2, 4, 5]);
  [6, 36, 14, 50, 30, 14, 16, 16].forEach((width, i) => {
    sheet.getColumn(i + 1).width = width;
    sheet.getColumn(i + 1).alignment = { wrapText: WRAPPED.has(i + 1), vertical: 'top' };
  });

  return Buffer.from(await book.xlsx.writeBuffer());
}
