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

  it('the nation issues an invitation, the province enters its code as read out, and both pages say they are linked', async () => {
    const centre = await signedIn(nation, 'vp.tw');
    await centre.goto(`${nation.url}/to-chuc#/hoi-nghi/tw`);
    // The centre is offered what its meeting can do: invite the provinces (not itself), issue no links for rooms it
    // does not hold, and no link up (nothing is above it).
    await eventually(async () =>
      expect(await centre.getByTestId('linked-unit').locator('option').allInnerTexts()).toEqual([
        '—',
        'Tỉnh Bắc Giang',
        'Tỉnh Lạng Sơn',
      ]),
    );
    await centre.getByTestId('no-points-here').waitFor();
    expect(await centre.getByTestId('issue-links').count()).toBe(0);
    expect(await centre.getByTestId('uplink-url').count()).toBe(0);
    await centre.getByTestId('linked-unit').selectOption('P1');
    await centre.getByTestId('linked-invite').click();
    expect(await centre.getByTestId('linked-invitation').innerText()).toContain('Tỉnh Bắc Giang');
    // Ten signs in two groups, to read over the phone; the whole invitation is there too, folded away.
    const code = await centre.getByTestId('linked-code').innerText();
    expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    expect((await centre.getByTestId('linked-token').inputValue()).length).toBeGreaterThan(100);
    await centre.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await centre.getByTestId('linked-code-copy').click();
    await eventually(async () => expect(await centre.getByTestId('linked-code-copy').innerText()).toBe('Đã sao chép'));
    expect(await centre.evaluate(() => navigator.clipboard.readText())).toBe(code);

    const office = await signedIn(province, 'vp.tinh');
    await office.goto(`${province.url}/to-chuc#/hoi-nghi/tinh`);
    // The province's page does not offer to invite itself (its communes are its own rooms).
    expect(await office.getByTestId('linked-unit').count()).toBe(0);
    // A mistyped address is said at the form and changes nothing.
    await office.getByTestId('uplink-url').fill('http://127.0.0.9:9');
    await office.getByTestId('uplink-token').fill(code);
    await office.getByTestId('uplink-link').click();
    await eventually(async () =>
      expect(await office.getByTestId('linked-error').innerText()).toContain(
        'Không kết nối được tới hội nghị cấp trên',
      ),
    );
    expect(province.server.meetings.get('tinh').state.uplink).toBeNull();
    // A code misheard is refused by the centre, in words; nothing is linked.
    await office.getByTestId('uplink-url').fill(nation.url);
    await office.getByTestId('uplink-token').fill(code.startsWith('2') ? `3${code.slice(1)}` : `2${code.slice(1)}`);
    await office.getByTestId('uplink-link').click();
    await eventually(async () =>
      expect(await office.getByTestId('linked-error').innerText()).toContain('Mã mời liên thông không đúng'),
    );
    expect(province.server.meetings.get('tinh').state.uplink).toBeNull();

    // As typed from the phone: lower case, a space instead of the dash.
    await office.getByTestId('uplink-token').fill(code.toLowerCase().replace('-', ' '));
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

  it('the centre prepares a national conference in the console: it invites the provinces, whose rooms are on their own systems', async () => {
    const centre = await signedIn(nation, 'vp.tw2');
    await centre.click('[data-testid=new-meeting]');
    await centre.fill('input[name=title]', 'Hội nghị toàn quốc về chuyển đổi số');
    const inHanoi = new Date(Date.now() + 30 * 60_000 + 7 * 3600_000).toISOString().slice(0, 16);
    const [date, time] = inHanoi.split('T') as [string, string];
    await centre.fill('input[name=start]', `${date.split('-').reverse().join('/')} ${time}`);
    await centre.selectOption('select[name=hub]', 'TW');
    await centre.selectOption('select[name=unit]', 'VN');
    await eventually(async () =>
      expect(await centre.getByTestId('invited-count').innerText()).toBe(
        '0 điểm cầu được mời · 2 đơn vị kết nối liên thông từ hệ thống của mình (Tỉnh Bắc Giang, Tỉnh Lạng Sơn): cấp lời mời ở mục «Kết nối liên thông» sau khi tạo',
      ),
    );
    await centre.fill('input[name=chairName]', 'Phạm Minh Chính');
    await centre.fill('input[name=chairTitle]', 'Thủ tướng Chính phủ');
    await centre.getByRole('button', { name: 'Tạo hội nghị' }).last().click();
    await centre.locator('#meeting-title').waitFor();
    expect(await centre.locator('#meeting-title').innerText()).toBe('Hội nghị toàn quốc về chuyển đổi số');
    // The new meeting's linked section offers the provinces at once.
    await eventually(async () =>
      expect(await centre.getByTestId('linked-unit').locator('option').allInnerTexts()).toEqual([
        '—',
        'Tỉnh Bắc Giang',
        'Tỉnh Lạng Sơn',
      ]),
    );
    await centre.getByTestId('linked-unit').selectOption('P2');
    await centre.getByTestId('linked-invite').click();
    expect(await centre.getByTestId('linked-invitation').innerText()).toContain('Tỉnh Lạng Sơn');
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
