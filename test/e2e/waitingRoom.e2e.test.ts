import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium, openConsole } from './browser.js';

/**
 * Rooms arrive 30-60 minutes early for the technical check: they wait in a waiting room, are seen by the
 * technicians, and enter the meeting when the chair opens it — without a reload. Links that cannot be used say why
 * and what to do, in the reader's language.
 */
describe('the waiting room and the refusal pages, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let room: Page;
  let technician: Page;
  const errors: string[][] = [];

  beforeAll(async () => {
    // The meeting starts in 45 minutes and is not open yet.
    t = await startTestServer({
      open: false,
      env: { MEDIA_BRIDGE: 'werift', MEDIA_LISTEN_IP: '127.0.0.1', TELEMETRY_INTERVAL_MS: '500' },
      meeting: { scheduledStart: Date.now() + 45 * 60_000 },
    });
    browser = await launchChromium();
    const opened = await Promise.all([
      openConsole(browser, t.url, await t.token('point', 'DC-X1'), { width: 1366, height: 768 }),
      openConsole(browser, t.url, await t.token('technician')),
    ]);
    [room, technician] = opened.map((o) => o.page) as [Page, Page];
    errors.push(...opened.map((o) => o.errors));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an early room waits with the start time and a countdown, runs its check, and the technicians see it', async () => {
    const waiting = room.getByTestId('waiting-room');
    await waiting.waitFor();
    expect(await waiting.innerText()).toMatch(/Hội nghị dự kiến bắt đầu lúc \d\d:\d\d ngày \d\d\/\d\d\/\d{4}\./);
    expect(await room.getByTestId('waiting-left').innerText()).toMatch(/^Còn 4[45]:\d\d$/);
    expect(await room.getByTestId('request-floor').count()).toBe(0);
    await room.waitForSelector('[data-testid=readiness]', { timeout: 30_000 });
    expect(await room.getByTestId('readiness').innerText()).toContain('camera tốt, micrô tốt, mạng tốt');
    await eventually(async () =>
      expect(await technician.getByTestId('readiness-count').innerText()).toMatch(/^1\/\d+ sẵn sàng$/),
    );
  });

  it('the room enters the meeting the moment the chair opens it, without a reload', async () => {
    await room.evaluate(() => {
      (window as { sameDocument?: boolean }).sameDocument = true;
    });
    const chair = await t.connect('chair');
    expect(await request(chair.socket, 'meeting:open', {})).toMatchObject({ ok: true });
    await room.getByTestId('request-floor').waitFor();
    expect(await room.getByTestId('waiting-room').count()).toBe(0);
    expect(await room.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await room.getByTestId('meeting-status').innerText()).toBe('Đã mở, chờ khai mạc');
  });

  it('a link not valid yet says from when, and that no new link is needed', async () => {
    const inAnHour = Date.now() + 3600_000;
    const { token } = await t.server.tokens.issue({
      meetingId: 'm1',
      role: 'point',
      pointId: 'DC-X2',
      window: { notBefore: inAnHour, expiresAt: inAnHour + 3600_000 },
    });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${t.url}/join?token=${token}`);
    const refused = page.getByTestId('refused-page');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('TOKEN_NOT_YET_VALID');
    expect(await page.getByTestId('valid-from').innerText()).toMatch(
      /^Đường dẫn này dùng được từ \d\d:\d\d ngày \d\d\/\d\d\/\d{4}\.$/,
    );
    expect(await refused.innerText()).toContain('không cần xin đường dẫn mới');
    expect(await refused.innerText()).not.toContain('để được cấp đường dẫn mới');
    // The language buttons are readable on the white page (not white on white).
    const english = page.getByRole('button', { name: 'EN' });
    const [color, background] = await english.evaluate((el) => {
      const style = getComputedStyle(el);
      const page = getComputedStyle(el.closest('.refused-page') as Element);

      return [style.color, page.backgroundColor];
    });
    expect(color).not.toBe(background);
    await english.click();
    expect(await page.getByTestId('valid-from').innerText()).toMatch(/^This link can be used from \d\d:\d\d on /);
    await page.context().close();
  });

  it('a mistyped printed code says the code is wrong', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${t.url}/l/abcde-fghjk`);
    const refused = page.getByTestId('refused-page');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('SHORT_CODE_UNKNOWN');
    expect(await page.locator('h1').innerText()).toBe('Mã tham dự không đúng');
    await page.context().close();
  });

  it('after the meeting the refusal does not advise asking for a new link', async () => {
    const chair = await t.connect('chair');
    expect(await request(chair.socket, 'meeting:end', {})).toMatchObject({ ok: true });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${t.url}/join?token=${await t.token('point', 'DC-X3')}`);
    const refused = page.getByTestId('refused-page');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('MEETING_ENDED');
    expect(await refused.innerText()).not.toContain('để được cấp đường dẫn mới');
    await page.context().close();
    expect(errors.flat()).toEqual([]);
  });
});
