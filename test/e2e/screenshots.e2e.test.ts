import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { MeetingRuntime } from '../../server/meetings/MeetingRuntime.js';
import { seedScenario } from '../../server/scenarios/seed.js';
import { seededRandom } from '../../server/scenarios/names.js';
import { parseProfileMix, pickProfile, type Profile } from '../../server/simulator/profiles.js';
import { SimPoint } from '../../server/simulator/SimPoint.js';
import { ADMIN_KEY } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { reportDocx } from '../helpers/report.js';
import { eventually, launchChromium, openConsole, wait, waitForVideo } from './browser.js';

/** `npm run screenshots` writes to docs/screenshots (shown in the README); a plain test run keeps them as artifacts. */
const OUT = process.env.SCREENSHOTS_DIR ?? 'test/e2e/artifacts';
const SCENARIO = 'bac-giang-2021-09-28';
const TOPICS = [
  'Tiến độ tiêm vắc xin tại xã',
  'Kiến nghị hỗ trợ hộ nghèo bị ảnh hưởng dịch',
  'Giải trình về cấp giấy đi đường',
  'Đề xuất tăng cường lực lượng chốt kiểm soát',
];

/** Visible text set under 20 px (what a hall's TV at 1920×1080 cannot show legibly). */
function smallTexts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('body *'))
      .filter((el) => Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()))
      .filter((el) => el.checkVisibility() && el.getBoundingClientRect().width > 0)
      .filter((el) => parseFloat(getComputedStyle(el).fontSize) < 20)
      .map(
        (el) =>
          `${el.tagName}.${el.className}: ${getComputedStyle(el).fontSize} "${el.textContent?.trim().slice(0, 30)}"`,
      ),
  );
}

/** The Bắc Giang meeting of 28/09/2021 with its 219 points simulated, seen in the three consoles at 1920×1080. */
describe('the three consoles with the 219 simulated points of a province meeting', () => {
  let server: AppServer;
  let removeDir: () => Promise<void>;
  let browser: Browser;
  let meeting: MeetingRuntime;
  const sims: SimPoint[] = [];
  let browserPointId: string;
  const profiles = new Map<string, Profile>();

  beforeAll(async () => {
    const temp = await tempDir();
    removeDir = temp.remove;
    server = await startServer(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: temp.dir,
        STORE_FSYNC: 'never',
        ADMIN_API_KEY: ADMIN_KEY,
        LOG_LEVEL: 'silent',
        MEDIA_BRIDGE: 'werift',
        MEDIA_LISTEN_IP: '127.0.0.1',
        TELEMETRY_INTERVAL_MS: '1000',
      }),
    );
    ({ meeting } = await seedScenario(server.meetings, SCENARIO));
    await meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    const invited = meeting.state.def.invitedPointIds;
    browserPointId = invited.at(-1) as string;
    const random = seededRandom('screenshots');
    const mix = parseProfileMix('lossy=0.04,flapping=0.02,dead=0.02');
    for (const pointId of invited.filter((id) => id !== browserPointId)) {
      const { token } = await server.tokens.issue({ meetingId: meeting.id, role: 'point', pointId, ttlSec: 3600 });
      const profile = pickProfile(mix, random);
      profiles.set(pointId, profile);
      sims.push(
        new SimPoint({
          url: server.url,
          pointId,
          token,
          random,
          speakMs: () => 600_000,
          rollCallDelayMs: () => (random() < 0.92 ? 200 + random() * 3000 : null),
          onError: () => undefined,
          profile,
        }),
      );
    }
    for (let i = 0; i < sims.length; i += 50) {
      await Promise.all(sims.slice(i, i + 50).map((sim) => sim.connect()));
    }
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    sims.forEach((sim) => sim.close());
    await browser?.close();
    await server?.close();
    await removeDir?.();
  });

  // A busy machine (the whole suite on two cores) takes minutes where a quiet one takes seconds: generous bounds on
  // conditions, not pauses.
  it('chair, bridge point and technician consoles at 1920×1080', async () => {
    await mkdir(OUT, { recursive: true });
    const token = async (role: 'chair' | 'point' | 'technician', pointId: string | null = null) =>
      (await server.tokens.issue({ meetingId: meeting.id, role, pointId, ttlSec: 3600 })).token;
    const chair = await openConsole(browser, server.url, await token('chair'));
    const point = await openConsole(browser, server.url, await token('point', browserPointId));
    const technician = await openConsole(browser, server.url, await token('technician'));
    const invited = meeting.state.def.invitedPointIds.length;

    // Five points wait (and our browser point), a point on a poor link has the floor, a roll call is under way.
    const speakers = sims.filter((sim, i) => i % 37 === 5 && profiles.get(sim.pointId) === 'good').slice(0, 5);
    for (const [i, sim] of speakers.entries()) {
      await sim.requestFloor(i % 3 === 1 ? 'petition' : 'speech', TOPICS[i % TOPICS.length]);
    }
    await point.page.fill('input[name=topic]', 'Báo cáo kết quả truy vết F1, F2');
    await point.page.click('[data-testid=request-floor]');
    const lossy = sims.find((sim) => profiles.get(sim.pointId) === 'lossy') as SimPoint;
    await meeting.execute({ type: 'floor.grant', pointId: lossy.pointId }, { role: 'chair' });
    await meeting.execute({ type: 'rollcall.start', deadlineSec: 120 }, { role: 'chair' });
    await point.page.waitForSelector('[data-testid=rollcall-prompt]');
    await waitForVideo(point.page, 'program-hub');

    const chip = technician.page.locator('.chip');
    await eventually(async () => {
      expect(await chip.count()).toBe(invited);
      expect(await technician.page.locator('.chip[data-health=unstable]').count()).toBeGreaterThan(0);
      expect(await technician.page.locator('.alert').count()).toBeGreaterThan(0);
    }, 120_000);
    const present = chair.page.locator('[data-testid=rollcall-totals] [data-outcome=present] dd');
    await eventually(async () => expect(Number(await present.innerText())).toBeGreaterThan(invited * 0.8), 120_000);
    expect(await chair.page.locator('[data-testid=connected-count]').innerText()).toMatch(
      new RegExp(`^\\d+/${invited} điểm cầu`),
    );
    expect(await technician.page.locator('[data-testid=readiness-count]').innerText()).toMatch(
      new RegExp(`^\\d+/${invited} sẵn sàng$`),
    );
    expect(await chair.page.locator('.queue-row').count()).toBe(speakers.length + 1);

    // The technician looks at a troubled point's last minutes. Under the pointer the table holds its rows in place
    // (sorted worst first every second, a row would otherwise move away from under the click).
    const table = technician.page.locator('[data-testid=link-table]');
    await table.hover();
    await eventually(async () => expect(await table.getAttribute('data-held')).toBe('true'));
    await technician.page.locator('.links tbody tr[data-health=unstable] button').first().click();
    await technician.page.locator('[data-testid=point-detail] .time-chart canvas').first().waitFor();
    await wait(3000);

    const shots: [Page, string][] = [
      [chair.page, 'chair-console.png'],
      [point.page, 'point-view.png'],
      [technician.page, 'technician-console.png'],
    ];
    for (const [page, name] of shots) {
      await page.screenshot({ path: join(OUT, name) });
    }
    // The commune hall's TV: the big-screen view, remembered across a reload, with no text under 20 px.
    await point.page.getByRole('button', { name: 'Màn hình lớn' }).click();
    await point.page.reload();
    await point.page.locator('[data-testid=now-strip]').waitFor();
    expect(await point.page.getAttribute('html', 'class')).toContain('big-screen');
    await waitForVideo(point.page, 'program-hub');
    expect(await smallTexts(point.page)).toEqual([]);
    await point.page.screenshot({ path: join(OUT, 'point-big-screen.png') });
    await point.page.getByRole('button', { name: 'Màn hình thường' }).click();

    // A commune without camera or microphone (refused): it receives the program and says what to do, in Vietnamese.
    const receiveOnly = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await receiveOnly.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const refused = await receiveOnly.newPage();
    const refusedPoint = sims.find((sim) => profiles.get(sim.pointId) === 'good' && !speakers.includes(sim));
    refusedPoint?.close();
    await refused.goto(`${server.url}/join?token=${await token('point', refusedPoint?.pointId ?? null)}`);
    await waitForVideo(refused, 'program-hub');
    await refused.locator('[data-testid=device-error]').waitFor();
    await refused.screenshot({ path: join(OUT, 'point-receive-only.png') });
    await receiveOnly.close();

    // A department's report on screen: the content large, the hub and the speaker beside it.
    const upload = await fetch(
      `${server.url}/api/meetings/${meeting.id}/documents?name=${encodeURIComponent('Báo cáo Sở Y tế tuần 39.docx')}&agendaIndex=1`,
      {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(await reportDocx()),
      },
    );
    const { document } = (await upload.json()) as { document: { documentId: string } };
    await eventually(async () => expect(meeting.state.documents[0]?.state).toBe('ready'), 240_000);
    await meeting.execute({ type: 'slides.show', documentId: document.documentId, page: 1 }, { role: 'chair' });
    await point.page
      .locator(`[data-testid=slide-page][data-drawn="${document.documentId}:1"]`)
      .waitFor({ timeout: 60_000 });
    await point.page.screenshot({ path: join(OUT, 'point-content.png') });
    await meeting.execute({ type: 'content.stop' }, { role: 'chair' });

    // The smaller meeting-room screen, kept with the test artifacts for a look.
    await mkdir('test/e2e/artifacts', { recursive: true });
    for (const [page, name] of shots) {
      await page.setViewportSize({ width: 1366, height: 768 });
      await wait(300);
      await page.screenshot({ path: join('test/e2e/artifacts', name.replace('.png', '-1366.png')) });
    }
    expect([...chair.errors, ...point.errors, ...technician.errors]).toEqual([]);
  }, 600_000);
});
