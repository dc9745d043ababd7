import { DomainError } from '../domain/core/errors.js';
import { Router } from 'express';
import type { AccountService } from '../accounts/AccountService.js';
import type { Account } from '../domain/directory/accounts.js';
import type { HttpAuth } from './auth.js';
import { compareVietnamese } from '../domain/core/text.js';

/** What the consoles may see of an account: never its hash or sign-in counters. */
export const accountView = ({ username, displayName, roles, createdAt, disabled }: Account) => ({
  username,
  displayName,
  roles,
  createdAt,
  disabled,
});

/**
 * Sessions and accounts: `POST /api/session` signs in (cookie session + CSRF cookie), `GET` says who is signed in,
 * `DELETE` signs out; `GET/POST /api/accounts` lists and creates accounts (administrators).
 */
export function sessionRouter({ accounts, auth }: { accounts: AccountService; auth: HttpAuth }): Router {
  const router = Router();
  router.post('/session', async (req, res) => {
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
    const { account, session } = await accounts.signIn(body.username, body.password, req.ip ?? '');
    auth.startSession(res, session);
    res.json({ account: accountView(account) });
  });
  router.get('/session', async (req, res) => {
    const account = await auth.account(req, res);
    if (account === null) {
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'Chưa đăng nhập (not signed in)' } });

      return;
    }
    res.json({ account: accountView(account) });
  });
  router.delete('/session', async (req, res) => {
    const account = await auth.account(req, res).catch(() => null);
    if (account !== null) {
      await auth.requireRole(req, res, account.roles[0] ?? 'organizer');
    }
    auth.endSession(res);
    res.json({ ok: true });
  });
  router.get('/accounts', async (req, res) => {
    await auth.requireRole(req, res, 'admin');
    res.json({ accounts: (await accounts.store.list()).map(accountView) });
  });
  // The people an organizer may give a meeting role to (name only: no roles, no dates).
  router.get('/accounts/people', async (req, res) => {
    await auth.requireRole(req, res, ['admin', 'organizer']);
    const people = (await accounts.store.list())
      .filter((a) => !a.disabled)
      .map(({ username, displayName }) => ({ username, displayName }))
      .sort((a, b) => compareVietnamese(a.displayName, b.displayName));
    res.json({ people });
  });
  router.post('/accounts', async (req, res) => {
    await auth.requireRole(req, res, 'admin');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const account = await accounts.create({
      username: body.username,
      displayName: body.displayName,
      password: body.password,
      roles: body.roles,
    });
    res.status(201).json({ account: accountView(account) });
  });

  // An administrator changes an account: name, roles, a new password, or disabled (its sessions end at once).
  router.patch('/accounts/:username', async (req, res) => {
    const actor = await auth.requireRole(req, res, 'admin');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).filter((k) => !['displayName', 'roles', 'disabled', 'password'].includes(k));
    if (unknown.length > 0) {
      throw DomainError.validation(`Trường không hợp lệ: ${unknown.join(', ')} (unknown fields)`);
    }
    const account = await accounts.change(req.params.username, body, actor.person?.username ?? '');
    res.json({ account: accountView(account) });
  });

  return router;
}
