import { describe, expect, it } from 'vitest';
import {
  afterFailedLogin,
  afterGoodLogin,
  changeAccount,
  isLocked,
  LOCKOUT,
  normalizeDisplayName,
  normalizeUsername,
  type Account,
} from '../../../server/domain/directory/accounts.js';
import { codeOf } from '../../helpers/domain.js';

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

describe('an administrator changes an account', () => {
  const boss: Account = { ...account, username: 'quantri', roles: ['admin', 'organizer'] };

  it('locking ends its sessions; opening it again clears a failed-login lock', () => {
    const locked = changeAccount(
      { ...account, failedLogins: 5, lockedUntil: 99 },
      { disabled: true },
      [boss, account],
      'quantri',
    );
    expect(locked).toMatchObject({ disabled: true, sessionVersion: 2 });
    const opened = changeAccount(locked, { disabled: false }, [boss, locked], 'quantri');
    expect(opened).toMatchObject({ disabled: false, failedLogins: 0, lockedUntil: null, sessionVersion: 2 });
  });

  it('nobody locks themself out, and one administrator who can sign in always remains', () => {
    expect(codeOf(() => changeAccount(boss, { disabled: true }, [boss, account], 'quantri'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => changeAccount(boss, { roles: ['organizer'] }, [boss, account], 'quantri'))).toBe(
      'VALIDATION_FAILED',
    );
    // By the API key (nobody signed in): still not the last administrator.
    expect(codeOf(() => changeAccount(boss, { disabled: true }, [boss, account], ''))).toBe('VALIDATION_FAILED');
    const second = { ...boss, username: 'quantri2' };
    expect(changeAccount(boss, { disabled: true }, [boss, second], '').disabled).toBe(true);
    expect(codeOf(() => changeAccount(account, { disabled: 'yes' }, [boss, account], 'quantri'))).toBe(
      'VALIDATION_FAILED',
    );
  });
});
