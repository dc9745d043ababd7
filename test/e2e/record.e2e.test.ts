import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium, openConsole } from './browser.js';

/** The secretary (thư ký) keeps the record in the chair's console: summaries, the conclusion, the tasks. */
describe("the secretary's record, in Chromium", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    t = await startTestServer();
    const { socket: chair } = await t.connect('chair');
    await request(chair, 'meeting:start', {});
    const { socket: x1 } = await t.connect('point', 'DC-X1');
    const asked = await request(x1, 'floor:request', {
      kind: 'petition',
      topic: 'Hỗ trợ sửa đường liên xã',
      department: 'Sở Xây dựng',
    });
    if (!asked.ok) {
      throw new Error(asked.error.message);
    }
    await request(chair, 'floor:grant', { requestId: asked.requestId });
    await request(chair, 'floor:revoke', {});
    browser = await launchChromium();
    const secretary = await t.server.tokens.issue({
      meetingId: 'm1',
      role: 'secretary',
      ttlSec: 600,
      person: { username: 'thuky', name: 'Lê Thị Thu' },
    });
    ({ page, errors } = await openConsole(browser, t.url, secretary.token, { width: 1366, height: 768 }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens on the record: the turn is listed with its point, kind, topic and department; a summary is saved', async () => {
    expect(await page.locator('header.top .role').innerText()).toContain('Thư ký');
    const panel = page.locator('[data-testid=record-panel]');
    await panel.waitFor();
    const turn = panel.locator('.turn-log li[data-point="DC-X1"]');
    expect(await turn.innerText()).toContain('Kiến nghị: Hỗ trợ sửa đường liên xã (gửi Sở Xây dựng)');
    await turn.locator('textarea').fill('Xã đề nghị hỗ trợ 2 tỷ đồng sửa 3 km đường liên xã.');
    // Laid out for writing: the record takes most of the 1366-pixel screen, its field several lines tall.
    expect((await panel.boundingBox())?.width ?? 0).toBeGreaterThan(700);
    expect((await turn.locator('textarea').boundingBox())?.height ?? 0).toBeGreaterThan(55);
    expect(await turn.getByTestId('summary-note-0').innerText()).toContain('Chưa lưu');
    await turn.getByRole('button', { name: 'Lưu' }).click();
    await eventually(async () =>
      expect(t.meeting.state.record.summaries[0]).toBe('Xã đề nghị hỗ trợ 2 tỷ đồng sửa 3 km đường liên xã.'),
    );
    // Every save is confirmed (once its answer reaches the browser, which may be after the server stored it).
    await eventually(async () =>
      expect(await turn.getByTestId('summary-note-0').innerText()).toMatch(/^Đã lưu lúc \d\d:\d\d$/),
    );
    const log = await t.server.meetings.log('m1');
    expect(log.at(-1)).toMatchObject({
      type: 'TurnSummarized',
      by: { role: 'secretary', person: { name: 'Lê Thị Thu' } },
    });
  });

  it('a conclusion typed but not saved survives a reload, and is saved with a confirmation', async () => {
    await page.fill('textarea[name=conclusion]', 'Các xã hoàn thành giải phóng mặt bằng trong tháng 12.');
    await page.reload();
    await page.locator('[data-testid=record-panel]').waitFor();
    expect(await page.inputValue('textarea[name=conclusion]')).toBe(
      'Các xã hoàn thành giải phóng mặt bằng trong tháng 12.',
    );
    expect(t.meeting.state.record.conclusion).toBeNull();
    await page.click('[data-testid=save-conclusion]');
    await eventually(async () =>
      expect(await page.getByTestId('conclusion-note').innerText()).toMatch(/^Đã lưu lúc \d\d:\d\d$/),
    );
  });

  it('records the conclusion and assigns a task; a task without whom it goes to is refused at the form', async () => {
    await page.fill('textarea[name=taskText]', 'Khảo sát tuyến đường liên xã');
    await page.click('[data-testid=assign-task]');
    expect(await page.locator('[data-testid=task-error]').innerText()).toBe(
      'Hãy chọn đơn vị hoặc ghi tên cơ quan được giao.',
    );
    await page.selectOption('select[name=taskUnit]', 'X1');
    await page.fill('input[name=taskDepartment]', 'Sở Xây dựng');
    // Dates as written here, whatever the browser's language; a day before the meeting is refused at the form.
    await page.fill('input[name=taskDeadline]', '12/31/2026');
    await page.click('[data-testid=assign-task]');
    expect(await page.locator('[data-testid=task-error]').innerText()).toContain('ngày/tháng/năm');
    await page.fill('input[name=taskDeadline]', '01/01/2020');
    await page.click('[data-testid=assign-task]');
    await eventually(async () =>
      expect(await page.locator('[data-testid=task-error]').innerText()).toContain('trước ngày họp'),
    );
    expect(t.meeting.state.record.tasks).toHaveLength(0);
    await page.fill('input[name=taskDeadline]', '31/12/2026');
    await page.click('[data-testid=assign-task]');
    const row = page.locator('[data-testid=task-table] tr[data-task=t1]');
    await row.waitFor();
    expect(await row.innerText()).toContain('Xã Tân Sơn; Sở Xây dựng');
    expect(await row.innerText()).toContain('31/12/2026');
    expect(await row.getByTestId('task-state').innerText()).toBe('Đang thực hiện');
    await row.getByRole('button', { name: 'Đánh dấu đã xong' }).click();
    await eventually(async () => expect(t.meeting.state.record.tasks[0]?.status).toBe('done'));
    expect(t.meeting.state.record.conclusion).toBe('Các xã hoàn thành giải phóng mặt bằng trong tháng 12.');
  });

  it('downloads the minutes as a Word document, and no page error happened', async () => {
    const download = page.waitForEvent('download');
    await page.click('[data-testid=download-minutes]');
    const file = await (await download).path();
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(errors).toEqual([]);
  });
});
