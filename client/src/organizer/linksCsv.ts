import type { IssuedLink } from './api.js';

/**
 * The links for a mail merge: unit, point, link, valid until. UTF-8 with a BOM, CRLF; `;` for Excel with Vietnamese
 * regional settings (which reads `,` as the decimal mark), `,` otherwise.
 */
export function linksCsv(links: IssuedLink[], unitOf: Map<string, string>, separator: ',' | ';'): string {
  const field = (value: string) =>
    value.includes(separator) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  const rows = [
    ['Đơn vị', 'Mã điểm cầu', 'Điểm cầu', 'Đường dẫn tham dự', 'Hiệu lực đến'],
    ...links
      .filter((l) => l.revoked !== true)
      .map((l) => [unitOf.get(l.pointId) ?? '', l.pointId, l.name, l.joinUrl, new Date(l.expiresAt).toISOString()]),
  ];

  return `\uFEFF${rows.map((r) => r.map(field).join(separator)).join('\r\n')}\r\n`;
}
