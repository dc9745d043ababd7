import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

type Caller = 'stranger' | 'organizer' | 'admin' | 'apiKey' | 'chairToken' | 'pointToken';
const CALLERS: Caller[] = ['stranger', 'organizer', 'admin', 'apiKey', 'chairToken', 'pointToken'];

/**
 * The HTTP routes × who calls them, written out by hand. Each call is shaped so that, when allowed, it changes
 * nothing (an invalid body, a dry run, an unknown token): only authorization may turn it into 401 or 403.
 */
const ROUTES: { method: string; path: string; body?: unknown; allowed: Caller[] }[] = [
  { method: 'GET', path: '/api/meetings', allowed: ['organizer', 'apiKey'] },
  { method: 'POST', path: '/api/meetings', body: {}, allowed: ['organizer', 'apiKey'] },
  { method: 'GET', path: '/api/meetings/m1', allowed: ['organizer', 'apiKey', 'chairToken'] },
  { method: 'PUT', path: '/api/meetings/m1', body: {}, allowed: ['organizer', 'apiKey'] },
  { method: 'POST', path: '/api/meetings/m1/tokens', body: {}, allowed: ['organizer', 'apiKey'] },
  { method: 'GET', path: '/api/meetings/m1/tokens', allowed: ['organizer', 'apiKey'] },
  { method: 'POST', path: '/api/meetings/m1/tokens/khong-co/revoke', allowed: ['organizer', 'apiKey'] },
  { method: 'POST', path: '/api/meetings/m1/open', body: { role: 'point' }, allowed: ['organizer', 'apiKey'] },
  { method: 'GET', path: '/api/meetings/m1/audit.json', allowed: ['organizer', 'apiKey', 'chairToken'] },
  // Rooms' PINs are secrets as their links are: the office only.
  { method: 'GET', path: '/api/meetings/m1/sip-pins', allowed: ['organizer', 'apiKey'] },
  { method: 'GET', path: '/api/meetings/m1/tasks.xlsx', allowed: ['organizer', 'apiKey', 'chairToken'] },
  { method: 'POST', path: '/api/meetings/m1/tasks/t9', body: {}, allowed: ['organizer', 'apiKey'] },
  { method: 'GET', path: '/api/tasks.xlsx', allowed: ['organizer', 'apiKey'] },
  { method: 'GET', path: '/api/directory', allowed: ['organizer', 'admin', 'apiKey'] },
  { method: 'POST', path: '/api/directory?dryRun=1', body: { units: [], points: [] }, allowed: ['admin', 'apiKey'] },
  { method: 'POST', path: '/api/directory/edits', body: { kind: 'rename' }, allowed: ['admin', 'apiKey'] },
  { method: 'GET', path: '/api/accounts', allowed: ['admin', 'apiKey'] },
  { method: 'POST', path: '/api/accounts', body: {}, allowed: ['admin', 'apiKey'] },
  { method: 'PATCH', path: '/api/accounts/khong-co-ai', body: {}, allowed: ['admin', 'apiKey'] },
  { method: 'GET', path: '/api/accounts/people', allowed: ['organizer', 'admin', 'apiKey'] },
];

describe('who may call each HTTP route', () => {
  let t: TestServer;
  const headers = new Map<Caller, Record<string, string>>();

  const signIn = async (username: string, password: string) => {
    const response = await fetch(`${t.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0] as string);
    const csrf = cookies.find((c) => c.startsWith('diemcau_csrf='))?.split('=')[1] ?? '';

    return { cookie: cookies.join('; '), 'x-csrf-token': csrf };
  };

  beforeAll(async () => {
    t = await startTestServer();
    for (const [username, roles] of [
      ['van.phong', ['organizer']],
      ['quan.tri', ['admin']],
    ] as const) {
      const created = await fetch(`${t.url}/api/accounts`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ username, displayName: username, password: 'mat-khau-du-dai', roles }),
      });
      expect(created.status).toBe(201);
    }
    headers.set('stranger', {});
    headers.set('organizer', await signIn('van.phong', 'mat-khau-du-dai'));
    headers.set('admin', await signIn('quan.tri', 'mat-khau-du-dai'));
    headers.set('apiKey', { 'x-api-key': ADMIN_KEY });
    headers.set('chairToken', { authorization: `Bearer ${await t.token('chair')}` });
    headers.set('pointToken', { authorization: `Bearer ${await t.token('point', 'DC-X1')}` });
  });

  afterAll(() => t?.close());

  it('exactly the allowed cells get past authorization; every other is 401 or 403', async () => {
    const wrong: string[] = [];
    for (const route of ROUTES) {
      for (const caller of CALLERS) {
        const response = await fetch(`${t.url}${route.path}`, {
          method: route.method,
          headers: {
            ...headers.get(caller),
            ...(route.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
        });
        const refused = response.status === 401 || response.status === 403;
        if (refused === route.allowed.includes(caller)) {
          wrong.push(`${route.method} ${route.path} by ${caller}: ${response.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // Nothing was created or changed by the allowed calls.
    expect(t.server.meetings.list().map((m) => m.id)).toEqual(['m1']);
    expect((await t.server.accounts.store.list()).length).toBe(2);
  });
});
