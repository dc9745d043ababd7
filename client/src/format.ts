import { foldForSearch } from '../../server/domain/text.js';
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

/** A `datetime-local` value ("2026-12-15T08:00") read as Hanoi time (UTC+7, no daylight saving), as epoch ms. */
export function hanoiInputToEpoch(value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (match === null) {
    return Number.NaN;
  }
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];

  return Date.UTC(y, mo - 1, d, h - 7, mi);
}

/** The reverse of `hanoiInputToEpoch`: epoch ms as a `datetime-local` value in Hanoi time. */
export function epochToHanoiInput(epochMs: number): string {
  return new Date(epochMs + 7 * 3600_000).toISOString().slice(0, 16);
}

/**
 * A tile's caption: its role and the room's name, unless the name already says the role ("Điểm cầu trung tâm Tỉnh ủy
 * Bắc Giang" is not captioned "Điểm cầu trung tâm · Điểm cầu trung tâm …").
 */
export const roleCaption = (role: string, name: string): string =>
  foldForSearch(name).includes(foldForSearch(role)) ? name : `${role} · ${name}`;
