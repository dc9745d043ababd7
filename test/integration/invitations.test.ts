import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMeeting } from '../../server/protocol/client.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const H = 3600_000;

describe("a meeting's links are valid from before its start until it has ended", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(() => t?.close());

  const post = (path: string, body?: unknown) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('a link for next week is refused as not valid yet, saying from when; a link issued with ttlSec works at once', async () => {
    const start = Date.now() + 7 * 24 * H;
    const created = await post('/api/meetings', {
      id: 'tuan-sau',
      title: 'Giao ban tuần sau',
      scheduledStart: start,
      scheduledEnd: start + 3 * H,
      hubPointId: 'DC-T',
      invite: { units: ['H1'] },
      chairs: [{ name: 'Dương Văn Thái', title: 'Bí thư Tỉnh ủy' }],
      agenda: [{ kind: 'opening', title: 'Khai mạc' }],
    });
    expect(created.status).toBe(201);
    const issued = (await (await post('/api/meetings/tuan-sau/tokens/points')).json()) as {
      points: { pointId: string; token: string; expiresAt: number }[];
    };
    expect(issued.points).toHaveLength(3);
    expect(issued.points[0]?.expiresAt).toBe(Math.floor((start + 7 * H) / 1000) * 1000);
    const early = connectMeeting(t.url, issued.points[0]?.token ?? '', { reconnection: false });
    await expect(early).rejects.toMatchObject({ code: 'TOKEN_NOT_YET_VALID' });
    await expect(early).rejects.toThrow(/có hiệu lực từ \d\d\/\d\d\/\d{4} \d\d:\d\d/);

    const now = (await (
      await post('/api/meetings/tuan-sau/tokens', { role: 'point', pointId: 'DC-X1', ttlSec: 600 })
    ).json()) as { expiresAt: number };
    expect(now.expiresAt - Date.now()).toBeLessThanOrEqual(600_000);
  });

  it('each link has a short form for paper, /l/<code>, that leads to the join page with its token, as typed', async () => {
    const issued = (await (await post('/api/meetings/tuan-sau/tokens/points')).json()) as {
      points: { token: string; shortUrl: string }[];
    };
    const [first] = issued.points;
    const code = /\/l\/([a-z2-9]{10})$/.exec(first?.shortUrl ?? '')?.[1] ?? '';
    expect(code).toHaveLength(10);
    expect(new Set(issued.points.map((p) => p.shortUrl)).size).toBe(issued.points.length);
    const follow = (path: string) => fetch(`${t.url}${path}`, { redirect: 'manual' });
    const direct = await follow(`/l/${code}`);
    expect(direct.status).toBe(302);
    expect(direct.headers.get('location')).toBe(`/join?token=${encodeURIComponent(first?.token ?? '')}`);
    // Read off a printed sheet: in capitals, in groups.
    const typed = `${code.slice(0, 5)}-${code.slice(5)}`.toUpperCase();
    expect((await follow(`/l/${typed}`)).headers.get('location')).toBe(direct.headers.get('location'));
    // An unknown code leads to the join page without a token, which explains a broken link.
    // The meeting's links can be listed again (the office's page after a reload), each with its short form.
    const listed = (await (
      await fetch(`${t.url}/api/meetings/tuan-sau/tokens`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as { links: { pointId: string; shortUrl: string; revoked: boolean }[] };
    expect(listed.links.map((l) => l.shortUrl)).toContain(first?.shortUrl);
    expect(listed.links.every((l) => !l.revoked)).toBe(true);
    for (const wrong of ['aaaaaaaaaa', 'xyz', '0000000000']) {
      const response = await follow(`/l/${wrong}`);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/join?ma-sai');
    }
  });
});

describe('a meeting whose end is before its start', () => {
  it('is refused at the field, and nothing is created', async () => {
    const t = await startTestServer();
    try {
      const start = Date.now() + 24 * H;
      const response = await fetch(`${t.url}/api/meetings`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'nguoc',
          title: 'Giờ ngược',
          scheduledStart: start,
          scheduledEnd: start - H,
          hubPointId: 'DC-T',
          invite: { units: ['H1'] },
          chairs: [{ name: 'Dương Văn Thái', title: 'Bí thư Tỉnh ủy' }],
          agenda: [{ kind: 'opening', title: 'Khai mạc' }],
        }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: [{ path: 'scheduledEnd' }] },
      });
      expect(t.server.meetings.has('nguoc')).toBe(false);
    } finally {
      await t.close();
    }
  });
});
