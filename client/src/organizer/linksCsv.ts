import { formatDate, formatTime } from '../format.js';
import { printedLink, type IssuedLink } from './api.js';

/**
 * The links for a mail merge: unit, point, short link, full link, valid until (dd/mm/yyyy hh:mm, Hanoi). UTF-8 with a BOM, CRLF; `;` for Excel with Vietnamese
 * regional settings (which reads `,` as the decimal mark), `,` otherwise.
 */
export function linksCsv(links: IssuedLink[], unitOf: Map<string, string>, separator: ',' | ';'): string {
  const field = (value: string) =>
    value.includes(separator) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  const rows = [
    ['Đơn vị', 'Mã điểm cầu', 'Điểm cầu', 'Đường dẫn ngắn', 'Đường dẫn đầy đủ', 'Hiệu lực đến'],
    ...links
      .filter((l) => l.revoked !== true)
      .map((l) => [
        unitOf.get(l.pointId) ?? '',
        l.pointId,
        l.name,
        printedLink(l),
        l.joinUrl,
        `${formatDate(l.expiresAt)} ${formatTime(l.expiresAt).slice(0, 5)}`,
      ]),
  ];

  return `\uFEFF${rows.map((r) => r.map(field).join(separator)).join('\r\n')}\r\n`;
}
