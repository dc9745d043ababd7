import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/domain/core/model.js';
import { squash, textViaLibreOffice } from '../helpers/office.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const SECRETARY: Actor = { role: 'secretary', person: { username: 'thuky', name: 'Lê Thị Thu' } };

/** The task register an office follows up: per meeting and across meetings for a unit, opened in LibreOffice. */
describe('the task register', () => {
  let t: TestServer;
  const get = (path: string) => fetch(`${t.url}${path}`, { headers: { 'x-api-key': ADMIN_KEY } });

  beforeAll(async () => {
    // A meeting held long ago (opened, its session never started): its tasks can be overdue today.
    t = await startTestServer({ meeting: { scheduledStart: Date.parse('2020-01-10T01:00:00Z') } });
    const m = t.meeting;
    await m.execute(
      { type: 'task.assign', text: 'Sửa cầu treo bản Mường', unitId: 'X1', deadline: '2020-01-31' },
      SECRETARY,
    );
    await m.execute(
      { type: 'task.assign', text: 'Nạo vét kênh Đông Hà', unitId: 'X3', deadline: '2099-06-30' },
      SECRETARY,
    );
    await m.execute(
      { type: 'task.assign', text: 'Hướng dẫn thủ tục đất đai', department: 'Sở Nông nghiệp' },
      SECRETARY,
    );
  });

  afterAll(() => t?.close());

  it('a deadline before the meeting day is refused at the field, and nothing is assigned', async () => {
    const seq = t.meeting.state.seq;
    await expect(
      t.meeting.execute(
        { type: 'task.assign', text: 'Việc nhầm năm', unitId: 'X1', deadline: '2019-12-31' },
        SECRETARY,
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'deadline', message: 'Hạn hoàn thành phải từ ngày họp 10/01/2020 trở đi' }],
    });
    expect(t.meeting.state.seq).toBe(seq);
  });

  it("one meeting's tasks as a workbook: each with whom it goes to, its deadline and its state in words", async () => {
    const response = await get('/api/meetings/m1/tasks.xlsx');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('nhiem-vu-m1.xlsx');
    const text = squash(await textViaLibreOffice(Buffer.from(await response.arrayBuffer()), 'xlsx'));
    for (const expected of [
      'Nhiệm vụ được giao tại hội nghị: Giao ban thử nghiệm',
      'Sửa cầu treo bản Mường',
      'Xã Tân Sơn',
      '31/01/2020',
      'Quá hạn',
      'Nạo vét kênh Đông Hà',
      'Đang thực hiện',
      'Sở Nông nghiệp',
    ]) {
      expect(text).toContain(squash(expected));
    }
  }, 120_000);

  it('the office marks a task done; a unknown task or status is refused and changes nothing', async () => {
    const post = (taskId: string, body: unknown) =>
      fetch(`${t.url}/api/meetings/m1/tasks/${taskId}`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const seq = t.meeting.state.seq;
    expect((await post('t9', { status: 'done' })).status).toBe(404);
    expect((await post('t1', { status: 'xong' })).status).toBe(400);
    expect(t.meeting.state.seq).toBe(seq);
    const done = await post('t1', { status: 'done' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ task: { taskId: 't1', status: 'done' } });
  });

  it("across meetings for a district: its communes' tasks only; an unknown unit is refused", async () => {
    const response = await get('/api/tasks.xlsx?unit=H1');
    expect(response.status).toBe(200);
    const text = squash(await textViaLibreOffice(Buffer.from(await response.arrayBuffer()), 'xlsx'));
    expect(text).toContain(squash('Sổ theo dõi nhiệm vụ: Huyện Một'));
    expect(text).toContain(squash('Sửa cầu treo bản Mường'));
    expect(text).toContain(squash('Đã hoàn thành'));
    expect(text).not.toContain(squash('Nạo vét kênh Đông Hà'));
    expect((await get('/api/tasks.xlsx?unit=KHONG-CO')).status).toBe(404);
    expect((await fetch(`${t.url}/api/tasks.xlsx`)).status).toBe(401);
  }, 120_000);
});
