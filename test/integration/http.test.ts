import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { smallMeetingInput } from '../helpers/domain.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;

beforeEach(async () => {
  t = await startTestServer();
});

afterEach(async () => {
  await t.close();
});

const call = async (
  method: string,
  path: string,
  { body, headers = {} }: { body?: string | object; headers?: Record<string, string> } = {},
) => {
  const isText = typeof body === 'string';
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-api-key': ADMIN_KEY,
      ...(body === undefined ? {} : { 'content-type': isText ? 'text/csv' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? null : isText ? body : JSON.stringify(body),
  });

  return response;
};

describe('HTTP', () => {
  it('/healthz answers without a key', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(await response.json()).toMatchObject({ ok: true, meetings: 1 });
  });

  it('refuses the admin API without the key, and unknown routes, as JSON errors', async () => {
    const response = await call('GET', '/api/meetings', { headers: { 'x-api-key': 'wrong' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const missing = await call('GET', '/api/nothing');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('imports a directory CSV all-or-nothing with line-numbered errors', async () => {
    const header = 'kind,code,name,level,parent,technician_name,technician_phone';
    const broken = [header, 'unit,T,Tỉnh A,province,,,', 'point,DC-T,Điểm cầu,province,NOPE,,'].join('\n');
    const refused = await call('POST', '/api/directory', { body: broken });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { code: string; details: { line: number }[] } };
    expect(body.error.code).toBe('IMPORT_INVALID');
    expect(body.error.details[0]?.line).toBe(3);
    const unchanged = (await (await call('GET', '/api/directory')).json()) as { points: unknown[] };
    expect(unchanged.points).toHaveLength(7);

    const good = [
      header,
      'unit,T,Tỉnh A,province,,,',
      'unit,X,Xã Bình Minh,commune,T,,',
      'point,DC-X,Điểm cầu xã Bình Minh,commune,X,Lê An,0912 000 111',
    ].join('\n');
    const dry = await call('POST', '/api/directory?dryRun=1', { body: good });
    expect(await dry.json()).toMatchObject({ ok: true, dryRun: true, units: 2, points: 1 });
    expect(((await (await call('GET', '/api/directory')).json()) as { points: unknown[] }).points).toHaveLength(7);
    const applied = await call('POST', '/api/directory', { body: good });
    expect(applied.status).toBe(201);
    expect(((await (await call('GET', '/api/directory')).json()) as { points: unknown[] }).points).toHaveLength(1);
  });

  it('refuses a body that is not JSON or is too large', async () => {
    const unreadable = await fetch(`${t.url}/api/meetings`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: '{"title":',
    });
    expect(unreadable.status).toBe(400);
    const huge = await call('POST', '/api/directory', { body: { units: [], points: [], pad: 'x'.repeat(5_000_000) } });
    expect(huge.status).toBe(413);
  });

  it('creates meetings with validation, lists and gets them', async () => {
    const invalid = await call('POST', '/api/meetings', { body: { title: '' } });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const unknownPoint = await call('POST', '/api/meetings', {
      body: { ...smallMeetingInput(), invite: { points: ['DC-ZZ'] } },
    });
    expect(unknownPoint.status).toBe(404);

    const created = await call('POST', '/api/meetings', {
      body: {
        ...smallMeetingInput(),
        id: 'm2',
        scheduledStart: '2026-11-26T08:00:00+07:00',
        invite: { units: ['H1'], points: ['DC-X4'] },
      },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      id: 'm2',
      invited: 4,
      status: 'scheduled',
      scheduledStart: Date.UTC(2026, 10, 26, 1),
    });
    expect((await call('POST', '/api/meetings', { body: { ...smallMeetingInput(), id: 'm2' } })).status).toBe(409);
    const list = (await (await call('GET', '/api/meetings')).json()) as { meetings: { id: string }[] };
    expect(list.meetings.map((m) => m.id).sort()).toEqual(['m1', 'm2']);
    expect(await (await call('GET', '/api/meetings/m2')).json()).toMatchObject({
      invitation: { units: ['H1'], points: ['DC-X4'] },
    });
  });

  it('issues join tokens for chairs, technicians and invited points only', async () => {
    const chair = await call('POST', '/api/meetings/m1/tokens', { body: { role: 'chair' } });
    expect(chair.status).toBe(201);
    expect(((await chair.json()) as { joinUrl: string }).joinUrl).toMatch(/\/join\?token=/);
    expect((await call('POST', '/api/meetings/m1/tokens', { body: { role: 'point' } })).status).toBe(400);
    expect((await call('POST', '/api/meetings/m1/tokens', { body: { role: 'point', pointId: 'DC-T' } })).status).toBe(
      409,
    );
    const all = (await (await call('POST', '/api/meetings/m1/tokens/points')).json()) as {
      points: { pointId: string }[];
    };
    expect(all.points.map((p) => p.pointId)).toEqual(['DC-H1', 'DC-H2', 'DC-X1', 'DC-X2', 'DC-X3', 'DC-X4']);
  });

  it('exports attendance as CSV (UTF-8 with BOM) and XLSX grouped by unit, for staff only', async () => {
    const { socket: chair } = await t.connect('chair');
    const x1 = (await t.connect('point', 'DC-X1')).socket;
    await request(chair, 'rollcall:start', {});
    await request(x1, 'rollcall:confirm', {
      headcount: 21,
      presiding: { name: 'Ngô Thị Mai', title: 'Bí thư Đảng ủy xã' },
    });

    const technician = await t.token('technician');
    const csv = await call('GET', '/api/meetings/m1/attendance.csv', {
      headers: { 'x-api-key': '', authorization: `Bearer ${technician}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    // A heading a clerk files: the title, the date, the time, the hub.
    expect(lines[0]).toBe('Giao ban thử nghiệm');
    expect(lines.some((l) => /^Ngày họp: \d\d\/\d\d\/\d{4}$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('Điểm cầu chính: '))).toBe(true);
    expect(lines).toContain(
      'STT,Đơn vị,Điểm cầu,Mã điểm cầu,Điểm danh,Giờ xác nhận,Số đại biểu,Người chủ trì tại điểm cầu,Chức vụ,' +
        'Thời gian tham dự,Thời gian có mặt (giờ:phút),Tỷ lệ có mặt (%),Số lần mất tín hiệu,' +
        'Thời gian mất tín hiệu (giây),Thời gian chập chờn (giây),Kỹ thuật viên,Điện thoại kỹ thuật viên',
    );
    const x1Line = lines.find((l) => l.includes('DC-X1'));
    expect(x1Line).toContain('Xã Tân Sơn');
    expect(x1Line).toContain('Ngô Thị Mai');
    expect(x1Line).toMatch(/,Có mặt,\d\d:\d\d,21,/);
    // A room that never came: its roll call still open, no time present.
    expect(lines.find((l) => l.includes('DC-X2'))).toContain(',Chưa xác nhận,,,,,Không tham dự,0:00,');
    expect(lines).toContain(
      ',Cộng: Huyện Một,3 điểm cầu,,Có mặt 1; Đến muộn 0; Vắng 0; Mất tín hiệu 0; Chưa xác nhận 2,,21,,,,,,0,0,0,,',
    );
    expect(lines.filter((l) => l.startsWith(',Tổng,'))).toHaveLength(1);

    // Excel under Vietnamese regional settings: semicolons.
    const semicolon = await (await call('GET', '/api/meetings/m1/attendance.csv?sep=semicolon')).text();
    expect(semicolon).toContain('STT;Đơn vị;Điểm cầu;Mã điểm cầu;Điểm danh');
    const badSeparator = await call('GET', '/api/meetings/m1/attendance.csv?sep=tab');
    expect(badSeparator.status).toBe(400);
    expect(await badSeparator.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });

    const english = await call('GET', '/api/meetings/m1/attendance.csv?lang=en');
    expect(await english.text()).toContain('Bridge point');

    const xlsx = await call('GET', '/api/meetings/m1/attendance.xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain('tham-du-m1.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.getWorksheet('Tham dự');
    const values = Array.from(sheet?.getSheetValues() ?? [], (row) => (Array.isArray(row) ? row.slice(1) : []));
    const texts = values.map((row) => row.join('|'));
    expect(texts[1]?.split('|')[0]).toBe('Giao ban thử nghiệm');
    expect(sheet?.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToWidth: 1 });
    // Group rows are merged across the table; each cell of the merge reads the unit's name.
    expect(texts.some((row) => row.split('|')[0] === 'Huyện Một' && !row.includes('Điểm cầu'))).toBe(true);
    expect(texts.find((row) => row.includes('Điểm cầu Xã Tân Sơn'))).toContain('Ngô Thị Mai');
    // The technical details (codes, technicians) have a sheet of their own, out of the printed record.
    expect(texts.some((row) => row.includes('DC-X1'))).toBe(false);
    const technical = workbook.getWorksheet('Kỹ thuật');
    expect(JSON.stringify(technical?.getSheetValues())).toContain('DC-X1');
    expect(workbook.getWorksheet('Nhật ký thao tác')).toBeDefined();

    const pointToken = await t.token('point', 'DC-X1');
    const forbidden = await call('GET', '/api/meetings/m1/attendance.csv', {
      headers: { 'x-api-key': '', authorization: `Bearer ${pointToken}` },
    });
    expect(forbidden.status).toBe(403);
    await call('POST', '/api/meetings', { body: { ...smallMeetingInput(), id: 'm3' } });
    const foreign = await t.token('chair', undefined, 'm3');
    const wrong = await call('GET', '/api/meetings/m1/attendance.csv', {
      headers: { 'x-api-key': '', authorization: `Bearer ${foreign}` },
    });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: 'WRONG_MEETING' } });
  });
});
