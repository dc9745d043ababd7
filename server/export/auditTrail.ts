import type { MeetingEvent } from '../domain/events.js';
import { formatDateTime } from '../format.js';

const AUDITED_ROLES = new Set(['chair', 'cochair', 'technician', 'observer', 'admin']);

export interface AuditRow {
  seq: number;
  at: number;
  role: string;
  tokenId: string;
  address: string;
  action: string;
  detail: string;
}

/** Every action of a chair, co-chair, technician, observer or admin in the meeting's log, in order. */
export function auditRows(events: MeetingEvent[]): AuditRow[] {
  return events
    .filter((event) => AUDITED_ROLES.has(event.by.role))
    .map((event) => {
      const { seq, at, by, type, ...rest } = event;
      const action = event.type === 'AuditRecorded' ? event.action : type;
      const detail = event.type === 'AuditRecorded' ? event.detail : JSON.stringify(rest);

      return { seq, at, role: by.role, tokenId: by.tokenId ?? '', address: by.address ?? '', action, detail };
    });
}

export const AUDIT_HEADERS = {
  vi: ['STT', 'Thời điểm', 'Vai trò', 'Mã phiên (jti)', 'Địa chỉ', 'Thao tác', 'Chi tiết'],
  en: ['No.', 'Time', 'Role', 'Token id', 'Address', 'Action', 'Detail'],
};

export function auditCells(row: AuditRow): (string | number)[] {
  return [row.seq, formatDateTime(row.at), row.role, row.tokenId, row.address, row.action, row.detail];
}
