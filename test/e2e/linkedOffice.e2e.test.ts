import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteUnit, startNation, startProvince, type Coordinator } from '../helpers/linked.js';
import { eventually, launchChromium } from './browser.js';

/**
 * Both offices link their meetings in Chromium, each on its own coordinator: the nation's office issues the
 * invitation for a province, the province's office enters it in its own meeting, and each page says the link's state
 * in words.
 */
describe('linking meetings from the organizer console, in Chromium', () => {
  let nation: Coordinator;
  let province: Coordinator;
  let browser: Browser;
  const errors: string[] = [];
  const env = { MEDIA_BRIDGE: 'werift', MEDIA_LISTEN_IP: '127.0.0.1' };

  const signedIn = async (c: Coordinator, username: string): Promise<Page> => {
    const created = await c.api('POST', '/api/accounts', {
      username,
      displayName: 'Trần Văn Hòa',
      password: 'van-phong-2026',
      roles: ['organizer'],
    });
    expect(created.status).toBe(201);
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${c.url}/to-chuc`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', 'van-phong-2026');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('[data-testid=signed-in-as]').waitFor();

    return page;
  };

  beforeAll(async () => {
    nation = await startNation('127.0.0.2', env);
    province = await startProvince('127.0.0.3', 'tinh', env);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await province?.close();
    await nation?.close();
  });

  it('the nation issues an invitation, the province enters it, and both pages say they are linked', async () => {
    const centre = await signedIn(nation, 'vp.tw');
    await centre.goto(`${nation.url}/to-chuc#/hoi-nghi/tw`);
    await centre.getByTestId('linked-unit').selectOption('P1');
    await centre.getByTestId('linked-invite').click();
    const token = await centre.getByTestId('linked-token').inputValue();
    expect(token.length).toBeGreaterThan(100);
    expect(await centre.getByTestId('linked-invitation').innerText()).toContain('Tỉnh Bắc Giang');

    const office = await signedIn(province, 'vp.tinh');
    await office.goto(`${province.url}/to-chuc#/hoi-nghi/tinh`);
    // A mistyped address is said at the form and changes nothing.
    await office.getByTestId('uplink-url').fill('http://127.0.0.9:9');
    await office.getByTestId('uplink-token').fill(token);
    await office.getByTestId('uplink-link').click();
    await eventually(async () =>
      expect(await office.getByTestId('linked-error').innerText()).toContain(
        'Không kết nối được tới hội nghị cấp trên',
      ),
    );
    expect(province.server.meetings.get('tinh').state.uplink).toBeNull();

    await office.getByTestId('uplink-url').fill(nation.url);
    await office.getByTestId('uplink-link').click();
    await eventually(async () =>
      expect(await office.getByTestId('uplink-state').innerText()).toContain(
        'Đã kết nối với Hội nghị trực tuyến toàn quốc',
      ),
    );
    await centre.reload();
    await eventually(async () =>
      expect(await centre.getByTestId('linked-children').innerText()).toContain(
        'Tỉnh Bắc Giang: Giao ban thử nghiệm · đã kết nối',
      ),
    );

    // The province unlinks; the nation sees it.
    office.once('dialog', (dialog) => void dialog.accept());
    await office.getByTestId('uplink-remove').click();
    await office.getByTestId('uplink-link').waitFor();
    await eventually(async () => expect(nation.server.meetings.get('tw').state.links.P1?.state).toBe('unlinked'));
    expect(errors).toEqual([]);
  });

  it('the invitation is good for linking only: it opens no console of the nation', async () => {
    const token = await inviteUnit(nation, 'P2');
    const res = await fetch(`${nation.url}/api/meetings/tw/attendance.json`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${nation.url}/join?token=${token}`);
    await eventually(async () =>
      expect(await page.getByTestId('refused-page').getAttribute('data-code')).toBe('INVALID'),
    );
  });
});
