import { DomainError } from '../core/errors.js';

/**
 * Operator accounts (pure rules): people who sign in to prepare and run meetings. An administrator keeps the
 * accounts and the directory; an organizer (văn phòng, thư ký hội nghị) prepares meetings and their invitations.
 * Meeting roles (chair, technician…) are given per meeting through join links, issued to a signed-in person.
 */
export const ACCOUNT_ROLES = ['admin', 'organizer'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface Account {
  /** Lowercase login name, unique. */
  username: string;
  /** The person's name as records show it ("Nguyễn Thị Lan"). */
  displayName: string;
  roles: AccountRole[];
  /** `scrypt$…` (server/accounts/passwords.ts); never logged, never sent. */
  passwordHash: string;
  createdAt: number;
  /** Raised when the password changes or the account is disabled: older sessions stop working. */
  sessionVersion: number;
  /** Consecutive failed sign-ins, and until when sign-in is refused after too many. */
  failedLogins: number;
  lockedUntil: number | null;
  disabled: boolean;
}

/** What a signed-in person is shown as, in tokens, events and the audit trail. */
export interface Person {
  username: string;
  name: string;
}

export const LOCKOUT = { maxFailures: 5, lockMs: 15 * 60_000 } as const;
export const PASSWORD_MIN = 10;

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,39}$/;

export function normalizeUsername(raw: unknown): string {
  const username = String(raw ?? '')
    .normalize('NFC')
    .trim()
    .toLowerCase();
  if (!USERNAME.test(username)) {
    throw DomainError.validation(
      'Tên đăng nhập gồm 3-40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới (invalid username)',
    );
  }

  return username;
}

export function normalizeDisplayName(raw: unknown): string {
  const name = String(raw ?? '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
  if (name.length === 0 || name.length > 120) {
    throw DomainError.validation('Họ tên phải có từ 1 đến 120 ký tự (display name must be 1-120 characters)');
  }

  return name;
}

export function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN || password.length > 200) {
    throw DomainError.validation(`Mật khẩu phải có từ ${PASSWORD_MIN} đến 200 ký tự (password too short or too long)`);
  }

  return password;
}

export function checkRoles(raw: unknown): AccountRole[] {
  const roles = Array.isArray(raw) ? raw : [];
  if (roles.length === 0 || roles.some((r) => !(ACCOUNT_ROLES as readonly unknown[]).includes(r))) {
    throw DomainError.validation('Vai trò phải là admin và/hoặc organizer (roles must be admin and/or organizer)');
  }

  return [...new Set(roles as AccountRole[])];
}

export const isLocked = (account: Account, now: number): boolean =>
  account.lockedUntil !== null && account.lockedUntil > now;

/** The account after a wrong password: counted, and locked for a while once there have been too many. */
export function afterFailedLogin(account: Account, now: number): Account {
  // A lock that has run out starts the count again: one more slip after it does not lock at once.
  const expired = account.lockedUntil !== null && account.lockedUntil <= now;
  const failedLogins = (expired ? 0 : account.failedLogins) + 1;

  return {
    ...account,
    failedLogins,
    lockedUntil: failedLogins >= LOCKOUT.maxFailures ? now + LOCKOUT.lockMs : expired ? null : account.lockedUntil,
  };
}

export const afterGoodLogin = (account: Account): Account => ({ ...account, failedLogins: 0, lockedUntil: null });

export const personOf = (account: Account): Person => ({ username: account.username, name: account.displayName });

/** What an administrator may change on an account; the new password is hashed by the caller. */
export interface AccountChange {
  displayName?: unknown;
  roles?: unknown;
  disabled?: unknown;
}

/**
 * An administrator changes an account (pure rule): its name, roles, or whether it may sign in. Nobody locks
 * themself out, and the deployment always keeps an administrator who can sign in. Disabling ends the account's
 * sessions (a new session version); enabling it again clears a failed-login lock.
 */
export function changeAccount(account: Account, change: AccountChange, all: Account[], byUsername: string): Account {
  const next: Account = { ...account };
  if (change.displayName !== undefined) {
    next.displayName = normalizeDisplayName(change.displayName);
  }
  if (change.roles !== undefined) {
    next.roles = checkRoles(change.roles);
  }
  if (change.disabled !== undefined) {
    if (typeof change.disabled !== 'boolean') {
      throw DomainError.validation('disabled phải là true hoặc false (disabled must be a boolean)');
    }
    next.disabled = change.disabled;
  }
  const self = account.username === byUsername;
  if (self && (next.disabled || !next.roles.includes('admin'))) {
    throw DomainError.validation(
      'Không thể tự khóa hoặc tự bỏ quyền quản trị của chính mình (you cannot lock yourself out)',
      [{ path: 'disabled', message: 'Không thể tự khóa tài khoản của chính mình' }],
    );
  }
  const stillAdmin = all
    .map((a) => (a.username === next.username ? next : a))
    .some((a) => !a.disabled && a.roles.includes('admin'));
  if (!stillAdmin) {
    throw DomainError.validation('Phải còn ít nhất một quản trị viên đăng nhập được (keep one administrator)');
  }
  if (next.disabled && !account.disabled) {
    next.sessionVersion = account.sessionVersion + 1;
  }
  if (!next.disabled && account.disabled) {
    next.failedLogins = 0;
    next.lockedUntil = null;
  }

  return next;
}
