import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/errors.js';

export interface HttpAuth {
  /** Throws unless the request carries the admin API key (`x-api-key`). */
  requireAdmin(req: Request): void;
  /** The admin key, or a chair/co-chair/technician/observer token of this meeting (`Authorization: Bearer`). */
  requireStaffOrAdmin(req: Request, meetingId: string): Promise<void>;
}

export function createHttpAuth({ adminKey, tokens }: { adminKey: string; tokens: JoinTokens }): HttpAuth {
  const expected = Buffer.from(adminKey);
  const isAdmin = (req: Request): boolean => {
    const given = Buffer.from(String(req.get('x-api-key') ?? ''));

    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return {
    requireAdmin(req) {
      if (!isAdmin(req)) {
        throw new DomainError('UNAUTHENTICATED', 'Cần khóa quản trị (x-api-key required)');
      }
    },
    async requireStaffOrAdmin(req, meetingId) {
      if (isAdmin(req)) {
        return;
      }
      const header = req.get('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : String(req.query.token ?? '');
      const claims = await tokens.verify(token);
      if (claims.meetingId !== meetingId) {
        throw new DomainError('WRONG_MEETING', 'Mã tham dự dành cho hội nghị khác (token is for another meeting)');
      }
      if (claims.role === 'point') {
        throw DomainError.forbidden('xuất danh sách (export)');
      }
    },
  };
}
