import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import type { AccountService } from '../accounts/AccountService.js';
import { SESSION_MAX_SEC } from '../accounts/AccountService.js';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { personOf, type Account, type AccountRole } from '../domain/directory/accounts.js';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';

export const SESSION_COOKIE = 'diemcau_session';
export const CSRF_COOKIE = 'diemcau_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface HttpAuth {
  /**
   * The admin API key (automation, logged as such) or a signed-in account with this role; a cookie-authenticated
   * change must carry the CSRF header. Returns the actor for the meeting's record, naming the person.
   */
  requireRole(req: Request, res: Response, role: AccountRole | readonly AccountRole[]): Promise<Actor>;
  /** The admin key, an organizer's session, or a chair/co-chair/technician/observer token of this meeting. */
  requireStaffOrAdmin(req: Request, res: Response, meetingId: string): Promise<Actor>;
  /** As requireStaffOrAdmin, and a bridge point's token of this meeting too (the meeting's documents). */
  requireParticipant(
    req: Request,
    res: Response,
    meetingId: string,
    options?: {
      /** A linked child's coordinator too, with its invitation (it fetches the pages of slides it relays). */
      linkedHubs?: boolean;
    },
  ): Promise<Actor>;
  /**
   * A console's join token of this meeting (any role, no key or session: what is handed out is bounded by the link),
   * with when that token expires.
   */
  requireJoinToken(req: Request, meetingId: string): Promise<{ actor: Actor; expiresAt: number }>;
  /**
   * Any credential that could be good for this meeting: the admin key, a signed-in account, or a join token of this
   * meeting. Asked before the meeting is looked up, so that a caller without one learns nothing, not even whether
   * the meeting exists (the same refusal for every id).
   */
  requireCredential(req: Request, res: Response, meetingId: string): Promise<void>;
  /** The signed-in account, if any (renewing its cookie when due); `null` without a session cookie. */
  account(req: Request, res: Response): Promise<Account | null>;
  /** Sets the session and CSRF cookies after a sign-in. */
  startSession(res: Response, session: string): void;
  endSession(res: Response): void;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createHttpAuth({
  adminKey,
  tokens,
  accounts,
  secureCookies,
}: {
  adminKey: string;
  tokens: JoinTokens;
  accounts: AccountService;
  /** Only over HTTPS (production behind TLS); plain HTTP on loopback in development and tests. */
  secureCookies: boolean;
}): HttpAuth {
  const expected = Buffer.from(adminKey);
  const isApiKey = (req: Request): boolean => {
    const given = Buffer.from(String(req.get('x-api-key') ?? ''));

    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const cookie = (httpOnly: boolean): CookieOptions => ({
    httpOnly,
    sameSite: 'strict',
    secure: secureCookies,
    path: '/',
    maxAge: SESSION_MAX_SEC * 1000,
  });
  const setSession = (res: Response, session: string) => res.cookie(SESSION_COOKIE, session, cookie(true));

  /** Double-submit check: the header must repeat the CSRF cookie, which another site can neither read nor set. */
  const requireCsrf = (req: Request) => {
    if (SAFE_METHODS.has(req.method)) {
      return;
    }
    const given = String(req.get(CSRF_HEADER) ?? '');
    const cookieValue = String((req.cookies as Record<string, string> | undefined)?.[CSRF_COOKIE] ?? '');
    if (
      given === '' ||
      given.length !== cookieValue.length ||
      !timingSafeEqual(Buffer.from(given), Buffer.from(cookieValue))
    ) {
      throw new DomainError(
        'CSRF_FAILED',
        'Thiếu hoặc sai mã chống giả mạo yêu cầu; hãy tải lại trang (CSRF check failed)',
      );
    }
  };

  const account = async (req: Request, res: Response): Promise<Account | null> => {
    const session = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (session === undefined || session === '') {
      return null;
    }
    const checked = await accounts.check(session);
    if (checked.renewed !== null) {
      setSession(res, checked.renewed);
    }

    return checked.account;
  };

  const sessionActor = (req: Request, signedIn: Account): Actor => ({
    role: 'admin',
    via: 'session',
    person: personOf(signedIn),
    address: req.ip ?? '',
  });

  /** The join token a request carries: `Authorization: Bearer …` or `?token=`; '' without one. */
  const tokenOf = (req: Request): string => {
    const header = req.get('authorization') ?? '';

    return header.startsWith('Bearer ') ? header.slice(7) : String(req.query.token ?? '');
  };

  /** A join token's actor for this meeting, with the token's expiry (a point's only where `points` allows). */
  const tokenActor = async (req: Request, token: string, meetingId: string, points: boolean, linkedHubs = false) => {
    const claims = await tokens.verify(token);
    if (claims.meetingId !== meetingId) {
      throw new DomainError('WRONG_MEETING', 'Mã tham dự dành cho hội nghị khác (token is for another meeting)');
    }
    if ((claims.role === 'point' && !points) || (claims.linkedUnitId !== null && !linkedHubs)) {
      throw DomainError.forbidden(points ? 'tài liệu hội nghị (documents)' : 'xuất danh sách (export)');
    }
    const actor: Actor = {
      role: claims.role,
      tokenId: claims.tokenId,
      address: req.ip ?? '',
      ...(claims.role === 'point' ? { pointId: claims.pointId ?? '' } : {}),
      ...(claims.person === null ? {} : { person: claims.person }),
    };

    return { actor, expiresAt: claims.expiresAt };
  };

  /** The admin key, an organizer's session, or a token of this meeting (a point's only where `points` allows). */
  const meetingActor = async (
    req: Request,
    res: Response,
    meetingId: string,
    points: boolean,
    linkedHubs = false,
  ): Promise<Actor> => {
    if (isApiKey(req)) {
      return { role: 'admin', via: 'apiKey', address: req.ip ?? '' };
    }
    const token = tokenOf(req);
    if (token === '') {
      const signedIn = await account(req, res);
      if (signedIn?.roles.includes('organizer') === true) {
        requireCsrf(req);

        return sessionActor(req, signedIn);
      }
    }

    return (await tokenActor(req, token, meetingId, points, linkedHubs)).actor;
  };

  return {
    account,
    async requireRole(req, res, role) {
      if (isApiKey(req)) {
        return { role: 'admin', via: 'apiKey', address: req.ip ?? '' };
      }
      const signedIn = await account(req, res);
      if (signedIn === null) {
        throw new DomainError('UNAUTHENTICATED', 'Cần đăng nhập hoặc khóa quản trị (sign in or send x-api-key)');
      }
      const allowed: readonly AccountRole[] = typeof role === 'string' ? [role] : role;
      if (!allowed.some((r) => signedIn.roles.includes(r))) {
        throw DomainError.forbidden(
          allowed.includes('organizer')
            ? 'tổ chức hội nghị (organizing)'
            : 'quản trị tài khoản, danh bạ (administration)',
        );
      }
      requireCsrf(req);

      return sessionActor(req, signedIn);
    },
    async requireCredential(req, res, meetingId) {
      if (isApiKey(req)) {
        return;
      }
      const token = tokenOf(req);
      if (token !== '') {
        const claims = await tokens.verify(token);
        if (claims.meetingId !== meetingId) {
          throw new DomainError('WRONG_MEETING', 'Mã tham dự dành cho hội nghị khác (token is for another meeting)');
        }

        return;
      }
      if ((await account(req, res)) === null) {
        throw new DomainError(
          'UNAUTHENTICATED',
          'Cần đăng nhập, khóa quản trị hoặc đường dẫn tham dự (sign in, send x-api-key or use a join link)',
        );
      }
    },
    async requireStaffOrAdmin(req, res, meetingId) {
      return meetingActor(req, res, meetingId, false);
    },
    async requireParticipant(req, res, meetingId, options) {
      return meetingActor(req, res, meetingId, true, options?.linkedHubs === true);
    },
    async requireJoinToken(req, meetingId) {
      const token = tokenOf(req);
      if (token === '') {
        throw new DomainError('UNAUTHENTICATED', 'Cần đường dẫn tham dự của hội nghị (a join link is needed)');
      }

      return tokenActor(req, token, meetingId, true);
    },
    startSession(res, session) {
      setSession(res, session);
      res.cookie(CSRF_COOKIE, randomBytes(24).toString('base64url'), cookie(false));
    },
    endSession(res) {
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.clearCookie(CSRF_COOKIE, { path: '/' });
    },
  };
}
