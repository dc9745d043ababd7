import ExcelJS from 'exceljs';
import { AUDIT_HEADERS, auditCells, type AuditRow } from './auditTrail.js';
import type { Lang } from './words.js';
import type { AttendanceTable, Cell } from './attendanceTable.js';

/**
 * How a CSV is written: `,` with a decimal point, or `;` with a decimal comma, which Excel expects under Vietnamese
 * (and most European) regional settings.
 */
export type CsvStyle = 'comma' | 'semicolon';

function csvField(value: string | number, separator: string): string {
  const text = String(value);
  // Neutralise spreadsheet formulas in people's text.
  const safe = /^(=|@|[+-][^0-9 ]|\t|\r)/.test(text) && typeof value === 'string' ? `'${text}` : text;

  return /["\n\r]/.test(safe) || safe.includes(separator) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** UTF-8 CSV with a BOM (so Excel shows Vietnamese correctly) and CRLF line ends. */
export function toCsv(table: (string | number)[][], style: CsvStyle = 'comma'): Buffer {
  const separator = style === 'semicolon' ? ';' : ',';
  const lines = table.map((r) => r.map((value) => csvField(value, separator)).join(separator));

  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}

/** `1:05` for 65 minutes. */
export function hoursMinutes(minutes: number): string {
  const whole = Math.round(minutes);

  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

function csvCell(cell: Cell, style: CsvStyle): string | number {
  if (cell === null) {
    return '';
  }
  if (typeof cell === 'object') {
    if ('minutes' in cell) {
      return hoursMinutes(cell.minutes);
    }
    const text = cell.percent.toFixed(1);

    return style === 'semicolon' ? text.replace('.', ',') : text;
  }

  return cell;
}

/** The attendance record as one CSV: heading lines, the totals by unit, then every point under its unit. */
export function attendanceCsv(table: AttendanceTable, style: CsvStyle = 'comma'): Buffer {
  const cells = (row: Cell[]) => row.map((cell) => csvCell(cell, style));

  return toCsv(
    [
      [table.title],
      ...table.heading.map((line) => [line]),
      [],
      [table.summaryCaption],
      table.summaryHeaders,
      ...table.summary.map(cells),
      [],
      [table.detailCaption],
      table.detailHeaders,
      ...table.detail.map((line) => cells(line.cells)),
    ],
    style,
  );
}

/**
 * The detail's columns that are printed (indexes into the table's): what a clerk files. Seventeen columns on A4
 * landscape printed at about 6 pt; these thirteen print at 9-10 pt, and the technical ones (point code, unstable
 * time, technician and phone) go to a sheet of their own.
 */
const PRINTED = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
const TECHNICAL = [0, 1, 2, 3, 14, 15, 16];
/**
 * Column widths (characters) of the printed columns. Fitting to the page width scales the print by about
 * 780 pt / (7.5 pt × the widths' sum): under ~125 characters across keeps 11 pt text at 9 pt or more on A4 landscape
 * (~85 on portrait). Long names wrap (rows grow), never clip.
 */
const DETAIL_WIDTHS = [4, 11, 17, 9, 6, 6, 13, 12, 13, 7, 6, 6, 7];
const TECHNICAL_WIDTHS = [4, 13, 22, 10, 9, 16, 10];
const AUDIT_WIDTHS = [4, 13, 10, 18, 20, 38, 12, 9];
/** Narrow margins: the width they free is what keeps the print legible. */
const MARGINS = { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 };
const pick = <T>(cells: readonly T[], columns: readonly number[]): T[] => columns.map((i) => cells[i] as T);

/** LibreOffice and Excel do not grow a row for wrapped text they did not lay out: each row gets the lines it needs. */
function rowHeight(cells: readonly (string | number | null)[], widths: readonly number[], fill = 0.95): number {
  const lines = cells.reduce<number>((most, cell, i) => {
    const text = cell === null ? '' : String(cell);

    // Words wrap whole, so a line holds less than the column's width (bold headers with long words, much less).
    return Math.max(most, Math.ceil(text.length / Math.max(1, (widths[i] ?? 10) * fill)));
  }, 1);

  return 15 * Math.min(lines, 8);
}

function xlsxValue(cell: Cell): ExcelJS.CellValue {
  if (cell === null || typeof cell !== 'object') {
    return cell;
  }
  // Excel keeps durations as fractions of a day and percentages as fractions of one.
  return 'minutes' in cell ? Math.round(cell.minutes) / 1440 : cell.percent / 100;
}

function format(cell: Cell): string | undefined {
  if (cell === null || typeof cell !== 'object') {
    return undefined;
  }

  return 'minutes' in cell ? '[h]:mm' : '0.0%';
}

const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/**
 * The attendance record as a workbook a clerk prints and files: sheet "Tham dự" on A4 landscape, fitted to the page
 * width with the detail's header row on every page, then the audit trail in words.
 */
export async function attendanceXlsx(
  table: AttendanceTable,
  lang: Lang = 'vi',
  audit: AuditRow[] = [],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'diemcau';
  // Attendance (tham dự), not the roll call (điểm danh), which is only one of its sources.
  const sheet = workbook.addWorksheet(lang === 'vi' ? 'Tham dự' : 'Attendance', {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: MARGINS,
    },
  });
  const columns = PRINTED.length;
  // The counts in words take the outcome and confirmation columns together.
  const countsFrom = PRINTED.indexOf(4) + 1;
  const banner = (text: string, font: Partial<ExcelJS.Font>) => {
    const row = sheet.addRow([text]);
    row.font = font;
    sheet.mergeCells(row.number, 1, row.number, columns);
  };
  banner(table.title, { bold: true, size: 14 });
  table.heading.forEach((line) => banner(line, {}));
  sheet.addRow([]);

  banner(table.summaryCaption, { bold: true });
  // The totals sit under the detail's columns 2… so names get the wide unit column.
  const summaryHeader = sheet.addRow([null, ...table.summaryHeaders]);
  summaryHeader.font = { bold: true };
  summaryHeader.alignment = { wrapText: true, vertical: 'middle' };
  summaryHeader.height = rowHeight([null, ...table.summaryHeaders], DETAIL_WIDTHS, 0.6);
  table.summary.forEach((cells, i) => {
    const row = sheet.addRow([null, ...cells.map(xlsxValue)]);
    if (i === table.summary.length - 1) {
      row.font = { bold: true };
    }
  });
  for (let r = summaryHeader.number; r <= summaryHeader.number + table.summary.length; r += 1) {
    for (let c = 2; c <= table.summaryHeaders.length + 1; c += 1) {
      sheet.getCell(r, c).border = thin;
    }
  }
  sheet.addRow([]);

  banner(table.detailCaption, { bold: true });
  const headers = pick(table.detailHeaders, PRINTED);
  const header = sheet.addRow(headers);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  header.height = rowHeight(headers, DETAIL_WIDTHS, 0.6);
  sheet.pageSetup.printTitlesRow = `${header.number}:${header.number}`;
  for (const line of table.detail) {
    const cells = pick(line.cells, PRINTED);
    const isSum = line.kind === 'subtotal' || line.kind === 'total';
    if (isSum) {
      // "Cộng: Huyện Việt Yên (12 điểm cầu)" across the unit and point columns, rather than wrapped in the unit's.
      cells[1] = `${String(cells[1] ?? '')} (${String(cells[2] ?? '')})`;
      cells[2] = null;
    }
    const row = sheet.addRow(cells.map(xlsxValue));
    cells.forEach((cell, i) => {
      const numFmt = format(cell);
      if (numFmt !== undefined) {
        row.getCell(i + 1).numFmt = numFmt;
      }
    });
    if (line.kind === 'unit') {
      row.font = { bold: true, italic: true };
      sheet.mergeCells(row.number, 1, row.number, columns);
    } else if (line.kind !== 'point') {
      row.font = { bold: true };
      sheet.mergeCells(row.number, countsFrom, row.number, countsFrom + 1);
      sheet.mergeCells(row.number, 2, row.number, 3);
    }
    for (let c = 1; c <= columns; c += 1) {
      row.getCell(c).border = thin;
      row.getCell(c).alignment = { wrapText: true, vertical: 'top' };
    }
    if (line.kind !== 'unit') {
      const widths =
        line.kind === 'point'
          ? DETAIL_WIDTHS
          : DETAIL_WIDTHS.map((w, i) =>
              i === countsFrom - 1 ? w + (DETAIL_WIDTHS[countsFrom] ?? 0) : i === 1 ? w + (DETAIL_WIDTHS[2] ?? 0) : w,
            );
      row.height = rowHeight(
        cells.map((cell) => (cell === null || typeof cell !== 'object' ? cell : '')),
        widths,
      );
    }
  }
  DETAIL_WIDTHS.forEach((width, i) => {
    sheet.getColumn(i + 1).width = width;
  });

  technicalSheet(workbook, table, lang);

  // The audit trail travels with the record: who did what, when and from where.
  const trail = workbook.addWorksheet(lang === 'vi' ? 'Nhật ký thao tác' : 'Audit trail', {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: MARGINS,
    },
  });
  const trailHeader = trail.addRow(AUDIT_HEADERS[lang]);
  trailHeader.font = { bold: true };
  trail.pageSetup.printTitlesRow = '1:1';
  audit.forEach((row, i) => {
    trail.addRow(auditCells(row, i + 1)).alignment = { wrapText: true, vertical: 'top' };
  });
  AUDIT_WIDTHS.forEach((width, i) => {
    trail.getColumn(i + 1).width = width;
  });

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The points' technical details (code, unstable time, technician), kept out of the printed attendance sheet. */
function technicalSheet(workbook: ExcelJS.Workbook, table: AttendanceTable, lang: Lang): void {
  const sheet = workbook.addWorksheet(lang === 'vi' ? 'Kỹ thuật' : 'Technical', {
    pageSetup: {
      paperSize: 9,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: MARGINS,
    },
  });
  const header = sheet.addRow(pick(table.detailHeaders, TECHNICAL));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  sheet.pageSetup.printTitlesRow = '1:1';
  for (const line of table.detail) {
    if (line.kind === 'point') {
      const row = sheet.addRow(pick(line.cells, TECHNICAL).map(xlsxValue));
      row.alignment = { wrapText: true, vertical: 'top' };
    }
  }
  TECHNICAL_WIDTHS.forEach((width, i) => {
    sheet.getColumn(i + 1).width = width;
  });
}
