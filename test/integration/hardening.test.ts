import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { connectMeeting, request } from '../../server/protocol/client.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;

beforeEach(async () => {
  t = await startTestServer({ env: { CORS_ORIGINS: 'https://console.tinh.gov.vn' } });
});

afterEach(async () => {
  await t.close();
});

const refusal = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'connected',
    (error: { code?: string; message: string }) => error.code ?? error.message,
  );

describe('limits and origins', () => {
  it('refuses a fourth socket on one join token', async () => {
    const token = await t.token('point', 'DC-X1');
    const open = await Promise.all([1, 2, 3].map(() => connectMeeting(t.url, token, { reconnection: false })));
    expect(await refusal(connectMeeting(t.url, token, { reconnection: false }))).toBe('TOO_MANY_CONNECTIONS');
    open[0]?.socket.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await connectMeeting(t.url, token, { reconnection: false });
    expect(again.snapshot.you.pointId).toBe('DC-X1');
    [...open.slice(1), again].forEach((c) => c?.socket.close());
  });

  it('refuses browsers from other origins and accepts configured ones', async () => {
    const token = await t.token('chair');
    const evil = connectMeeting(t.url, token, {
      reconnection: false,
      extraHeaders: { origin: 'https://evil.example' },
    });
    expect(await refusal(evil)).not.toBe('connected');
    const good = await connectMeeting(t.url, token, {
      reconnection: false,
      extraHeaders: { origin: 'https://console.tinh.gov.vn' },
    });
    expect(good.snapshot.you.role).toBe('chair');
    good.socket.close();
  });

  it('sends security headers, and CORS headers only to configured origins', async () => {
    const page = await fetch(`${t.url}/`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const allowed = await fetch(`${t.url}/api/meetings`, {
      headers: { origin: 'https://console.tinh.gov.vn', 'x-api-key': ADMIN_KEY },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.tinh.gov.vn');
    const other = await fetch(`${t.url}/api/meetings`, {
      headers: { origin: 'https://evil.example', 'x-api-key': ADMIN_KEY },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refreshes a token for a long meeting with the same claims and a later expiry', async () => {
    const { socket } = await t.connect('point', 'DC-X2');
    const ack = await request(socket, 'auth:refresh', {});
    if (!ack.ok) {
      throw new Error(ack.error.code);
    }
    const claims = await t.server.tokens.verify(ack.token);
    expect(claims).toMatchObject({ meetingId: 'm1', role: 'point', pointId: 'DC-X2' });
    expect(ack.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('refuses to start in production with the default secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET and ADMIN_API_KEY/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ADMIN_API_KEY: 'a-real-admin-key' }),
    ).not.toThrow();
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });
});

describe('audit trail', () => {
  it('records who did what, when and from where, exports included, and exports it', async () => {
    const { socket: chair } = await t.connect('chair');
    await request(chair, 'meeting:start', {});
    await request(chair, 'floor:grant', { pointId: 'DC-X3' });
    await request(chair, 'floor:revoke', {});
    await fetch(`${t.url}/api/meetings/m1/attendance.csv`, { headers: { 'x-api-key': ADMIN_KEY } });
    await fetch(`${t.url}/api/meetings/m1/tokens`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'technician' }),
    });

    const trail = (await (
      await fetch(`${t.url}/api/meetings/m1/audit.json`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as {
      rows: {
        type: string;
        role: string;
        roleCode: string;
        tokenId: string;
        address: string;
        action: string;
        detail: string;
      }[];
    };
    expect(trail.rows.map((r) => r.type)).toEqual(
      expect.arrayContaining(['SessionStarted', 'FloorGranted', 'FloorEnded', 'AuditRecorded']),
    );
    const grant = trail.rows.find((r) => r.type === 'FloorGranted');
    // People read words: the action, the role and the point by name, never codes.
    expect(grant).toMatchObject({
      action: 'Mời phát biểu',
      role: 'Chủ trì',
      roleCode: 'chair',
      tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      address: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(grant?.detail).toContain('Điểm cầu Xã Đông Hà');
    expect(trail.rows.find((r) => r.action === 'Xuất danh sách tham dự')).toMatchObject({
      role: 'Quản trị',
      detail: 'tệp CSV',
    });
    expect(trail.rows.find((r) => r.action === 'Cấp đường dẫn tham dự')?.detail).toContain('Kỹ thuật viên');
    // Points' own actions and the server's are not staff actions.
    expect(
      trail.rows.every((r) =>
        ['chair', 'cochair', 'technician', 'observer', 'secretary', 'admin'].includes(r.roleCode),
      ),
    ).toBe(true);

    const bytes = Buffer.from(
      await (await fetch(`${t.url}/api/meetings/m1/audit.csv`, { headers: { 'x-api-key': ADMIN_KEY } })).arrayBuffer(),
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8');
    expect(csv).toContain('Thao tác');
    expect(csv).toContain('Mời phát biểu');
    expect(csv).not.toMatch(/FloorGranted|[{}]/);
    const english = await (
      await fetch(`${t.url}/api/meetings/m1/audit.csv?lang=en`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).text();
    expect(english).toContain('Floor granted');
  });
});
