import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDate, formatTime } from '../../server/format.js';
import { holdBriefing } from '../helpers/briefing.js';
import {
  csvViaLibreOffice,
  median,
  printedWordHeights,
  referenceWordHeight,
  squash,
  textViaLibreOffice,
} from '../helpers/office.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const download = async (t: TestServer, file: string) => {
  const response = await fetch(`${t.url}/api/meetings/m1/${file}`, { headers: { 'x-api-key': ADMIN_KEY } });
  expect(response.status).toBe(200);

  return Buffer.from(await response.arrayBuffer());
};

describe('the attendance record a clerk files, opened in LibreOffice', () => {
  let t: TestServer | null = null;

  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('prints the date, the time, the chair, every outcome, totals per unit and the audit trail in words', async () => {
    t = await startTestServer();
    await holdBriefing(t.meeting);
    const { startedAt, endedAt } = t.meeting.state;
    const workbook = await download(t, 'attendance.xlsx');
    const printed = await textViaLibreOffice(workbook, 'xlsx', { layout: true });
    // Read in reading order too: a label wrapped inside its narrow cell ("Cộng: / Huyện Một") comes out whole.
    const text = squash(printed) + squash(await textViaLibreOffice(workbook, 'xlsx'));
    for (const expected of [
      'Giao ban thử nghiệm',
      `Ngày họp: ${formatDate(startedAt ?? 0)}`,
      `Thời gian: từ ${formatTime(startedAt ?? 0).slice(0, 5)} đến ${formatTime(endedAt ?? 0).slice(0, 5)}`,
      'Chủ trì: Dương Văn Thái',
      'Điểm cầu chính: Điểm cầu Tỉnh Thử Nghiệm',
      'TỔNG HỢP THEO ĐƠN VỊ',
      'CHI TIẾT TỪNG ĐIỂM CẦU',
      'Cộng: Huyện Một',
      'Cộng: Huyện Hai',
      // Each point's outcome next to its confirmation time.
      `Có mặt ${formatTime(startedAt ?? 0).slice(0, 5)}`,
      'Đến muộn',
      'Mất tín hiệu',
      'Vắng',
      // The audit sheet: actions, roles and people in words.
      'Mời phát biểu',
      'Giao nhiệm vụ',
      'Thư ký',
      'Lê Thị Thu (thuky)',
    ]) {
      expect(text).toContain(squash(expected));
    }
    expect(text).not.toMatch(/FloorGranted|TaskAssigned|[{}]/);
    // Legible on paper: the record's words print as tall as 9 pt text does (measured in this run), not at ~6 pt.
    const heights = await printedWordHeights(workbook, 'xlsx');
    expect(median(heights)).toBeGreaterThanOrEqual((await referenceWordHeight(9)) * 0.97);
    // The totals by unit, one printed row each: points, present, late, absent, no signal, people, outages.
    const lines = printed.normalize('NFC').split('\n');
    expect(lines.some((line) => /^\s*Huyện Một\s+3\s+3\s+0\s+0\s+0\s+36\s+0\s*$/.test(line))).toBe(true);
    expect(lines.some((line) => /^\s*Huyện Hai\s+3\s+0\s+1\s+1\s+1\s+8\s+\d+\s*$/.test(line))).toBe(true);
    expect(lines.some((line) => /^\s*Tổng\s+6\s+3\s+1\s+1\s+1\s+44\s+\d+\s*$/.test(line))).toBe(true);
  }, 180_000);

  it('as CSV for Excel under Vietnamese regional settings, splits on semicolons and reads decimal commas as numbers', async () => {
    t = await startTestServer();
    await holdBriefing(t.meeting);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await csvViaLibreOffice(await download(t, 'attendance.csv?sep=semicolon'), ';'));
    const sheet = book.worksheets[0];
    const rows = Array.from(sheet?.getSheetValues() ?? [], (row) => (Array.isArray(row) ? row.slice(1) : []));
    const header = rows.findIndex((row) => row[0] === 'STT');
    expect(rows[header]?.slice(0, 6)).toEqual([
      'STT',
      'Đơn vị',
      'Điểm cầu',
      'Mã điểm cầu',
      'Điểm danh',
      'Giờ xác nhận',
    ]);
    const tanSon = rows.find((row) => row[3] === 'DC-X1');
    expect(tanSon?.[4]).toBe('Có mặt');
    expect(tanSon?.[6]).toBe(12);
    // The share present (one decimal, "97,5") is a number, not text.
    expect(typeof tanSon?.[11]).toBe('number');
    const total = rows.find((row) => row[1] === 'Tổng');
    expect(total?.[6]).toBe(44);
  }, 180_000);
});
