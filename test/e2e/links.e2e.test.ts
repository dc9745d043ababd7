import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from './browser.js';

/** A link that cannot be used gets a whole page that says why, never a banner on a blank page. */
describe('unusable join links, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a broken or missing link opens a full page that says what happened and whom to ask, in either language', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${t.url}/join?token=khong-phai-ma-that`);
    const refused = page.locator('[data-testid=refused-page]');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('INVALID');
    expect(await text(page, 'h1')).toBe('Đường dẫn tham dự không hợp lệ');
    expect(await refused.innerText()).toContain('Liên hệ văn phòng tổ chức hội nghị');
    await page.getByRole('button', { name: 'EN' }).click();
    expect(await text(page, 'h1')).toBe('This join link is not valid');
    await page.goto(`${t.url}/join`);
    expect(await page.locator('[data-testid=refused-page]').getAttribute('data-code')).toBe('NO_LINK');
    await page.context().close();
  });

  it('a revoked link says so, on its own page', async () => {
    const { tokenId, token } = await t.server.tokens.issue({
      meetingId: 'm1',
      role: 'point',
      pointId: 'DC-X1',
      ttlSec: 600,
    });
    await t.server.tokens.registry?.revoke({
      tokenId,
      meetingId: 'm1',
      revokedAt: Date.now(),
      expiresAt: Date.now() + 600_000,
    });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${t.url}/join?token=${token}`);
    expect(await page.locator('[data-testid=refused-page]').getAttribute('data-code')).toBe('TOKEN_REVOKED');
    expect(await text(page, 'h1')).toBe('Đường dẫn tham dự đã bị thu hồi');
    await page.context().close();
  });
});
