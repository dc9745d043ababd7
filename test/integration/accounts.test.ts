import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMeeting, request } from '../../server/protocol/client.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** A browser-like client: keeps the cookies the server sets and sends the CSRF header from its cookie. */
class CookieClient {
  readonly #cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  get csrf(): string {
    return this.#cookies.get('diemcau_csrf') ?? '';
  }

  async call(method: string, path: string, body?: unknown, { csrf = true } = {}) {
    const headers: Record<string, string> = {
      cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(csrf && this.csrf !== '' ? { 'x-csrf-token': this.csrf } : {}),
    };
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name !== undefined && value !== undefined) {
        this.#cookies.set(name.trim(), value);
      }
    }

    return { status: response.status, body: (await response.json()) as Record<string, unknown>, response };
  }
}

const admin = (t: TestServer, method: string, path: string, body?: unknown) =>
  fetch(`${t.url}${path}`, {
    method,
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('operator accounts, sessions and the person behind staff actions', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({
      env: { ADMIN_USERNAME: 'quantri', ADMIN_PASSWORD: 'mat-khau-quan-tri', ADMIN_DISPLAY_NAME: 'Lê Văn Quản' },
    });
  });

  afterAll(() => t?.close());

  it('the first administrator from the environment signs in with an httpOnly, SameSite session and a CSRF cookie', async () => {
    const browser = new CookieClient(t.url);
    const wrong = await browser.call('POST', '/api/session', { username: 'quantri', password: 'sai-mat-khau-roi' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

    const signedIn = await browser.call('POST', '/api/session', { username: 'QuanTri', password: 'mat-khau-quan-tri' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ account: { username: 'quantri', displayName: 'Lê Văn Quản' } });
    expect(JSON.stringify(signedIn.body)).not.toContain('scrypt');
    const cookies = signedIn.response.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('diemcau_session='))).toMatch(/HttpOnly/i);
    expect(cookies.find((c) => c.startsWith('diemcau_session='))).toMatch(/SameSite=Strict/i);
    expect(cookies.find((c) => c.startsWith('diemcau_csrf='))).not.toMatch(/HttpOnly/i);
    expect((await browser.call('GET', '/api/session')).body).toMatchObject({ account: { username: 'quantri' } });
  });

  it('an administrator creates an organizer; bad input is refused and changes nothing', async () => {
    const browser = new CookieClient(t.url);
    await browser.call('POST', '/api/session', { username: 'quantri', password: 'mat-khau-quan-tri' });
    const organizer = {
      username: 'lan.nt',
      displayName: 'Nguyễn Thị Lan',
      password: 'van-phong-2026',
      roles: ['organizer'],
    };
    // Without the CSRF header a cookie-authenticated change is refused.
    expect((await browser.call('POST', '/api/accounts', organizer, { csrf: false })).body).toMatchObject({
      error: { code: 'CSRF_FAILED' },
    });
    for (const bad of [
      { ...organizer, username: 'x' },
      { ...organizer, password: 'ngan' },
      { ...organizer, roles: ['chair'] },
    ]) {
      expect((await browser.call('POST', '/api/accounts', bad)).status).toBe(400);
    }
    expect(await t.server.accounts.store.get('lan.nt')).toBeNull();
    expect((await browser.call('POST', '/api/accounts', organizer)).status).toBe(201);
    expect((await browser.call('POST', '/api/accounts', organizer)).body).toMatchObject({
      error: { code: 'ACCOUNT_EXISTS' },
    });
  });

  it('roles gate the pages: an organizer cannot import a directory or list accounts; a stranger nothing', async () => {
    const office = new CookieClient(t.url);
    await office.call('POST', '/api/session', { username: 'lan.nt', password: 'van-phong-2026' });
    expect((await office.call('GET', '/api/meetings')).status).toBe(200);
    expect((await office.call('GET', '/api/directory')).status).toBe(200);
    expect((await office.call('POST', '/api/directory', { units: [], points: [] })).body).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    expect((await office.call('GET', '/api/accounts')).status).toBe(403);
    const stranger = new CookieClient(t.url);
    expect((await stranger.call('GET', '/api/meetings')).status).toBe(401);
    expect((await stranger.call('GET', '/api/session')).status).toBe(401);
  });

  it('five wrong passwords lock the account for a while, even against the right one', async () => {
    await admin(t, 'POST', '/api/accounts', {
      username: 'thu.ky',
      displayName: 'Phạm Thu Kỳ',
      password: 'thu-ky-hoi-nghi',
      roles: ['organizer'],
    });
    const browser = new CookieClient(t.url);
    const statuses = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await browser.call('POST', '/api/session', { username: 'thu.ky', password: 'doan-bua' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const right = await browser.call('POST', '/api/session', { username: 'thu.ky', password: 'thu-ky-hoi-nghi' });
    expect(right.body).toMatchObject({ error: { code: 'ACCOUNT_LOCKED' } });
    expect(String((right.body.error as { message: string }).message)).toContain('15 phút');
  });

  it('a signed-out or ended session is refused', async () => {
    const browser = new CookieClient(t.url);
    await browser.call('POST', '/api/session', { username: 'lan.nt', password: 'van-phong-2026' });
    await t.server.accounts.endSessions('lan.nt');
    expect((await browser.call('GET', '/api/meetings')).body).toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
  });

  it('a staff link issued to a person, or opened by the signed-in organizer, names that person in the log and the audit', async () => {
    const issued = await admin(t, 'POST', '/api/meetings/m1/tokens', { role: 'chair', username: 'lan.nt' });
    expect(issued.status).toBe(201);
    const { token, person } = (await issued.json()) as { token: string; person: unknown };
    expect(person).toEqual({ username: 'lan.nt', name: 'Nguyễn Thị Lan' });
    expect((await admin(t, 'POST', '/api/meetings/m1/tokens', { role: 'chair', username: 'khong.co' })).status).toBe(
      404,
    );

    const { socket } = await connectMeeting(t.url, token, { reconnection: false });
    expect(await request(socket, 'meeting:start', {})).toMatchObject({ ok: true });
    expect(await request(socket, 'floor:grant', { pointId: 'DC-X1' })).toMatchObject({ ok: true });
    // A refreshed session token still names the person.
    const refreshed = await request(socket, 'auth:refresh', {});
    expect(refreshed.ok && (await t.server.tokens.verify(refreshed.token)).person).toEqual({
      username: 'lan.nt',
      name: 'Nguyễn Thị Lan',
    });
    socket.close();

    const office = new CookieClient(t.url);
    await office.call('POST', '/api/session', { username: 'quantri', password: 'mat-khau-quan-tri' });
    const opened = await office.call('POST', '/api/meetings/m1/open', { role: 'technician' });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ person: { username: 'quantri', name: 'Lê Văn Quản' } });

    const log = await t.server.meetings.log('m1');
    const grant = log.find((e) => e.type === 'FloorGranted');
    expect(grant?.by).toMatchObject({ role: 'chair', person: { username: 'lan.nt', name: 'Nguyễn Thị Lan' } });
    const audit = await (await admin(t, 'GET', '/api/meetings/m1/audit.csv')).text();
    expect(audit.split('\r\n')[0]).toContain('Người thực hiện');
    expect(audit.split('\r\n').find((l) => l.includes('Mời phát biểu'))).toContain('Nguyễn Thị Lan (lan.nt)');
    expect(audit).toContain('Lê Văn Quản (quantri)');
    expect(audit).toContain('khóa API');
  });

  it('an administrator locks an account (its session ends at once), opens it again, and sets a new password', async () => {
    expect(
      (
        await admin(t, 'POST', '/api/accounts', {
          username: 'nhanvien',
          displayName: 'Phạm Văn Nhân',
          password: 'mat-khau-ban-dau',
          roles: ['organizer'],
        })
      ).status,
    ).toBe(201);
    const office = new CookieClient(t.url);
    expect(
      (await office.call('POST', '/api/session', { username: 'nhanvien', password: 'mat-khau-ban-dau' })).status,
    ).toBe(200);
    const boss = new CookieClient(t.url);
    await boss.call('POST', '/api/session', { username: 'quantri', password: 'mat-khau-quan-tri' });

    const locked = await boss.call('PATCH', '/api/accounts/nhanvien', { disabled: true });
    expect(locked.status).toBe(200);
    expect(locked.body).toMatchObject({ account: { username: 'nhanvien', disabled: true } });
    expect((await office.call('GET', '/api/meetings')).status).toBe(401);
    expect(
      (await office.call('POST', '/api/session', { username: 'nhanvien', password: 'mat-khau-ban-dau' })).status,
    ).toBe(401);

    await boss.call('PATCH', '/api/accounts/nhanvien', { disabled: false, password: 'mat-khau-moi-dat-lai' });
    expect(
      (await office.call('POST', '/api/session', { username: 'nhanvien', password: 'mat-khau-ban-dau' })).status,
    ).toBe(401);
    expect(
      (await office.call('POST', '/api/session', { username: 'nhanvien', password: 'mat-khau-moi-dat-lai' })).status,
    ).toBe(200);
    expect((await office.call('GET', '/api/meetings')).status).toBe(200);

    // Refused, changing nothing: locking oneself, a short password, a field that does not exist, nobody, no CSRF.
    expect((await boss.call('PATCH', '/api/accounts/quantri', { disabled: true })).status).toBe(400);
    expect((await boss.call('PATCH', '/api/accounts/quantri', { roles: ['organizer'] })).status).toBe(400);
    expect((await boss.call('PATCH', '/api/accounts/nhanvien', { password: 'ngan' })).status).toBe(400);
    expect((await boss.call('PATCH', '/api/accounts/nhanvien', { isAdmin: true })).status).toBe(400);
    expect((await boss.call('PATCH', '/api/accounts/khong-co-ai', { disabled: true })).status).toBe(404);
    expect((await boss.call('PATCH', '/api/accounts/nhanvien', { disabled: true }, { csrf: false })).status).toBe(403);
    expect((await office.call('PATCH', '/api/accounts/quantri', { disabled: true })).status).toBe(403);
    const list = (await (await admin(t, 'GET', '/api/accounts')).json()) as {
      accounts: { username: string; disabled: boolean }[];
    };
    expect(list.accounts.filter((a) => a.disabled)).toEqual([]);
  });
});
