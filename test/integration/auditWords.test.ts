import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;

beforeEach(async () => {
  t = await startTestServer();
});

afterEach(async () => {
  await t.close();
});

const get = (path: string) => fetch(`${t.url}${path}`, { headers: { 'x-api-key': ADMIN_KEY } });

/** Everything a clerk files is in Vietnamese (English only on request), its lines numbered 1..n. */
describe('the audit trail in the office’s words', () => {
  it('says in Vietnamese what was issued and muted, numbers its lines 1..n, and names each CSV variant apart', async () => {
    const issued = await fetch(`${t.url}/api/meetings/m1/tokens/points`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(issued.status).toBe(201);
    const chair = await t.connect('chair');
    expect(await request(chair.socket, 'mic:muteAll', { exceptChairs: false })).toMatchObject({ ok: true });

    const csv = await get('/api/meetings/m1/audit.csv');
    expect(csv.headers.get('content-disposition')).toContain('nhat-ky-m1.csv');
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^STT,Thời điểm,/);
    const body = lines.slice(1);
    expect(body.map((line) => Number(line.split(',')[0]))).toEqual(body.map((_, i) => i + 1));
    const text = body.join('\n');
    expect(text).toMatch(/Cấp đường dẫn cho các điểm cầu,"?\d+ điểm cầu, hiệu lực đến \d\d\/\d\d\/\d{4}/);
    expect(text).toContain('Tắt micrô mọi điểm cầu');
    expect(text).not.toMatch(/\bpoints\b|valid until|\bmicro\b/);

    const semicolon = await get('/api/meetings/m1/audit.csv?sep=semicolon');
    expect(semicolon.headers.get('content-disposition')).toContain('nhat-ky-m1-cham-phay.csv');
    const english = await (await get('/api/meetings/m1/audit.csv?lang=en')).text();
    expect(english).toMatch(/\d+ points, valid until/);
  });
});
