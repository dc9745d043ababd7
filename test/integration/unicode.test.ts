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

const nfd = (text: string) => text.normalize('NFD');

/** Vietnamese arrives composed or decomposed, with BOM and CRLF; it is stored in one form at every entry point. */
describe('text in every Unicode form', () => {
  it('a directory file written decomposed, with BOM and CRLF, imports in NFC and matches a name typed composed', async () => {
    const csv = [
      '\uFEFFkind,code,name,level,parent,technician_name,technician_phone',
      nfd('unit,T,Tỉnh Bắc Giang,province,,,'),
      nfd('unit,H,Huyện Việt Yên,district,T,,'),
      nfd('point,DC-H,Điểm cầu Huyện Việt Yên,district,H,Nguyễn Thị Hà,0912 000 111'),
    ].join('\r\n');
    const imported = await fetch(`${t.url}/api/directory`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(imported.status).toBe(201);
    const directory = (await (
      await fetch(`${t.url}/api/directory`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as {
      units: { code: string; name: string }[];
      points: { name: string; technician: { name: string } }[];
    };
    expect(directory.units.find((u) => u.code === 'H')?.name).toBe('Huyện Việt Yên'.normalize('NFC'));
    expect(directory.points[0]?.name).toBe('Điểm cầu Huyện Việt Yên');
    expect(directory.points[0]?.technician.name).toBe('Nguyễn Thị Hà');

    // An edit typed decomposed (a JSON form) is stored composed too.
    const renamed = await fetch(`${t.url}/api/directory/edits`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'rename', code: 'DC-H', name: nfd('Điểm cầu Thị xã Việt Yên') }),
    });
    expect(renamed.status).toBe(200);
    const after = (await (await fetch(`${t.url}/api/directory`, { headers: { 'x-api-key': ADMIN_KEY } })).json()) as {
      points: { name: string }[];
    };
    expect(after.points[0]?.name).toBe('Điểm cầu Thị xã Việt Yên');
  });

  it('a socket request with decomposed text is stored composed (topic, answer, summary)', async () => {
    const point = await t.connect('point', 'DC-X1');
    const chair = await t.connect('chair');
    expect(await request(chair.socket, 'meeting:start', {})).toMatchObject({ ok: true });
    const asked = await request(point.socket, 'floor:request', {
      kind: 'petition',
      topic: nfd('Đường giao thông nông thôn\r\nxã Tân Sơn'),
      department: nfd('Sở Giao thông vận tải'),
    });
    expect(asked.ok).toBe(true);
    const stored = Object.values(t.meeting.state.requests)[0];
    expect(stored?.topic).toBe('Đường giao thông nông thôn\nxã Tân Sơn');
    expect(stored?.department).toBe('Sở Giao thông vận tải');
    expect(stored?.topic).toBe(stored?.topic?.normalize('NFC'));
  });
});
