import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type MeetingConnection } from '../../server/protocol/client.js';
import { nextMessage, startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium, openConsole } from './browser.js';

const SMALL = { width: 1366, height: 768 };
const LONG_TOPIC = (
  'Kiến nghị về tiến độ giải phóng mặt bằng dự án đường vành đai, đề nghị Sở Tài nguyên và Môi trường, ' +
  'Sở Giao thông vận tải, Sở Tài chính và Sở Kế hoạch và Đầu tư phối hợp giải quyết dứt điểm các vướng mắc về ' +
  'đơn giá bồi thường, tái định cư cho 126 hộ dân trước ngày 30/10 để kịp tiến độ thi công.'
).slice(0, 300);

/** Whether `inner` lies wholly inside `outer` (both on screen), to the pixel. */
async function within(inner: Locator, outer: Locator): Promise<boolean> {
  const [a, b] = await Promise.all([inner.boundingBox(), outer.boundingBox()]);
  if (a === null || b === null) {
    return false;
  }

  return a.y >= b.y - 1 && a.y + a.height <= b.y + b.height + 1 && a.x >= b.x - 1 && a.x + a.width <= b.x + b.width + 1;
}

/** Nothing wider than the window: no control or caption pushed off the right edge. */
const noSidewaysOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/**
 * The meeting day at 1366×768 as the chair and the communes live it: a queue of long petitions, a room without
 * microphone or camera, the chair's own microphone, clicks that affect everyone, the hall's big screen.
 */
describe('the meeting day at 1366×768, in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let chair: Page;
  let room: Page;
  let mute: Page;
  const sockets: MeetingConnection[] = [];
  const errors: string[][] = [];

  beforeAll(async () => {
    t = await startTestServer({
      env: { MEDIA_BRIDGE: 'werift', MEDIA_LISTEN_IP: '127.0.0.1', TELEMETRY_INTERVAL_MS: '500' },
    });
    browser = await launchChromium();
    const openedChair = await openConsole(browser, t.url, await t.token('chair'), SMALL);
    const openedRoom = await openConsole(browser, t.url, await t.token('point', 'DC-X1'), SMALL);
    // A room whose camera and microphone cannot be opened: it takes part receive-only.
    const muteContext = await browser.newContext({ viewport: SMALL });
    await muteContext.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    });
    mute = await muteContext.newPage();
    const muteErrors: string[] = [];
    mute.on('pageerror', (error) => muteErrors.push(error.message));
    await mute.goto(`${t.url}/join?token=${await t.token('point', 'DC-X3')}`);
    chair = openedChair.page;
    room = openedRoom.page;
    errors.push(openedChair.errors, openedRoom.errors, muteErrors);
    await chair.click('[data-testid=start-meeting]');
    await chair.waitForSelector('[data-testid=meeting-status]:has-text("Đang họp")');
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) {
      s.socket.close();
    }
    await browser?.close();
    await t?.close();
  });

  it('the queue shows three requests with their actions whatever their topics, and folds a long one', async () => {
    for (const [pointId, topic] of [
      ['DC-X2', LONG_TOPIC],
      ['DC-X4', 'Giải ngân vốn đầu tư công'],
      ['DC-H1', 'Chuyển đổi số cấp xã'],
      ['DC-H2', 'Nước sạch nông thôn'],
    ] as const) {
      const point = await t.connect('point', pointId);
      sockets.push(point);
      expect(await request(point.socket, 'floor:request', { kind: 'petition', topic })).toMatchObject({ ok: true });
    }
    const queue = chair.getByTestId('floor-queue');
    await eventually(async () => expect(await queue.locator('.queue-row').count()).toBe(4));
    const rows = queue.locator('.queue-row');
    for (let i = 0; i < 3; i += 1) {
      for (const action of ['grant', 'deny']) {
        const button = rows.nth(i).getByTestId(action);
        expect(await within(button, queue), `row ${i + 1} ${action} in the queue's box`).toBe(true);
        expect(await button.isVisible()).toBe(true);
      }
    }
    // The long topic shows one line until unfolded, then all of it.
    const topic = rows.nth(0).getByTestId('queue-topic');
    const folded = (await topic.boundingBox())?.height ?? 0;
    await rows.nth(0).getByTestId('topic-fold').click();
    await eventually(async () => expect((await topic.boundingBox())?.height ?? 0).toBeGreaterThan(folded * 3));
    expect(await topic.innerText()).toContain('thi công');
    await rows.nth(0).getByTestId('topic-fold').click();
    // The last request scrolls into view with its actions.
    await rows.nth(3).getByTestId('grant').scrollIntoViewIfNeeded();
    expect(await within(rows.nth(3).getByTestId('deny'), queue)).toBe(true);
    // The tabs stay on one line.
    const tops = await chair
      .locator('.tab-list [role=tab]')
      .evaluateAll((tabs) => tabs.map((tab) => (tab as HTMLElement).offsetTop));
    expect(new Set(tops).size).toBe(1);
    expect(await noSidewaysOverflow(chair)).toBe(true);
  });

  it('"Từ chối" asks for an optional reason, and the point sees it', async () => {
    const x2 = sockets[0] as MeetingConnection;
    const row = chair.locator('.queue-row[data-point="DC-X2"]');
    await row.getByTestId('deny').click();
    const question = row.getByTestId('confirm');
    expect(await question.innerText()).toContain('Từ chối đề nghị phát biểu của Điểm cầu Xã Hòa Lâm?');
    await question.locator('input[name=reason]').fill('Nội dung đã được Sở Giao thông vận tải trả lời bằng văn bản');
    const denied = nextMessage(x2.socket, 'floor:denied');
    await question.getByTestId('confirm-yes').click();
    expect(await denied).toMatchObject({ reason: 'Nội dung đã được Sở Giao thông vận tải trả lời bằng văn bản' });
    await eventually(async () => expect(await chair.locator('.queue-row').count()).toBe(3));
  });

  it('a room without microphone: the chair is asked first, the room told the truth, the others not left waiting', async () => {
    await mute.waitForSelector('[data-testid=device-error]', { timeout: 20_000 });
    await mute.click('[data-testid=request-floor]');
    const row = chair.locator('.queue-row[data-point="DC-X3"]');
    await eventually(async () => expect(await row.getByTestId('device-gap').innerText()).toBe('không có micrô/camera'));
    await row.getByTestId('grant').click();
    expect(await row.getByTestId('confirm').innerText()).toContain('hội trường sẽ không nghe được');
    // Withdrawn with Escape: nothing happened.
    await chair.keyboard.press('Escape');
    await eventually(async () => expect(await row.getByTestId('confirm').count()).toBe(0));
    expect(t.meeting.state.floor).toBeNull();
    await row.getByTestId('grant').click();
    await row.getByTestId('confirm-yes').click();
    await eventually(async () => expect(t.meeting.state.floor?.pointId).toBe('DC-X3'));

    await mute.waitForSelector('[data-testid=mic-missing]');
    expect(await mute.getByTestId('mic-open').count()).toBe(0);
    await eventually(async () =>
      expect(await room.getByTestId('program-speaker-waiting').innerText()).toBe(
        'Điểm cầu Xã Đông Hà không có micrô/camera',
      ),
    );
    expect(await room.locator('[data-testid=program-speaker] figcaption').innerText()).toContain('không có micrô');
    await chair.getByRole('button', { name: /Dừng phát biểu/ }).click();
    await eventually(async () => expect(t.meeting.state.floor).toBeNull());
  });

  it("the hub's microphone is always in the header: muted by 'mute all', opened again with one click", async () => {
    const hubMic = chair.getByTestId('hub-mic');
    expect(await hubMic.innerText()).toContain('Micrô chủ trì đang mở');
    await chair.getByRole('tab', { name: 'Micrô' }).click();
    await chair.getByTestId('mute-all').click();
    expect(await chair.getByTestId('confirm').innerText()).toContain('Tắt micrô của mọi điểm cầu và của chủ trì?');
    await chair.getByTestId('confirm-yes').click();
    await eventually(async () => expect(await hubMic.innerText()).toContain('Micrô chủ trì đang tắt'));
    await chair.getByRole('tab', { name: 'Chương trình' }).click();
    expect(await hubMic.isVisible()).toBe(true);
    await hubMic.click();
    await eventually(async () => expect(await hubMic.innerText()).toContain('Micrô chủ trì đang mở'));
    expect(t.meeting.state.mics.chairsOpen).toBe(true);
  });

  it('an agenda title moves the meeting only once confirmed', async () => {
    const before = t.meeting.state.agendaIndex;
    const item = chair.locator('.agenda li').nth(before + 2);
    await item.locator('button.agenda-title').click();
    expect(await item.getByTestId('confirm').innerText()).toContain('Chuyển hội nghị sang mục');
    await item.getByTestId('confirm-no').click();
    expect(t.meeting.state.agendaIndex).toBe(before);
    await item.locator('button.agenda-title').click();
    await item.getByTestId('confirm-yes').click();
    await eventually(async () => expect(t.meeting.state.agendaIndex).toBe(before + 2));
    // Keyboard shortcuts stay: N calls the next in line without a question.
    await chair.locator('body').click({ position: { x: 5, y: 300 } });
    await chair.keyboard.press('n');
    await eventually(async () => expect(t.meeting.state.floor).not.toBeNull());
    // S ends the turn the console shows: wait for the console to show it (the server may be ahead of the browser).
    await eventually(async () => expect(await chair.getByTestId('speaker-card').locator('.countdown').count()).toBe(1));
    await chair.keyboard.press('s');
    await eventually(async () => expect(t.meeting.state.floor).toBeNull());
  });

  it('names in the grid and on the program keep their distinguishing part', async () => {
    const caption = chair.locator('.thumb[data-point="DC-X1"] figcaption');
    expect(await caption.innerText()).toBe('X. Tân Sơn');
    expect(await caption.getAttribute('title')).toBe('Điểm cầu Xã Tân Sơn');
    expect(await chair.locator('[data-testid=program-hub] figcaption').innerText()).not.toMatch(
      /trung tâm.*trung tâm/i,
    );
    const callOn = chair.locator('.thumb[data-point="DC-X1"]').getByRole('button', { name: 'Mời', exact: true });
    expect(await within(callOn, chair.locator('.thumb[data-point="DC-X1"]'))).toBe(true);
  });

  it("the hall's big screen keeps the program large and the time left on one line, at 1366×768 and on a 1080p TV", async () => {
    // Whatever the last test left on the floor, the turn starts here from a free floor.
    if (t.meeting.state.floor !== null) {
      await t.meeting.execute({ type: 'floor.revoke' }, { role: 'chair' });
    }
    expect(t.meeting.state.floor).toBeNull();
    const granted = await request((await t.connect('chair')).socket, 'floor:grant', { pointId: 'DC-X4' });
    expect(granted).toMatchObject({ ok: true });
    await room.click('[data-testid=big-screen-toggle]');
    for (const size of [SMALL, { width: 1920, height: 1080 }]) {
      await room.setViewportSize(size);
      await room.getByTestId('now-strip').waitFor();
      for (const tile of ['program-hub', 'program-speaker']) {
        const box = await room.getByTestId(tile).boundingBox();
        expect(box?.height ?? 0, `${tile} at ${size.width}`).toBeGreaterThan(size.height * 0.4);
      }
      const time = room.locator('[data-testid=now-strip] .countdown');
      const lineHeight = await time.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect((await time.boundingBox())?.height ?? 999).toBeLessThan(lineHeight * 4);
      expect(await noSidewaysOverflow(room)).toBe(true);
    }
    await room.click('[data-testid=big-screen-toggle]');
    await room.setViewportSize(SMALL);
  });

  it("ending asks first; then the chair's console shows the meeting as held and its documents, no live video", async () => {
    await chair.getByRole('tab', { name: 'Chương trình' }).click();
    await chair.getByTestId('end-meeting').click();
    expect(await chair.getByTestId('confirm').innerText()).toContain('Kết thúc hội nghị?');
    await chair.getByTestId('confirm-yes').click();
    const summary = chair.getByTestId('ended-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/Ngày \d\d\/\d\d\/\d{4}, từ \d\d:\d\d đến \d\d:\d\d/);
    await eventually(async () =>
      expect(await chair.getByTestId('ended-attended').innerText()).toMatch(/^\d+\/\d+ điểm cầu$/),
    );
    expect(await chair.locator('video').count()).toBe(0);
    expect(await chair.getByTestId('hub-mic').count()).toBe(0);
    const download = chair.waitForEvent('download');
    await chair.getByTestId('ended-minutes').click();
    expect((await download).suggestedFilename()).toBe('bien-ban-m1.docx');
    expect(await chair.title()).toBe('Chủ trì · Giao ban thử nghiệm — diemcau');
    expect(errors.flat()).toEqual([]);
  });
});
