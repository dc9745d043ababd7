import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { nextMessage, startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium, openConsole, wait, waitForVideo } from './browser.js';

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

/** The three consoles against a real server and bridge, driven as their users drive them. */
describe('chair, bridge point and technician consoles, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let chair: Page;
  let point: Page;
  let technician: Page;
  const errors: string[][] = [];

  beforeAll(async () => {
    t = await startTestServer({
      env: {
        MEDIA_BRIDGE: 'werift',
        MEDIA_LISTEN_IP: '127.0.0.1',
        LINK_DISCONNECT_SEC: '1',
        TELEMETRY_INTERVAL_MS: '500',
      },
    });
    browser = await launchChromium();
    const opened = await Promise.all([
      openConsole(browser, t.url, await t.token('chair')),
      openConsole(browser, t.url, await t.token('point', 'DC-X1'), { width: 1366, height: 768 }),
      openConsole(browser, t.url, await t.token('technician')),
    ]);
    [chair, point, technician] = opened.map((o) => o.page) as [Page, Page, Page];
    errors.push(...opened.map((o) => o.errors));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('speaks Vietnamese by default and English on request', async () => {
    expect(await chair.getAttribute('html', 'lang')).toBe('vi');
    // "Mute all" says whether it includes the chairs.
    expect(await chair.getByRole('button', { name: 'Tắt tiếng tất cả, kể cả chủ trì' }).isVisible()).toBe(true);
    expect(await text(chair, '#floor-title')).toBe('Đăng ký phát biểu');
    expect(await text(point, '[data-testid=request-floor]')).toBe('Xin phát biểu');
    await technician.getByRole('button', { name: 'EN' }).click();
    expect(await text(technician, '#alerts-title')).toBe('Alerts');
    await technician.getByRole('button', { name: 'VI' }).click();
    expect(await text(technician, '#alerts-title')).toBe('Cảnh báo');
  });

  it('the point runs its readiness check and the technician board counts it', async () => {
    await point.waitForSelector('[data-testid=readiness]', { timeout: 20_000 });
    expect(await text(point, '[data-testid=readiness]')).toContain('camera tốt, micrô tốt, mạng tốt');
    // The room sees the hub's camera in its program and its own camera in the self view.
    await waitForVideo(point, 'program-hub');
    await waitForVideo(point, 'self-view');
    await eventually(async () => {
      expect(await text(technician, '[data-testid=readiness-count]')).toBe('1/6 sẵn sàng');
    });
  });

  it('a point requests the floor → the chair sees it → grants → the point sees its countdown', async () => {
    await chair.click('[data-testid=start-meeting]');
    await chair.waitForSelector('[data-testid=meeting-status]:has-text("Đang họp")');
    const layoutBefore = await chair.locator('.rollcall-panel').boundingBox();

    await point.fill('input[name=topic]', 'Tiến độ giải ngân vốn đầu tư công');
    // The room sees how much of the 300-character topic is left, not a silent cut.
    expect(await text(point, '[data-testid=topic-left]')).toBe('Còn 267 ký tự');
    await point.click('[data-testid=request-floor]');
    await point.waitForSelector('[data-testid=queue-position]:has-text("1")');
    // First in line: the room is told to get ready.
    await point.waitForSelector('[data-testid=get-ready]');

    const row = chair.locator('.queue-row[data-point="DC-X1"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('Tiến độ giải ngân vốn đầu tư công');
    expect(await row.innerText()).toContain('Phát biểu');
    // A new request does not move the panels below the queue.
    expect(await chair.locator('.rollcall-panel').boundingBox()).toEqual(layoutBefore);

    await row.getByRole('button', { name: 'Mời', exact: true }).click();
    const countdown = point.locator('[data-testid=countdown]');
    await countdown.waitFor();
    expect(await countdown.getAttribute('data-phase')).toBe('normal');
    expect(await countdown.innerText()).toMatch(/[45]:\d\d/);
    expect(await text(point, '[data-testid=mic-open]')).toContain('Micrô đang mở');
    await eventually(async () =>
      expect(await text(chair, '[data-testid=speaker-card]')).toContain('Điểm cầu Xã Tân Sơn'),
    );
  });

  it('the chair works from the keyboard: S stops the speaker, N calls the next, focus is visible', async () => {
    await chair.locator('body').click({ position: { x: 5, y: 300 } });
    await chair.keyboard.press('s');
    await point.locator('[data-testid=countdown]').waitFor({ state: 'detached' });
    // The room is told the chair ended its turn; its microphone is no longer shown as open.
    expect(await text(point, '[data-testid=turn-notice]')).toBe('Chủ trì đã dừng lượt phát biểu của điểm cầu');
    expect(await point.locator('[data-testid=mic-open]').count()).toBe(0);
    await point.click('[data-testid=request-floor]');
    await chair.locator('.queue-row[data-point="DC-X1"]').waitFor();
    await chair.keyboard.press('n');
    await point.locator('[data-testid=countdown]').waitFor();
    await chair.locator('[data-testid=speaker-card] [data-testid=countdown]').waitFor();
    await chair.keyboard.press('s');
    await point.locator('[data-testid=countdown]').waitFor({ state: 'detached' });

    await chair.keyboard.press('Tab');
    const outline = await chair.evaluate(() => {
      const focused = document.activeElement as HTMLElement;

      return { tag: focused.tagName, outline: getComputedStyle(focused).outlineStyle };
    });
    expect(outline.tag).toMatch(/BUTTON|SELECT|INPUT/);
    expect(outline.outline).not.toBe('none');
  });

  it('the countdown turns amber from the warning (a 30 s turn starts in it) on both consoles', async () => {
    const { socket: chairSocket } = await t.connect('chair');
    expect(await request(chairSocket, 'floor:grant', { pointId: 'DC-X1', limitSec: 30 })).toMatchObject({ ok: true });
    for (const page of [point, chair]) {
      const countdown = page.locator('[data-testid=countdown]');
      await countdown.waitFor();
      // Amber from the first tick of the countdown's clock (the grant itself may land a few ms before 30 s left).
      await eventually(async () => expect(await countdown.getAttribute('data-phase')).toBe('warning'));
      expect(await countdown.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 241, 214)');
    }
    expect(await request(chairSocket, 'floor:revoke', {})).toMatchObject({ ok: true });
    await point.locator('[data-testid=countdown]').waitFor({ state: 'detached' });
  });

  it('a room is told when its request is not accepted and when a roll call closed without its answer', async () => {
    const { socket: chairSocket } = await t.connect('chair');
    await point.click('[data-testid=request-floor]');
    await point.waitForSelector('[data-testid=queue-position]');
    const requestId = t.meeting.state.queue[0] as string;
    expect(await request(chairSocket, 'floor:deny', { requestId, reason: 'Nội dung đã được báo cáo' })).toMatchObject({
      ok: true,
    });
    await eventually(async () =>
      expect(await text(point, '[data-testid=turn-notice]')).toBe(
        'Yêu cầu phát biểu không được chấp nhận: Nội dung đã được báo cáo',
      ),
    );
    const started = await request(chairSocket, 'rollcall:start', { deadlineSec: 30 });
    await point.waitForSelector('[data-testid=rollcall-prompt]');
    expect(await request(chairSocket, 'rollcall:close', {})).toMatchObject({ ok: true });
    expect(started).toMatchObject({ ok: true });
    await eventually(async () =>
      expect(await text(point, '[data-testid=rollcall-missed]')).toBe('Điểm danh đã kết thúc — chưa xác nhận'),
    );
  });

  it('the chair records an answer to a petition (the point receives it) and jumps to an agenda item', async () => {
    const { socket: x4 } = await t.connect('point', 'DC-X4');
    expect(await request(x4, 'floor:request', { kind: 'petition', topic: 'Sửa đường liên xã' })).toMatchObject({
      ok: true,
    });
    await chair.locator('.queue-row[data-point="DC-X4"]').getByRole('button', { name: 'Mời', exact: true }).click();
    const answered = nextMessage(x4, 'floor:answer');
    await chair.getByText('Trả lời kiến nghị').click();
    await chair.fill('input[name=answeredBy]', 'Sở Giao thông vận tải');
    await chair.fill('textarea[name=answerText]', 'Sở sẽ khảo sát trong tháng 12.');
    await chair.getByRole('button', { name: 'Ghi trả lời' }).click();
    expect(await answered).toMatchObject({
      answeredBy: 'Sở Giao thông vận tải',
      text: 'Sở sẽ khảo sát trong tháng 12.',
    });
    await chair.keyboard.press('Escape');
    await chair.locator('body').click({ position: { x: 5, y: 300 } });
    await chair.keyboard.press('s');

    const third = t.meeting.state.def.agenda[2];
    await chair.getByRole('button', { name: third?.title ?? '?' }).click();
    await eventually(async () => {
      expect(t.meeting.state.agendaIndex).toBe(2);
      expect(await chair.locator('.agenda li.current').innerText()).toContain(third?.title ?? '?');
    });
  });

  it('an observer sees the queue and the tally but no controls', async () => {
    const { page, errors: observerErrors } = await openConsole(browser, t.url, await t.token('observer'));
    await page.waitForSelector('[data-testid=floor-queue]');
    expect(await page.locator('.queue-actions, [data-testid=rollcall-start], .mic-panel').count()).toBe(0);
    expect(await page.locator('#floor-title').innerText()).toBe('Đăng ký phát biểu');
    expect(observerErrors).toEqual([]);
    await page.close();
  });

  it("a roll call starts → the point confirms with headcount and presiding official → the chair's tally updates", async () => {
    await chair.click('[data-testid=rollcall-start]');
    const present = chair.locator('[data-testid=rollcall-totals] [data-outcome=present] dd');
    await present.waitFor();
    expect(await present.innerText()).toBe('0');
    expect(await chair.locator('[data-testid=rollcall-totals] [data-outcome=pending] dd').innerText()).toBe('6');

    await point.waitForSelector('[data-testid=rollcall-prompt]');
    await point.fill('input[name=headcount]', '23');
    await point.fill('input[name=presidingName]', 'Nguyễn Văn Bình');
    await point.fill('input[name=presidingTitle]', 'Chủ tịch UBND xã');
    await point.click('[data-testid=rollcall-confirm]');
    expect(await text(point, '[data-testid=rollcall-confirmed]')).toContain('23 người');
    // The edit button says what it does (not a bare "✎").
    expect(await point.getByRole('button', { name: 'Sửa xác nhận có mặt' }).isVisible()).toBe(true);

    await eventually(async () => expect(await present.innerText()).toBe('1'));
    expect(await chair.locator('[data-testid=rollcall-totals] [data-outcome=pending] dd').innerText()).toBe('5');
  });

  it('a simulated point degrades → the technician sees it turn red and an alert appear, and acknowledges it', async () => {
    const { socket: sim } = await t.connect('point', 'DC-H2');
    const chip = technician.locator('.chip[data-point="DC-H2"]');
    await eventually(async () => expect(await chip.getAttribute('data-health')).toBe('stable'));
    // Heavy loss for several samples: unstable; given the floor like this, the speaker alert is raised.
    for (let i = 0; i < 4; i += 1) {
      await request(sim, 'telemetry:sample', { lossPct: 25, rttMs: 900, fpsIn: 4, fpsOut: 3 });
      await wait(550);
    }
    await eventually(async () => expect(await chip.getAttribute('data-health')).toBe('unstable'));
    const { socket: chairSocket } = await t.connect('chair');
    expect(await request(chairSocket, 'floor:grant', { pointId: 'DC-H2' })).toMatchObject({ ok: true });
    const alert = technician.locator('.alert[data-kind="speaker_degraded"][data-point="DC-H2"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.innerText()).toContain('Điểm đang phát biểu có đường truyền kém');

    // Then its link dies: red in the tree and in the table.
    sim.disconnect();
    await eventually(async () => expect(await chip.getAttribute('data-health')).toBe('disconnected'));
    expect(await technician.locator('.links tr[data-point="DC-H2"]').getAttribute('data-health')).toBe('disconnected');
    expect(await chip.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(198, 40, 40)');

    await alert.getByRole('button', { name: 'Đã nắm' }).click();
    await eventually(async () => expect(await alert.getAttribute('data-status')).not.toBe('open'));

    await technician.locator('.links tr[data-point="DC-X1"] button').click();
    await technician.locator('[data-testid=point-detail] .time-chart canvas').first().waitFor();
    expect(await technician.locator('[data-testid=point-detail] .time-chart').count()).toBe(4);
  });

  // Late in the file: a point that joined and dropped counts as no signal in a roll call.
  it('the technician tells a point that never joined (grey "Chưa vào") from one that joined and dropped (red)', async () => {
    const never = technician.locator('.chip[data-point="DC-X2"]');
    await eventually(async () => expect(await never.getAttribute('data-health')).toBe('notJoined'));
    expect(await never.getAttribute('title')).toContain('Chưa vào');
    const dropped = technician.locator('.chip[data-point="DC-X3"]');
    expect(await dropped.getAttribute('data-health')).toBe('notJoined');
    const { socket } = await t.connect('point', 'DC-X3');
    await eventually(async () => expect(await dropped.getAttribute('data-health')).not.toBe('notJoined'));
    socket.close();
    await eventually(async () => expect(await dropped.getAttribute('data-health')).toBe('disconnected'));
    expect(await dropped.getAttribute('title')).toContain('Mất kết nối');
    // The chair's grid says the same in words.
    const tile = chair.locator('.thumb[data-point="DC-X2"] [data-health]');
    expect(await tile.getAttribute('data-health')).toBe('notJoined');
  });

  it('every console fits 1366×768 and 1920×1080 without sideways scrolling, and no page threw', async () => {
    for (const page of [chair, point, technician]) {
      for (const viewport of [
        { width: 1366, height: 768 },
        { width: 1920, height: 1080 },
      ]) {
        await page.setViewportSize(viewport);
        await wait(200);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${page.url().slice(0, 40)} at ${viewport.width}`).toBeLessThanOrEqual(0);
      }
    }
    expect(errors.flat()).toEqual([]);
  });
});
