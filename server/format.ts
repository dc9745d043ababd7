/** Dates and times as Vietnamese users read them: dd/mm/yyyy, 24 h, Asia/Ho_Chi_Minh. */

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function pieces(epochMs: number): Record<string, string> {
  return Object.fromEntries(parts.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
}

/** `28/09/2021` */
export function formatDate(epochMs: number): string {
  const p = pieces(epochMs);

  return `${p.day}/${p.month}/${p.year}`;
}

/** `08:05:30` */
export function formatTime(epochMs: number): string {
  const p = pieces(epochMs);

  return `${p.hour}:${p.minute}:${p.second}`;
}

/** `28/09/2021 08:05:30` */
export function formatDateTime(epochMs: number): string {
  return `${formatDate(epochMs)} ${formatTime(epochMs)}`;
}
