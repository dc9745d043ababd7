import { createHmac } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import {
  afterFailedLogin,
  afterGoodLogin,
  changeAccount,
  checkPassword,
  checkRoles,
  isLocked,
  LOCKOUT,
  normalizeDisplayName,
  normalizeUsername,
  type Account,
  type AccountChange,
  type AccountRole,
} from '../domain/directory/accounts.js';
import { DomainError } from '../domain/core/errors.js';
import { createLogger } from '../logger.js';
import type { AccountStore } from './AccountStore.js';
import { hashPassword, verifyPassword } from './passwords.js';

const logger = createLogger('accounts');

/** A session lasts 30 minutes from its last use, and at most 12 hours from the sign-in. */
export const SESSION_IDLE_SEC = 30 * 60;
export const SESSION_MAX_SEC = 12 * 3600;
const AUDIENCE = 'diemcau-session';

export interface NewAccount {
  username: unknown;
  displayName: unknown;
  password: unknown;
  roles: unknown;
}

/** A session checked: the account behind it, and a renewed cookie value when it was past half its idle time. */
export interface CheckedSession {
  account: Account;
  renewed: string | null;
}

/**
 * Operator accounts and their sessions: create, sign in (with lockout after repeated failures, logged without the
 * password), and signed session tokens for the cookie. A session names the account and its `sessionVersion`, so a
 * password change or disabling the account ends every session at once, on every coordinator.
 */
export class AccountService {
  readonly #store: AccountStore;
  readonly #sign: (payload: Record<string, unknown>) => string;
  readonly #verify: (token: string) => Record<string, unknown>;
  readonly #now: () => number;
  /** Compared against when the username is unknown, so a wrong name costs as long as a wrong password. */
  #decoy: Promise<string> | null = null;

  constructor({ store, secret, now = Date.now }: { store: AccountStore; secret: string; now?: () => number }) {
    this.#store = store;
    // Its own key, derived from the join-token secret: a join token can never pass for a session, nor the reverse.
    const key = createHmac('sha256', secret).update('diemcau session key').digest();
    this.#sign = createSigner({ key, algorithm: 'HS256', aud: AUDIENCE });
    this.#verify = createVerifier({
      key,
      algorithms: ['HS256'],
      allowedAud: AUDIENCE,
      requiredClaims: ['aud', 'sub', 'exp'],
      cache: false,
    });
    this.#now = now;
  }

  get store(): AccountStore {
    return this.#store;
  }

  async create(input: NewAccount): Promise<Account> {
    const account: Account = {
      username: normalizeUsername(input.username),
      displayName: normalizeDisplayName(input.displayName),
      roles: checkRoles(input.roles),
      passwordHash: await hashPassword(checkPassword(input.password)),
      createdAt: this.#now(),
      sessionVersion: 1,
      failedLogins: 0,
      lockedUntil: null,
      disabled: false,
    };
    if (!(await this.#store.create(account))) {
      throw new DomainError('ACCOUNT_EXISTS', `Tên đăng nhập ${account.username} đã có (username taken)`);
    }
    logger.info({ username: account.username, roles: account.roles }, 'account created');

    return account;
  }

  /** Creates the first administrator when there is no account yet (first start, demo); `null` if accounts exist. */
  async ensureFirstAdmin(input: Omit<NewAccount, 'roles'>): Promise<Account | null> {
    if ((await this.#store.list()).length > 0) {
      return null;
    }

    return this.create({ ...input, roles: ['admin', 'organizer'] });
  }

  async signIn(
    rawUsername: unknown,
    password: unknown,
    address: string,
  ): Promise<{ account: Account; session: string }> {
    const wrong = () =>
      new DomainError('UNAUTHENTICATED', 'Sai tên đăng nhập hoặc mật khẩu (wrong username or password)');
    let username: string;
    try {
      username = normalizeUsername(rawUsername);
    } catch {
      throw wrong();
    }
    const account = await this.#store.get(username);
    const given = typeof password === 'string' ? password : '';
    if (account === null || account.disabled) {
      this.#decoy ??= hashPassword('diemcau decoy password');
      await verifyPassword(given, await this.#decoy);
      logger.warn({ username, address }, 'sign-in refused: no such account');
      throw wrong();
    }
    const now = this.#now();
    if (isLocked(account, now)) {
      logger.warn({ username, address }, 'sign-in refused: account locked');
      throw this.#locked(account, now);
    }
    if (!(await verifyPassword(given, account.passwordHash))) {
      const after = afterFailedLogin(account, now);
      await this.#store.update(after);
      logger.warn({ username, address, failures: after.failedLogins }, 'sign-in refused: wrong password');
      if (isLocked(after, now)) {
        logger.warn({ username, address, until: after.lockedUntil }, 'account locked after repeated failures');
        throw this.#locked(after, now);
      }
      throw wrong();
    }
    const signedIn = afterGoodLogin(account);
    if (signedIn.failedLogins !== account.failedLogins || signedIn.lockedUntil !== account.lockedUntil) {
      await this.#store.update(signedIn);
    }
    logger.info({ username, address }, 'signed in');

    return { account: signedIn, session: this.#session(signedIn, Math.floor(now / 1000)) };
  }

  /** The account of a session cookie; throws `SESSION_EXPIRED` or `UNAUTHENTICATED`. */
  async check(token: string): Promise<CheckedSession> {
    let payload;
    try {
      payload = this.#verify(token);
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        throw this.#expired();
      }
      throw new DomainError('UNAUTHENTICATED', 'Chưa đăng nhập (not signed in)');
    }
    const account = typeof payload.sub === 'string' ? await this.#store.get(payload.sub) : null;
    if (account === null || account.disabled || payload.sv !== account.sessionVersion) {
      throw this.#expired();
    }
    const now = Math.floor(this.#now() / 1000);
    const signedInAt = Number(payload.auth ?? 0);
    if (now - signedInAt > SESSION_MAX_SEC) {
      throw this.#expired();
    }
    const renew = Number(payload.exp ?? 0) - now < SESSION_IDLE_SEC / 2;

    return { account, renewed: renew ? this.#session(account, signedInAt) : null };
  }

  /**
   * An administrator changes an account: name, roles, disabled, or a new password (which ends its sessions and
   * clears a lock). Throws `NOT_FOUND` or `VALIDATION_FAILED`; nothing is written then.
   */
  async change(username: string, change: AccountChange & { password?: unknown }, by: string): Promise<Account> {
    const account = await this.#store.get(normalizeUsername(username));
    if (account === null) {
      throw new DomainError('NOT_FOUND', `Không có tài khoản ${username} (no such account)`);
    }
    let next = changeAccount(account, change, await this.#store.list(), by);
    if (change.password !== undefined) {
      next = {
        ...next,
        passwordHash: await hashPassword(checkPassword(change.password)),
        sessionVersion: next.sessionVersion + 1,
        failedLogins: 0,
        lockedUntil: null,
      };
    }
    await this.#store.update(next);
    logger.info(
      {
        username: next.username,
        by,
        roles: next.roles,
        disabled: next.disabled,
        password: change.password !== undefined,
      },
      'account changed',
    );

    return next;
  }

  /** Ends every session of the account (sign-out everywhere, password change). */
  async endSessions(username: string): Promise<void> {
    const account = await this.#store.get(username);
    if (account !== null) {
      await this.#store.update({ ...account, sessionVersion: account.sessionVersion + 1 });
    }
  }

  hasRole(account: Account, role: AccountRole): boolean {
    return account.roles.includes(role);
  }

  #session(account: Account, signedInAt: number): string {
    const now = Math.floor(this.#now() / 1000);

    return this.#sign({
      sv: account.sessionVersion,
      auth: signedInAt,
      sub: account.username,
      iat: now,
      exp: now + SESSION_IDLE_SEC,
    });
  }

  #locked(account: Account, now: number): DomainError {
    const minutes = Math.ceil(((account.lockedUntil ?? now) - now) / 60_000);

    return new DomainError(
      'ACCOUNT_LOCKED',
      `Tài khoản tạm khóa ${minutes} phút sau ${LOCKOUT.maxFailures} lần nhập sai mật khẩu (account locked)`,
    );
  }

  #expired(): DomainError {
    return new DomainError('SESSION_EXPIRED', 'Phiên làm việc đã hết hạn, hãy đăng nhập lại (session expired)');
  }
}
