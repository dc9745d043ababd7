import type { MeetingEvent } from '../domain/events.js';
import { formatDateTime } from '../format.js';

const AUDITED_ROLES = new Set(['chair', 'cochair', 'technician', 'observer', 'secretary', 'admin']);

export interface AuditRow {
  seq: number;
  at: number;
  role: string;
  /** The signed-in person ("Nguyễn Thị Lan (lan.nt)"), "khóa API" for automation, or empty for an unnamed link. */
  person: string;
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

      const person =
        by.person !== undefined
          ? `${by.person.name} (${by.person.username})`
          : by.via === 'apiKey'
            ? 'khóa API (API key)'
            : '';

      return { seq, at, role: by.role, person, tokenId: by.tokenId ?? '', address: by.address ?? '', action, detail };
    });
}

export const AUDIT_HEADERS = {
  vi: ['STT', 'Thời điểm', 'Vai trò', 'Người thực hiện', 'Mã phiên (jti)', 'Địa chỉ', 'Thao tác', 'Chi tiết'],
  en: ['No.', 'Time', 'Role', 'Person', 'Token id', 'Address', 'Action', 'Detail'],
};

export function auditCells(row: AuditRow): (string | number)[] {
  return [row.seq, formatDateTime(row.at), row.role, row.person, row.tokenId, row.address, row.action, row.detail];
}
