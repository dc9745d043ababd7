import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/model.js';

export interface HttpAuth {
  /** Throws unless the request carries the admin API key (`x-api-key`); returns the actor for the audit trail. */
  requireAdmin(req: Request): Actor;
  /** The admin key, or a chair/co-chair/technician/observer token of this meeting (`Authorization: Bearer`). */
  requireStaffOrAdmin(req: Request, meetingId: string): Promise<Actor>;
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

      return { role: 'admin', address: req.ip ?? '' };
    },
    async requireStaffOrAdmin(req, meetingId) {
      if (isAdmin(req)) {
        return { role: 'admin', address: req.ip ?? '' };
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

      return { role: claims.role, tokenId: claims.tokenId, address: req.ip ?? '' };
    },
  };
}
