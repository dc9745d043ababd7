import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMeeting } from '../../server/protocol/client.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium } from './browser.js';

/** The office prepares a meeting in Chromium, as a signed-in person, and the record names that person. */
describe('the organizer console, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let office: Page;
  let meetingId = '';
  const errors: string[] = [];

  beforeAll(async () => {
    t = await startTestServer({
      env: { MEDIA_BRIDGE: 'werift', MEDIA_LISTEN_IP: '127.0.0.1' },
    });
    const created = await fetch(`${t.url}/api/accounts`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'lan.nt',
        displayName: 'Nguyễn Thị Lan',
        password: 'van-phong-2026',
        roles: ['organizer', 'admin'],
      }),
    });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    office = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    office.on('pageerror', (error) => errors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in (a wrong password is said at the form, in Vietnamese)', async () => {
    await office.goto(`${t.url}/to-chuc`);
    await office.fill('input[name=username]', 'lan.nt');
    await office.fill('input[name=password]', 'sai-mat-khau');
    await office.getByRole('button', { name: 'Đăng nhập' }).click();
    expect(await office.locator('[data-testid=sign-in-error]').innerText()).toBe('Sai tên đăng nhập hoặc mật khẩu');
    await office.fill('input[name=password]', 'van-phong-2026');
    await office.getByRole('button', { name: 'Đăng nhập' }).click();
    expect(await office.locator('[data-testid=signed-in-as]').innerText()).toBe('Nguyễn Thị Lan');
  });

  it('imports a directory: a broken file is listed row by row and changes nothing; a clean one replaces it', async () => {
    await office.click('[data-testid=nav-directory]');
    const count = office.locator('[data-testid=directory-count]');
    expect(await count.innerText()).toBe('7 đơn vị, 7 điểm cầu');
    const header = 'kind,code,name,level,parent,technician_name,technician_phone';
    const rows = [
      'unit,T,Tỉnh Thử Nghiệm,province,,,',
      'unit,H1,Huyện Một,district,T,,',
      'unit,H2,Huyện Hai,district,T,,',
      ...['X1,Xã Tân Sơn,H1', 'X2,Xã Hòa Lâm,H1', 'X5,Xã Mới Lập,H1', 'X3,Xã Đông Hà,H2', 'X4,Xã Phú Lộc,H2'].map(
        (row) => {
          const [code, name, parent] = row.split(',');
          return `unit,${code},${name},commune,${parent},,`;
        },
      ),
      ...['T', 'H1', 'H2', 'X1', 'X2', 'X5', 'X3', 'X4'].map(
        (code) => `point,DC-${code},Điểm cầu ${code},commune,${code},Nguyễn Văn An,0912345678`,
      ),
    ];
    const file = (name: string, lines: string[]) => ({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from([header, ...lines].join('\n')),
    });
    await office.setInputFiles(
      'input[name=directoryFile]',
      file('hong.csv', [...rows, 'unit,X1,Trùng mã,commune,H1,,', 'point,DC-X9,Điểm cầu lạc,commune,KHONG-CO,,']),
    );
    const problems = office.locator('[data-testid=import-problems] tbody tr');
    await problems.first().waitFor();
    expect(await problems.count()).toBeGreaterThanOrEqual(2);
    expect(await office.locator('[data-testid=import-problems]').innerText()).toContain('Danh bạ không thay đổi');
    expect(await count.innerText()).toBe('7 đơn vị, 7 điểm cầu');

    await office.setInputFiles('input[name=directoryFile]', file('danh-ba.csv', rows));
    await office.locator('[data-testid=import-ready]').waitFor();
    await office.getByRole('button', { name: 'Thay danh bạ bằng tệp này' }).click();
    await office.locator('[data-testid=import-done]').waitFor();
    await eventually(async () => expect(await count.innerText()).toBe('8 đơn vị, 8 điểm cầu'));

    // One change at a time: a district moved under its own commune is refused and said why; a rename is saved.
    await office.selectOption('select[name=action]', 'move');
    await office.selectOption('select[name=target]', 'H1');
    await office.selectOption('select[name=parent]', 'X1');
    await office.getByRole('button', { name: 'Lưu thay đổi' }).click();
    expect(await office.locator('[data-testid=directory-edit-error]').innerText()).toContain('vòng lặp');
    await office.selectOption('select[name=action]', 'rename');
    await office.selectOption('select[name=target]', 'X5');
    await office.fill('input[name=newName]', 'Xã Tân Lập');
    await office.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await office.locator('[data-testid=directory-edit-saved]').waitFor();
    // The tree is read again after the save.
    await eventually(async () =>
      expect(await office.locator('li[data-unit="X5"] strong').innerText()).toBe('Xã Tân Lập'),
    );
    // Each point shows its technician, whom the hub's technicians call.
    expect(await office.locator('li[data-unit="X5"] .directory-point').innerText()).toBe(
      'Điểm cầu X5 — kỹ thuật viên Nguyễn Văn An, 0912345678',
    );
    await office.click('text=Các hội nghị');
  });

  it('an administrator creates an account for a colleague; a too-short password is refused at the form', async () => {
    await office.click('text=Tài khoản');
    await office.fill('input[name=newUsername]', 'hung.tv');
    await office.fill('input[name=newDisplayName]', 'Trần Văn Hùng');
    await office.fill('input[name=newPassword]', 'ngan');
    await office.getByRole('button', { name: 'Tạo tài khoản' }).click();
    expect(await office.locator('[data-testid=account-error]').innerText()).toContain('Mật khẩu phải có từ 10');
    await office.fill('input[name=newPassword]', 'mat-khau-ban-dau');
    await office.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await office.locator('[data-testid=accounts] td:text-is("Trần Văn Hùng")').waitFor();
    // A colleague who leaves is locked (their sessions end at once) and can be opened again.
    const row = office.locator('[data-testid=accounts] tr[data-account="hung.tv"]');
    await row.getByRole('button', { name: 'Khóa', exact: true }).click();
    await row.locator('text=Đã khóa').waitFor();
    await row.getByRole('button', { name: 'Mở khóa' }).click();
    await row.locator('text=Đang dùng').waitFor();
    await office.click('text=Các hội nghị');
  });

  it('schedules a meeting for a subtree, with the count of its points, and issues and prints the invitations', async () => {
    await office.click('[data-testid=new-meeting]');
    // Nothing filled: each field says what is missing, and nothing is created.
    await office.getByRole('button', { name: 'Tạo hội nghị' }).last().click();
    expect(await office.locator('.new-meeting .field-error').count()).toBeGreaterThanOrEqual(5);
    await office.fill('input[name=title]', 'Giao ban trực tuyến Huyện Một tháng 12');
    // Half an hour from now, Hanoi time: the links open two hours before the start, so they work today.
    const iso = new Date(Date.now() + 30 * 60_000 + 7 * 3600_000).toISOString().slice(0, 16);
    // Typed as written here (dd/mm/yyyy hh:mm, 24 h), whatever the browser's language.
    const typed = (isoText: string) => {
      const [date, time] = isoText.split('T') as [string, string];

      return `${date.split('-').reverse().join('/')} ${time}`;
    };
    const start = typed(iso);
    await office.fill('input[name=start]', '12/31/2026 8:00 PM');
    await office.getByRole('button', { name: 'Tạo hội nghị' }).last().click();
    expect(await office.locator('.new-meeting .field-error').first().innerText()).toContain('ngày/tháng/năm giờ:phút');
    await office.fill('input[name=start]', start);
    await office.selectOption('select[name=hub]', 'DC-T');
    await office.selectOption('select[name=unit]', 'H1');
    await eventually(async () =>
      expect(await office.locator('[data-testid=invited-count]').innerText()).toBe('4 điểm cầu được mời'),
    );
    await office.fill('input[name=chairName]', 'Dương Văn Thái');
    await office.fill('input[name=chairTitle]', 'Chủ tịch UBND huyện');
    await office.fill('input[name=coChairName]', 'Hoàng Thị Mai');
    await office.fill('input[name=coChairTitle]', 'Bí thư Huyện ủy');
    await office.getByRole('button', { name: 'Thêm mục' }).click();
    await office.fill('input[name=agenda-4]', 'Sở Y tế báo cáo tình hình dịch bệnh');
    // An end before the start is said at the form, and nothing is created.
    const hour = (offset: number) =>
      typed(new Date(Date.parse(`${iso}:00Z`) + offset * 3600_000).toISOString().slice(0, 16));
    await office.fill('input[name=end]', hour(-1));
    await office.getByRole('button', { name: 'Tạo hội nghị' }).last().click();
    expect(await office.locator('[data-testid=new-meeting-error]').innerText()).toBe(
      'Giờ kết thúc phải sau giờ bắt đầu.',
    );
    await office.fill('input[name=end]', hour(3));
    await office.getByRole('button', { name: 'Tạo hội nghị' }).last().click();
    await office.locator('#meeting-title').waitFor();
    expect(await office.locator('#meeting-title').innerText()).toBe('Giao ban trực tuyến Huyện Một tháng 12');
    expect(await office.locator('.meeting-page > p.muted').innerText()).toContain(start);
    meetingId = decodeURIComponent(new URL(office.url()).hash.replace('#/hoi-nghi/', ''));
    // The office corrects the title before the meeting: the form opens with what was set, times included.
    await office.click('[data-testid=edit-meeting]');
    expect(await office.inputValue('.new-meeting input[name=start]')).toBe(start);
    expect(await office.inputValue('.new-meeting input[name=end]')).toBe(hour(3));
    await office.fill('.new-meeting input[name=title]', 'Giao ban trực tuyến Huyện Một tháng 12/2026');
    await office.click('[data-testid=save-meeting]');
    await office.locator('[data-testid=meeting-saved]').waitFor();
    await eventually(async () =>
      expect(await office.locator('#meeting-title').innerText()).toBe('Giao ban trực tuyến Huyện Một tháng 12/2026'),
    );
    const detail = (await (
      await fetch(`${t.url}/api/meetings/${encodeURIComponent(meetingId)}`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as { agenda: { title: string }[]; chairs: { role: string }[]; settings: { speakingLimitSec: number } };
    expect(detail.agenda.map((item) => item.title).at(-1)).toBe('Sở Y tế báo cáo tình hình dịch bệnh');
    expect(detail.chairs.map((c) => c.role)).toEqual(['chair', 'cochair']);
    expect(detail.settings.speakingLimitSec).toBe(300);

    await office.click('[data-testid=issue-links]');
    const rows = office.locator('[data-testid=issued-links] tbody tr');
    await eventually(async () => expect(await rows.count()).toBe(4));
    await office.click('[data-testid=print-sheet]');
    const sheet = office.locator('[data-testid=invitation-sheet]');
    await sheet.waitFor();
    // One table for the district: its communes' points together, not a page per commune.
    expect(await sheet.locator('h2').allInnerTexts()).toEqual(['Huyện Một']);
    await eventually(async () => expect(await sheet.locator('img[src^="data:image/png"]').count()).toBe(4));
    // Printed without the console around it, every text at 9 pt (12 px) or more.
    await office.emulateMedia({ media: 'print' });
    expect(await office.locator('.organizer-nav').isVisible()).toBe(false);
    const sizes = await sheet
      .locator('th, td, h1, h2, p')
      .evaluateAll((cells) => cells.map((cell) => parseFloat(getComputedStyle(cell).fontSize)));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    await office.emulateMedia({ media: 'screen' });
    const pdf = await office.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
  });

  it('the chair console opens as the signed-in person; a point joins with its printed link; revoking it cuts it off', async () => {
    const sheet = office.locator('[data-testid=invitation-sheet]');
    const x1Link = await sheet.locator('tr[data-point="DC-X1"] .sheet-link').innerText();
    // The printed link is the short one, its code in two groups (what people type off paper).
    expect(x1Link).toMatch(/\/l\/[a-z2-9]{5}-[a-z2-9]{5}$/);
    await office.getByRole('button', { name: 'Đóng' }).click();
    // The page reloaded (or opened again tomorrow) lists the links issued, without issuing new ones.
    await office.reload();
    await eventually(async () => expect(await office.locator('[data-testid=issued-links] tbody tr').count()).toBe(4));

    const popup = office.context().waitForEvent('page');
    await office.click('[data-testid=open-chair]');
    const chair = await popup;
    await chair.waitForSelector('header.top');
    await chair.getByRole('button', { name: 'Mở hội nghị' }).click();
    await chair.getByRole('button', { name: 'Khai mạc' }).click();
    await chair.locator('[data-testid=meeting-status]:has-text("Đang họp")').waitFor();

    const room = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await room.goto(x1Link);
    await room.locator('header.top').waitFor();
    expect(await room.locator('header.top .role').innerText()).toBe('Điểm cầu X1');

    const x1Row = office.locator('[data-testid=issued-links] tr[data-point="DC-X1"]');
    await x1Row.getByRole('button', { name: 'Thu hồi' }).click();
    // Revoking cuts a connected room off: the office confirms first.
    expect(await x1Row.getByTestId('confirm').innerText()).toContain('Thu hồi đường dẫn của Điểm cầu X1?');
    await x1Row.getByTestId('confirm-yes').click();
    const refused = room.locator('[data-testid=refused-page]');
    await refused.waitFor({ timeout: 10_000 });
    expect(await refused.getAttribute('data-code')).toBe('TOKEN_REVOKED');
    await room.reload();
    expect(await room.locator('[data-testid=refused-page]').getAttribute('data-code')).toBe('TOKEN_REVOKED');
    await room.context().close();

    // Another point is on; the chair, who is the signed-in office person here, calls on it.
    const { token } = await t.server.tokens.issue({ meetingId, role: 'point', pointId: 'DC-X2', ttlSec: 600 });
    const x2 = await connectMeeting(t.url, token, { reconnection: false });
    const thumb = chair.locator('.thumb[data-point="DC-X2"]');
    await thumb.getByRole('button', { name: 'Mời', exact: true }).click();
    // Calling on a point reaches everyone: the chair confirms, naming the room.
    expect(await thumb.getByTestId('confirm').innerText()).toContain('Mời Điểm cầu X2 phát biểu?');
    await thumb.getByTestId('confirm-yes').click();
    await chair.locator('[data-testid=speaker-card]').getByText('Điểm cầu X2').waitFor();
    x2.socket.close();

    const audit = await (
      await fetch(`${t.url}/api/meetings/${encodeURIComponent(meetingId)}/audit.csv`, {
        headers: { 'x-api-key': ADMIN_KEY },
      })
    ).text();
    const granted = audit.split('\r\n').find((line) => line.includes('Mời phát biểu'));
    expect(granted).toContain('Nguyễn Thị Lan (lan.nt)');
    expect(audit.split('\r\n').find((line) => line.includes('Thu hồi đường dẫn'))).toContain('Nguyễn Thị Lan (lan.nt)');

    // The office files the record from the meeting's page, with its own session.
    for (const [testId, expected] of [
      ['record-attendanceCsvSemicolon', 'STT;Đơn vị;Điểm cầu;Mã điểm cầu;Điểm danh'],
      ['record-minutes', 'PK'],
      ['record-tasks', 'PK'],
    ] as const) {
      const href = await office.locator(`[data-testid=${testId}]`).getAttribute('href');
      const start = await office.evaluate(async (url) => {
        const response = await fetch(url ?? '');

        return response.ok ? (await response.text()).slice(0, 3000) : `HTTP ${response.status}`;
      }, href);
      expect(start).toContain(expected);
    }
    expect(errors).toEqual([]);
  });

  it('issues a staff link to a named person; the console it opens acts as that person', async () => {
    await office.selectOption('select[name=person]', 'lan.nt');
    await office.selectOption('select[name=staffRole]', 'technician');
    await office.getByRole('button', { name: 'Cấp đường dẫn', exact: true }).click();
    const item = office.locator('[data-testid=staff-links] li').first();
    await item.waitFor();
    expect(await item.innerText()).toContain('Nguyễn Thị Lan — Kỹ thuật viên');
    const link = await item.locator('input.link-text').inputValue();
    const page = await (await browser.newContext()).newPage();
    await page.goto(link);
    expect(await page.locator('header.top .role').innerText()).toBe('Kỹ thuật viên');
    await page.context().close();
  });

  it('copies the meeting as the start of next month’s: everything but the date', async () => {
    await office.click('[data-testid=copy-meeting]');
    expect(await office.inputValue('.new-meeting input[name=title]')).toBe(
      'Giao ban trực tuyến Huyện Một tháng 12/2026',
    );
    await eventually(async () =>
      expect(await office.locator('[data-testid=invited-count]').innerText()).toBe('4 điểm cầu được mời'),
    );
    await office.fill('.new-meeting input[name=title]', 'Giao ban trực tuyến Huyện Một tháng 1');
    await office.fill('.new-meeting input[name=start]', '15/01/2027 08:00');
    await office.locator('.new-meeting').getByRole('button', { name: 'Tạo hội nghị' }).click();
    await office.locator('#meeting-title:text-is("Giao ban trực tuyến Huyện Một tháng 1")').waitFor();
    expect(await office.locator('.meeting-page > p.muted').innerText()).toContain('15/01/2027 08:00');
    expect(await office.locator('.meeting-page > p.muted').innerText()).toContain('4 điểm cầu được mời');
  });
});
