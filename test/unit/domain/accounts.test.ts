import { describe, expect, it } from 'vitest';
import {
  afterFailedLogin,
  afterGoodLogin,
  isLocked,
  LOCKOUT,
  normalizeDisplayName,
  normalizeUsername,
  type Account,
} from '../../../server/domain/accounts.js';

const account: Account = {
  username: 'lan.nt',
  displayName: 'Nguyễn Thị Lan',
  roles: ['organizer'],
  passwordHash: 'scrypt$…',
  createdAt: 0,
  sessionVersion: 1,
  failedLogins: 0,
  lockedUntil: null,
  disabled: false,
};

describe('account rules', () => {
  it('locks after five wrong passwords for fifteen minutes; a lock run out starts the count again', () => {
    let a = account;
    for (let i = 0; i < LOCKOUT.maxFailures - 1; i += 1) {
      a = afterFailedLogin(a, 1000);
      expect(isLocked(a, 1000)).toBe(false);
    }
    a = afterFailedLogin(a, 1000);
    expect(isLocked(a, 1000 + LOCKOUT.lockMs - 1)).toBe(true);
    const later = 1000 + LOCKOUT.lockMs;
    expect(isLocked(a, later)).toBe(false);
    a = afterFailedLogin(a, later);
    expect(a).toMatchObject({ failedLogins: 1, lockedUntil: null });
    expect(afterGoodLogin(afterFailedLogin(account, 0))).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('usernames are lowercase ASCII; names are Vietnamese text in NFC with single spaces', () => {
    expect(normalizeUsername(' Lan.NT ')).toBe('lan.nt');
    expect(() => normalizeUsername('lan nt')).toThrow(/Tên đăng nhập/);
    expect(() => normalizeUsername('lân')).toThrow(/Tên đăng nhập/);
    const decomposed = 'Nguye\u0302\u0303n  Thi\u0323 Lan';
    expect(normalizeDisplayName(decomposed)).toBe('Nguyễn Thị Lan');
    expect(() => normalizeDisplayName('   ')).toThrow(/Họ tên/);
  });
});
