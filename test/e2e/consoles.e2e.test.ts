import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { ADMIN_KEY, nextMessage, startTestServer, type TestServer } from '../helpers/server.js';
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
    await chair.getByRole('tab', { name: 'Micrô' }).click();
    expect(await chair.getByRole('button', { name: 'Tắt tiếng tất cả, kể cả chủ trì' }).isVisible()).toBe(true);
    await chair.getByRole('tab', { name: 'Chương trình' }).click();
    // A point is named once in its header ("Điểm cầu Xã Tân Sơn", not "Điểm cầu · Điểm cầu Xã Tân Sơn").
    expect(await text(point, 'header.top .top-title p')).toMatch(/^Điểm cầu Xã Tân Sơn\s*Đã mở/);
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
    const layoutBefore = await chair.locator('.side-tabs').boundingBox();
    expect(layoutBefore).not.toBeNull();

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
    expect(await chair.locator('.side-tabs').boundingBox()).toEqual(layoutBefore);

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

  it('the countdown turns amber from the warning (a 30 s turn starts in it) on both consoles, and the room is told when time is up', async () => {
    const { socket: chairSocket } = await t.connect('chair');
    expect(await request(chairSocket, 'floor:grant', { pointId: 'DC-X1', limitSec: 30 })).toMatchObject({ ok: true });
    for (const page of [point, chair]) {
      const countdown = page.locator('[data-testid=countdown]');
      await countdown.waitFor();
      // Amber from the first tick of the countdown's clock (the grant itself may land a few ms before 30 s left).
      await eventually(async () => expect(await countdown.getAttribute('data-phase')).toBe('warning'));
      expect(await countdown.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 241, 214)');
    }
    // Left to run out, the turn ends by itself and the room is told why.
    await point.locator('[data-testid=countdown]').waitFor({ state: 'detached', timeout: 45_000 });
    expect(await text(point, '[data-testid=turn-notice]')).toBe('Hết thời gian phát biểu');
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
    // Moving the agenda reaches everyone, so the title asks first (meetingDay.e2e covers the refusal).
    const thirdItem = chair.locator('.agenda li').nth(2);
    await thirdItem.locator('button.agenda-title').click();
    await thirdItem.getByTestId('confirm-yes').click();
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
    await chair.getByRole('tab', { name: 'Điểm danh' }).click();
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

  it('a roll call past its deadline: the late window on both sides, field errors in Vietnamese, absent points by name, a combined re-run', async () => {
    const { socket: chairSocket } = await t.connect('chair');
    const clock = chair.locator('[data-testid=rollcall-clock]');
    expect(await clock.getAttribute('data-phase')).toBe('answering');
    expect(await clock.innerText()).toMatch(/^Còn \d:\d\d để xác nhận$/);
    expect(await request(chairSocket, 'rollcall:close', {})).toMatchObject({ ok: true });

    expect(await request(chairSocket, 'rollcall:start', { deadlineSec: 5 })).toMatchObject({ ok: true });
    await point.waitForSelector('[data-testid=rollcall-prompt] form');
    expect(await text(point, '[data-testid=rollcall-when]')).toContain('Xác nhận có mặt trước');
    // After the deadline: one clock for the late window at the chair, and the room is told it will count as late.
    await eventually(async () => expect(await clock.getAttribute('data-phase')).toBe('late'), 10_000);
    expect(await clock.innerText()).toMatch(/^Đã quá hạn, đang nhận xác nhận muộn: còn [45]:\d\d$/);
    await eventually(async () =>
      expect(await text(point, '[data-testid=rollcall-when]')).toContain('sẽ ghi là đến muộn'),
    );

    // The form keeps the last answers (the same people attend all day). Emptied, the console says so at each field,
    // in Vietnamese (never the browser's "Please fill out this field").
    expect(await point.inputValue('input[name=headcount]')).toBe('23');
    for (const name of ['headcount', 'presidingName', 'presidingTitle']) {
      await point.fill(`input[name=${name}]`, '');
    }
    await point.click('[data-testid=rollcall-confirm]');
    expect(await text(point, '[data-testid=error-headcount]')).toBe('Cần nhập mục này');
    expect(await text(point, '[data-testid=error-presidingName]')).toBe('Cần nhập mục này');
    await point.fill('input[name=headcount]', 'hai mươi');
    expect(await text(point, '[data-testid=error-headcount]')).toBe('Nhập một số nguyên từ 0 đến 10000');
    expect(await point.locator('input[name=headcount]').getAttribute('aria-invalid')).toBe('true');
    await point.fill('input[name=headcount]', '20');
    await point.fill('input[name=presidingName]', 'Trần Văn Hùng');
    await point.fill('input[name=presidingTitle]', 'Phó Chủ tịch UBND xã');
    await point.click('[data-testid=rollcall-confirm]');
    expect(await text(point, '[data-testid=rollcall-confirmed]')).toContain('Đã xác nhận (muộn): 20 người');

    // The chair lists who is missing, by name under their unit, and the headcount is in the totals.
    await eventually(async () =>
      expect(await text(chair, '[data-testid=rollcall-totals] [data-outcome=headcount] dd')).toBe('20'),
    );
    await chair.locator('[data-testid=rollcall-missing] summary').click();
    const missing = chair.locator('[data-testid=rollcall-missing]');
    expect(await missing.innerText()).toContain('Huyện Một');
    expect(await missing.innerText()).toContain('Điểm cầu Xã Hòa Lâm — Vắng');
    expect(await missing.locator('li[data-point="DC-X1"]').count()).toBe(0);

    // The re-run shows the first run and itself together: the late room is still counted.
    expect(await request(chairSocket, 'rollcall:close', {})).toMatchObject({ ok: true });
    await chair.getByRole('button', { name: /Điểm danh lại các điểm vắng/ }).click();
    await chair.locator('[data-testid=rollcall-combined]').waitFor();
    expect(await text(chair, '[data-testid=rollcall-totals] [data-outcome=late] dd')).toBe('1');
    expect(await text(chair, '[data-testid=rollcall-totals] [data-outcome=headcount] dd')).toBe('20');
    expect(await request(chairSocket, 'rollcall:close', {})).toMatchObject({ ok: true });
  });

  it('a room without camera and microphone takes part receive-only, is shown so to chair and technician, and retries without a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript(() => {
      const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints) =>
        (window as unknown as { allowDevices?: boolean }).allowDevices === true
          ? real(constraints)
          : Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const room = await context.newPage();
    await room.goto(`${t.url}/join?token=${await t.token('point', 'DC-H1')}`);
    await room.locator('[data-testid=device-error]').waitFor({ timeout: 20_000 });
    await waitForVideo(room, 'program-hub');
    await eventually(async () =>
      expect(await text(room, '[data-testid=readiness]')).toBe('Kiểm tra: camera không có, micrô không có, mạng tốt'),
    );
    expect(await text(room, '[data-testid=self-view-waiting]')).toContain('Không có hình');

    // The technician sees a live point that only receives, not a lost one.
    const row = technician.locator('.links tr[data-point="DC-H1"]');
    await eventually(async () => {
      expect(await row.getAttribute('data-health')).toBe('stable');
      expect(await row.locator('[data-testid=device-gap]').innerText()).toBe('không có micrô/camera');
    });
    // Nor does the attendance record count an outage for it.
    const record = await fetch(`${t.url}/api/meetings/m1/attendance.json`, { headers: { 'x-api-key': ADMIN_KEY } });
    const rows = ((await record.json()) as { rows: { pointId: string; presence: string; outageSeconds: number }[] })
      .rows;
    expect(rows.find((r) => r.pointId === 'DC-H1')).toMatchObject({ presence: 'present', outageSeconds: 0 });
    // It asks for the floor; the chair sees before calling on it that it has no microphone.
    await room.click('[data-testid=request-floor]');
    const queued = chair.locator('.queue-row[data-point="DC-H1"]');
    await queued.waitFor();
    expect(await queued.locator('[data-testid=device-gap]').innerText()).toBe('không có micrô/camera');

    // The person allows the devices and presses "Thử lại": camera and microphone open, no reload.
    await room.evaluate(() => {
      (window as unknown as { allowDevices?: boolean }).allowDevices = true;
    });
    await room.getByRole('button', { name: 'Thử lại' }).click();
    await room.locator('[data-testid=device-error]').waitFor({ state: 'detached', timeout: 20_000 });
    await waitForVideo(room, 'self-view');
    await eventually(async () =>
      expect(await text(room, '[data-testid=readiness]')).toBe('Kiểm tra: camera tốt, micrô tốt, mạng tốt'),
    );
    await eventually(async () => expect(await queued.locator('[data-testid=device-gap]').count()).toBe(0));
    await room.click('text=Rút đăng ký');
    await queued.waitFor({ state: 'detached' });
    await context.close();
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
    // Next in line on a poor link: named as the next, not as the speaker.
    expect(await request(sim, 'floor:request', { kind: 'speech' })).toMatchObject({ ok: true });
    const next = technician.locator('.alert[data-kind="next_degraded"][data-point="DC-H2"]');
    await next.waitFor({ timeout: 15_000 });
    expect(await next.innerText()).toContain('Điểm được mời phát biểu tiếp theo có đường truyền kém');
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
    // The count beside the list counts what the list shows: open ones and cleared ones.
    await eventually(async () => {
      const listed = await technician.locator('.alert').count();
      const cleared = await technician.locator('.alert[data-status=cleared]').count();
      expect(await text(technician, '[data-testid=alert-count]')).toBe(
        `${listed - cleared} đang mở, ${cleared} đã hết`,
      );
      expect(cleared).toBeGreaterThan(0);
    });

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

  it('at 1366×768 the chair keeps program, queue and tabs on screen, and the technician every table column', async () => {
    for (const page of [chair, technician]) {
      await page.setViewportSize({ width: 1366, height: 768 });
    }
    await wait(300);
    for (const selector of ['[data-testid=program-hub]', '[data-testid=floor-queue]', '.side-tabs', '.grid-panel']) {
      const box = await chair.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      expect((box?.y ?? 0) + (box?.height ?? 0), selector).toBeLessThanOrEqual(768);
    }
    // The fitted page holds still (a scrollbar must not make the page size and the box chase each other, which
    // re-routed the thumbnails without end).
    const pages = new Set<string>();
    for (let i = 0; i < 10; i += 1) {
      pages.add(await text(chair, '.grid-panel .pager span'));
      await wait(150);
    }
    expect([...pages]).toHaveLength(1);
    // The program stays put when the grid scrolls.
    const program = await chair.locator('[data-testid=program-hub]').boundingBox();
    await chair.locator('.thumbs-box').evaluate((el) => el.scrollBy(0, 400));
    expect(await chair.locator('[data-testid=program-hub]').boundingBox()).toEqual(program);
    const table = await technician.locator('.table-panel .table-scroll').boundingBox();
    const lastColumn = await technician.locator('table.links thead th').last().boundingBox();
    expect((lastColumn?.x ?? 0) + (lastColumn?.width ?? 0)).toBeLessThanOrEqual(
      (table?.x ?? 0) + (table?.width ?? 0) + 1,
    );
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
