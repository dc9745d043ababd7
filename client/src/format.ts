import { foldForSearch } from '../../server/domain/core/text.js';
/** Dates dd/mm/yyyy and times 24 h, always in Asia/Ho_Chi_Minh whatever the browser's zone. */
const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

export const formatTime = (epochMs: number) => TIME.format(epochMs);
export const formatDate = (epochMs: number) => DATE.format(epochMs);

/** Seconds as m:ss (or h:mm:ss), never negative. */
export function formatDuration(totalSec: number): string {
  const sec = Math.max(0, Math.ceil(totalSec));
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = String(sec % 60).padStart(2, '0');

  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A metric for a table cell: rounded, or a dash when unknown. */
export const formatMetric = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

/**
 * Dates and times are typed as people here write them, "15/01/2027 08:00" (dd/mm/yyyy, 24 h), whatever the browser's
 * language: a browser's own date picker follows its locale (mm/dd/yyyy, AM/PM) on an English Windows.
 */
export const DATE_TIME_PATTERN = 'dd/mm/yyyy hh:mm';

/** "15/01/2027 08:00" (also "15/1/2027 8:00") read as Hanoi time (UTC+7, no daylight saving), as epoch ms; NaN if not. */
export function hanoiInputToEpoch(value: string): number {
  const match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2})[:hg](\d{2})\s*$/.exec(value);
  if (match === null) {
    return Number.NaN;
  }
  const [, d, mo, y, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h - 7, mi);
  // 31/02 or 25:00 would roll over into another day: not a date.
  const back = new Date(at + 7 * 3600_000);

  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 && h < 24 && mi < 60 ? at : Number.NaN;
}

/** The reverse of `hanoiInputToEpoch`: epoch ms as "dd/mm/yyyy hh:mm" in Hanoi time. */
export function epochToHanoiInput(epochMs: number): string {
  return `${formatDate(epochMs)} ${formatTime(epochMs).slice(0, 5)}`;
}

/** "31/12/2026" → "2026-12-31" (the protocol's calendar date), or null when it is not a date. */
export function dayInputToIso(value: string): string | null {
  const at = hanoiInputToEpoch(`${value.trim()} 12:00`);

  return Number.isNaN(at) ? null : new Date(at + 7 * 3600_000).toISOString().slice(0, 10);
}

/**
 * A tile's caption: its role and the room's name, unless the name already says the role ("Điểm cầu trung tâm Tỉnh ủy
 * Bắc Giang" is not captioned "Điểm cầu trung tâm · Điểm cầu trung tâm …").
 */
export const roleCaption = (role: string, name: string): string =>
  foldForSearch(name).includes(foldForSearch(role)) ? name : `${role} · ${name}`;
