import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/domain/core/model.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import {
  inviteUnit,
  linkUp,
  startCoordinator,
  startNation,
  startProvince,
  uploadDocument,
  type Coordinator,
} from '../helpers/linked.js';
import { testPdf } from '../helpers/pdf.js';
import {
  eventually,
  launchChromium,
  mediaConnected,
  openMediaPage,
  placeOnScreen,
  slideDigest,
  slotStats,
  type SlotStats,
} from './browser.js';
import { CAMERA_COLOURS, tileMoving, whoseTile, type LabelledCamera } from './labelledCamera.js';

/** `npm run screenshots` writes to docs/screenshots (shown in the README); a plain test run keeps them as artifacts. */
const OUT = process.env.SCREENSHOTS_DIR ?? 'test/e2e/artifacts';
const screenshot = async (page: Page, name: string) => {
  await mkdir(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, name) });
};

/** Each room's own camera, so that a test says whose picture a tile shows. */
const CAMERAS: Record<string, LabelledCamera> = {
  parentChair: { label: 'Trung ương', rgb: CAMERA_COLOURS.red },
  hallA: { label: 'Hội trường tỉnh A', rgb: CAMERA_COLOURS.blue },
  x1A: { label: 'Xã X1 tỉnh A', rgb: CAMERA_COLOURS.yellow },
  x1B: { label: 'Xã X1 tỉnh B', rgb: CAMERA_COLOURS.magenta },
  x2A: { label: 'Xã X2 tỉnh A', rgb: CAMERA_COLOURS.cyan },
};

/**
 * A national meeting linked to two provinces' meetings, each province on its own coordinator and its own mediasoup
 * worker listening on its own loopback address, media piped between the three hosts. In Chromium: the parent's chair,
 * province A's hall (its chair) and a commune of each province.
 */
// Three bridges, four pages with three camera layers each, on two cores: every wait is generous.
describe.skipIf(!mediasoupAvailable())(
  '[mediasoup] linked meetings across three coordinators',
  { timeout: 240_000 },
  () => {
    let parent: Coordinator;
    let a: Coordinator;
    let b: Coordinator;
    let browser: Browser;
    const pages = new Map<string, Page>();
    const ids = new Map<string, string>();
    const env = async (host: string) => bridgeEnv('mediasoup', { MEDIA_LISTEN_IP: host, MEDIASOUP_WORKERS: '1' });
    const open = async (name: string, c: Coordinator, meetingId: string, role: Role, pointId?: string) => {
      const t = { url: c.url, token: (r: Role, p?: string) => c.token(meetingId, r, p) };
      const viewport = { width: 1366, height: 768 };
      const { page, id } = await openMediaPage(browser, t, role, pointId, viewport, 45_000, CAMERAS[name]);
      pages.set(name, page);
      ids.set(name, id);
    };
    const video = async (name: string, where: (s: SlotStats) => boolean) =>
      (await slotStats(pages.get(name) as Page)).filter((s) => s.kind === 'video' && where(s));
    /** Whether a page hears a source: the sound from it carries energy, growing over a moment. */
    const hears = async (name: string, source: (id: string) => boolean) => {
      const energy = async () =>
        (await slotStats(pages.get(name) as Page))
          .filter((s) => s.kind === 'audio' && source(s.source ?? ''))
          .reduce((sum, s) => sum + s.audioEnergy, 0);
      const before = await energy();
      await new Promise((resolve) => setTimeout(resolve, 1500));

      return (await energy()) > before;
    };
    const fromParentHub = (id: string) => id.startsWith('pipe:') && id.includes(':hub:');
    /** Whose picture a page's tile shows, and that it moves. */
    const showing = async (name: string, tile: string) => {
      const page = pages.get(name) as Page;
      const whose = await whoseTile(page, tile, CAMERAS);

      return whose === 'nothing' || (await tileMoving(page, tile)) ? whose : `${whose} (frozen)`;
    };

    beforeAll(async () => {
      parent = await startNation('127.0.0.2', await env('127.0.0.2'));
      a = await startProvince('127.0.0.3', 'tinh-a', await env('127.0.0.3'));
      b = await startProvince('127.0.0.4', 'tinh-b', await env('127.0.0.4'));
      browser = await launchChromium();
      // The centre's chair is in before the provinces link: its console must take them in without a reload.
      await open('parentChair', parent, 'tw', 'chair');
      expect((await linkUp(a, 'tinh-a', parent, await inviteUnit(parent, 'P1'))).status).toBe(200);
      expect((await linkUp(b, 'tinh-b', parent, await inviteUnit(parent, 'P2'))).status).toBe(200);
      await open('hallA', a, 'tinh-a', 'chair');
      await open('x1A', a, 'tinh-a', 'point', 'DC-X1');
      await open('x1B', b, 'tinh-b', 'point', 'DC-X1');
      await open('x2A', a, 'tinh-a', 'point', 'DC-X2');
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await b?.close();
      await a?.close();
      await parent?.close();
    });

    it("a child's point decodes the parent chair's picture, relayed through its own coordinator", async () => {
      for (const commune of ['x1B', 'x1A']) {
        await eventually(async () => expect(await showing(commune, 'program-hub')).toBe('parentChair'), 60_000);
      }
      // The parent chair sees province A's hall as a point in its grid, connected (its chair is in), and every
      // point both provinces brought, without a reload: 7 each.
      await eventually(async () => {
        const hall = await video('parentChair', (s) => s.purpose === 'grid' && (s.source ?? '').includes(':hall:'));
        expect(hall[0]?.framesDecoded ?? 0).toBeGreaterThan(5);
      }, 60_000);
      const chair = pages.get('parentChair') as Page;
      await eventually(async () =>
        expect(await chair.locator('[data-point="P1.DC-T"] [data-health]').getAttribute('data-health')).toBe('stable'),
      );
      // Province A's hall and two communes (one each in A and B, one more in A) are connected.
      await eventually(async () =>
        expect(await chair.getByTestId('connected-count').textContent()).toBe('4/14 điểm cầu đang kết nối'),
      );
    });

    it("the nation's chair reloads its console: every commune shows the nation's picture again within seconds, by itself", async () => {
      const chair = pages.get('parentChair') as Page;
      await chair.reload();
      ids.set('parentChair', await mediaConnected(chair, 45_000));
      // From the moment the reloaded console sends again: ten seconds for both provinces' communes.
      for (const commune of ['x1A', 'x1B']) {
        await eventually(async () => expect(await showing(commune, 'program-hub')).toBe('parentChair'), 10_000);
        expect(
          await (pages.get(commune) as Page).getByTestId('program-hub').locator('figcaption').innerText(),
        ).toContain('Trung ương');
      }
    });

    it("a point of province A granted the floor by the nation is seen by the nation's chair and by province B's point", async () => {
      const tw = parent.server.meetings.get('tw');
      await tw.execute({ type: 'floor.grant', pointId: 'P1.DC-X1', limitSec: 300 }, { role: 'chair' });
      const tinhA = a.server.meetings.get('tinh-a');
      await eventually(async () => expect(tinhA.state.floor).toMatchObject({ pointId: 'DC-X1', fromParent: true }));
      // The speaking commune's own camera at the centre and in province B.
      await eventually(async () => expect(await showing('parentChair', 'program-speaker')).toBe('x1A'), 60_000);
      await eventually(async () => expect(await showing('x1B', 'program-speaker')).toBe('x1A'), 60_000);
      // Province A shows its own point from here, not the copy coming back down: nothing of A's is piped down to A.
      await eventually(async () =>
        expect((await video('hallA', (s) => s.purpose === 'speaker'))[0]?.source).toBe(ids.get('x1A')),
      );
      // The dialogue: the speaking commune sees and hears the nation's chair; its neighbour in A sees and hears both;
      // A's hall sees the nation it hears. Nobody in A is left on "the local program" for the turn.
      await eventually(async () => expect(await showing('x1A', 'program-hub')).toBe('parentChair'), 30_000);
      await eventually(async () => expect(await hears('x1A', fromParentHub)).toBe(true), 30_000);
      await eventually(async () => {
        expect(await showing('x2A', 'program-hub')).toBe('parentChair');
        expect(await showing('x2A', 'program-speaker')).toBe('x1A');
      }, 30_000);
      await eventually(async () => expect(await hears('x2A', fromParentHub)).toBe(true), 30_000);
      await eventually(async () => expect(await hears('x2A', (id) => id === ids.get('x1A'))).toBe(true), 30_000);
      await eventually(async () => expect(await showing('hallA', 'program-hub')).toBe('parentChair'), 30_000);
      expect(await (pages.get('x2A') as Page).getByTestId('uplink-badge').textContent()).toBe(
        'Đang tiếp sóng: Hội nghị trực tuyến toàn quốc',
      );
      await tw.execute({ type: 'floor.revoke' }, { role: 'chair' });
      await eventually(async () => expect(tinhA.state.floor).toBeNull());
    });

    it("the nation's roll call is answered on province B's commune console and counted in the nation's tally", async () => {
      const x1B = pages.get('x1B') as Page;
      await eventually(async () =>
        expect(await x1B.getByTestId('uplink-badge').textContent()).toBe(
          'Đang tiếp sóng: Hội nghị trực tuyến toàn quốc',
        ),
      );
      const tw = parent.server.meetings.get('tw');
      await tw.execute({ type: 'rollcall.start', deadlineSec: 300 }, { role: 'chair' });
      await x1B.getByTestId('rollcall-prompt').waitFor();
      // On a 1366×768 laptop the whole answer is on screen at once, its button included.
      for (const part of ['rollcall-prompt', 'rollcall-confirm']) {
        expect(await placeOnScreen(x1B, part), part).toMatchObject({ fits: true });
      }
      // Whose roll call it is: the nation's, not the province's chair.
      expect(await x1B.getByTestId('rollcall-when').innerText()).toMatch(
        /^Hội nghị trực tuyến toàn quốc đang điểm danh\. Xác nhận có mặt trước \d\d:\d\d:\d\d\.$/,
      );
      await x1B.locator('input[name="headcount"]').fill('23');
      await x1B.locator('input[name="presidingName"]').fill('Nông Văn Tuấn');
      await x1B.locator('input[name="presidingTitle"]').fill('Bí thư Đảng ủy xã');
      await x1B.getByTestId('rollcall-confirm').click();
      await x1B.getByTestId('rollcall-confirmed').waitFor();
      await eventually(async () =>
        expect(tw.state.rollCalls.at(-1)?.confirmations['P2.DC-X1']).toMatchObject({
          headcount: 23,
          presiding: { name: 'Nông Văn Tuấn', title: 'Bí thư Đảng ủy xã' },
        }),
      );
      // Province A's chair answers for its hall from the bar above its console.
      const hallA = pages.get('hallA') as Page;
      // Its form reads as a form: the prompt, then each field with its label apart, on screen at once.
      for (const part of ['hall-headcount', 'hall-confirm']) {
        expect(await placeOnScreen(hallA, part), part).toMatchObject({ fits: true });
      }
      // Each field under its own label (not "…xác nhậnSố đại biểu" run together in one line of text).
      const labelled = await hallA.getByTestId('hall-headcount').evaluate((input) => {
        const label = input.closest('label');

        return {
          text: label?.firstChild?.textContent?.trim() ?? '',
          display: label === null ? '' : getComputedStyle(label).display,
          column: label === null ? '' : getComputedStyle(label).flexDirection,
        };
      });
      expect(labelled).toEqual({ text: 'Số đại biểu', display: 'flex', column: 'column' });
      await screenshot(hallA, 'linked-province-chair.png');
      await hallA.getByTestId('hall-headcount').fill('45');
      await hallA.getByTestId('hall-confirm').click();
      await eventually(async () => expect(tw.state.rollCalls.at(-1)?.confirmations['P1.DC-T']?.headcount).toBe(45));
      // The nation's chair reads the tally by province linked in.
      const chair = pages.get('parentChair') as Page;
      await eventually(async () =>
        expect(await chair.locator('[data-testid="rollcall-by-child"] tbody tr').count()).toBe(2),
      );
      // Each row is its province by name, not its meeting's long title.
      const rows = await chair.locator('[data-testid="rollcall-by-child"] tbody tr th').allInnerTexts();
      expect(rows.map((r) => r.trim())).toEqual(['Tỉnh Bắc Giang', 'Tỉnh Lạng Sơn']);
    });

    it('a commune asking to speak to the nation is told each step: at its province, forwarded, its place at the centre, declined with the reason, granted', async () => {
      const tw = parent.server.meetings.get('tw');
      const tinhA = a.server.meetings.get('tinh-a');
      const tinhB = b.server.meetings.get('tinh-b');
      const [x1B, x2A, chair] = (['x1B', 'x2A', 'parentChair'] as const).map((n) => pages.get(n) as Page) as [
        Page,
        Page,
        Page,
      ];
      const askTheNation = async (page: Page) => {
        await page.getByTestId('to-parent').check();
        await page.getByTestId('request-floor').click();
      };
      // The request box fits a 1366×768 laptop: the choice and its words on one line, the button on screen.
      await screenshot(x2A, 'linked-commune-request.png');
      const toParent = await placeOnScreen(x2A, 'to-parent');
      const toParentLabel = await placeOnScreen(x2A, 'to-parent-label');
      expect(toParent).toMatchObject({ fits: true });
      expect(Math.abs((toParentLabel?.top ?? 0) - (toParent?.top ?? 0))).toBeLessThan(12);
      expect(await placeOnScreen(x2A, 'request-floor')).toMatchObject({ fits: true });
      const forward = async (meeting: typeof tinhA, pointId: string) => {
        const request = Object.values(meeting.state.requests).find(
          (r) => r.pointId === pointId && r.status === 'queued',
        );
        await meeting.execute({ type: 'floor.forward', requestId: request?.requestId ?? '' }, { role: 'chair' });
      };
      const state = (page: Page) => page.getByTestId('request-state');
      // Province B's commune asks first: it is first in the nation's queue.
      await askTheNation(x1B);
      await eventually(async () => expect(await state(x1B).getAttribute('data-state')).toBe('atHub'));
      await forward(tinhB, 'DC-X1');
      await eventually(async () => expect(tw.state.queue.length).toBe(1));

      await askTheNation(x2A);
      await eventually(async () => expect(await state(x2A).getAttribute('data-state')).toBe('atHub'));
      expect(await state(x2A).innerText()).toContain('đang chờ chủ trì hội nghị chuyển lên');
      // Never "you are next" while it waits for its chair to forward it.
      expect(await x2A.getByTestId('get-ready').count()).toBe(0);
      await forward(tinhA, 'DC-X2');
      await eventually(async () => {
        expect(await state(x2A).getAttribute('data-state')).toBe('forwarded');
        expect(await x2A.getByTestId('parent-position').innerText()).toBe('Thứ tự chờ ở hội nghị cấp trên: 2');
      });
      expect(await state(x2A).innerText()).toContain('Chủ trì đã chuyển đăng ký phát biểu lên Hội nghị trực tuyến');
      // The centre's queue names it whole, its province included, nothing cut.
      const name = chair.locator('[data-point="P1.DC-X2"] .queue-who strong');
      await eventually(async () => expect(await name.innerText()).toBe('Điểm cầu Xã Hòa Lâm (Tỉnh Bắc Giang)'));
      expect(await name.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
      // B's commune is served: A's moves up.
      await tw.execute({ type: 'floor.grant', pointId: 'P2.DC-X1', limitSec: 60 }, { role: 'chair' });
      await eventually(async () =>
        expect(await x2A.getByTestId('parent-position').innerText()).toBe('Thứ tự chờ ở hội nghị cấp trên: 1'),
      );
      await tw.execute({ type: 'floor.revoke' }, { role: 'chair' });
      // Declined at the centre, with its reason.
      const requestId = tw.state.queue[0] ?? '';
      await tw.execute({ type: 'floor.deny', requestId, reason: 'Đã hết thời gian thảo luận' }, { role: 'chair' });
      await eventually(async () =>
        expect(await x2A.getByTestId('turn-notice').innerText()).toBe(
          'Yêu cầu phát biểu không được chấp nhận: Đã hết thời gian thảo luận',
        ),
      );
      // Asked again and granted: it speaks.
      await askTheNation(x2A);
      await eventually(async () => expect(await state(x2A).getAttribute('data-state')).toBe('atHub'));
      await forward(tinhA, 'DC-X2');
      await eventually(async () => expect(tw.state.queue.length).toBe(1));
      await tw.execute({ type: 'floor.next', limitSec: 60 }, { role: 'chair' });
      await x2A.locator('.speaking-now').waitFor();
      // The centre sees the commune it gave the floor to, beside its own hub.
      await eventually(async () => expect(await whoseTile(chair, 'program-speaker', CAMERAS)).toBe('x2A'), 30_000);
      await screenshot(chair, 'linked-centre-chair.png');
      await tw.execute({ type: 'floor.revoke' }, { role: 'chair' });
      await eventually(async () => expect(tinhA.state.floor).toBeNull());
    });

    it("province A's chair holds a local discussion: its points see its own hall, and the relay back brings the nation", async () => {
      const hallA = pages.get('hallA') as Page;
      const x1A = pages.get('x1A') as Page;
      // A controlled box: its state comes back from the server, so it is clicked, then waited for.
      await hallA.getByTestId('uplink-relay').click();
      await eventually(async () =>
        expect(await x1A.getByTestId('uplink-badge').textContent()).toBe('Chương trình tại chỗ'),
      );
      await eventually(async () => {
        const hub = await video('x1A', (s) => s.purpose === 'hub' && s.source === ids.get('hallA'));
        expect(hub[0]?.framesDecoded ?? 0).toBeGreaterThan(10);
      }, 60_000);
      // Nobody in A shows the nation's program now: it is no longer piped down to A.
      await eventually(async () =>
        expect(a.server.media.participantsOf('tinh-a').filter((p) => p.relayed !== undefined)).toEqual([]),
      );
      await hallA.getByTestId('uplink-relay').click();
      await eventually(
        async () =>
          expect(await x1A.getByTestId('uplink-badge').textContent()).toBe(
            'Đang tiếp sóng: Hội nghị trực tuyến toàn quốc',
          ),
        60_000,
      );
      await eventually(async () => {
        const hub = await video('x1A', (s) => s.purpose === 'hub' && (s.source ?? '').startsWith('pipe:'));
        expect(hub.some((s) => s.framesDecoded > 10)).toBe(true);
      }, 60_000);
    });

    it("the nation's slides are drawn in both provinces' communes, the same pixels as at the centre", async () => {
      const tw = parent.server.meetings.get('tw');
      const documentId = await uploadDocument(parent, 'tw', testPdf(4), 'Báo cáo tổng kết năm.pdf');
      await tw.execute({ type: 'slides.show', documentId, page: 3 }, { role: 'chair' });
      const [chair, x1A, x1B] = (['parentChair', 'x1A', 'x1B'] as const).map((name) => pages.get(name) as Page) as [
        Page,
        Page,
        Page,
      ];
      await eventually(async () => {
        const [own, inA, inB] = await Promise.all([slideDigest(chair), slideDigest(x1A), slideDigest(x1B)]);
        expect([own.drawn, inA.drawn, inB.drawn]).toEqual(Array(3).fill(`${documentId}:3`));
        expect(inA.digest).toBe(own.digest);
        expect(inB.digest).toBe(own.digest);
      }, 60_000);
      expect(await x1B.getByTestId('slide-page').innerText()).toContain('hội nghị cấp trên');
      await tw.execute({ type: 'content.stop' }, { role: 'chair' });
      await eventually(async () => expect(await x1B.getByTestId('slide-page').count()).toBe(0));
    });

    it("the nation's chair shares its screen: both provinces' communes decode it beside the program, as the nation's", async () => {
      const tw = parent.server.meetings.get('tw');
      const chair = pages.get('parentChair') as Page;
      await chair.getByRole('tab', { name: 'Tài liệu' }).click();
      await chair.getByTestId('share-screen').click();
      await eventually(async () => expect(tw.state.content).toMatchObject({ kind: 'screen' }));
      const size = await chair.evaluate(() => {
        const settings = (
          window as unknown as { diemcau?: { media?: { screen: MediaStreamTrack | null } } }
        ).diemcau?.media?.screen?.getSettings();

        return { width: settings?.width ?? 0, height: settings?.height ?? 0 };
      });
      expect(size.width).toBeGreaterThan(0);
      for (const name of ['x1A', 'x1B']) {
        const commune = pages.get(name) as Page;
        // Piped down from the nation's bridge to the province's, then to the commune: the same pixels, full size.
        await eventually(async () => {
          const [screen] = await video(name, (s) => s.purpose === 'content' && (s.source ?? '').includes(':screen:'));
          expect(screen?.frameWidth, name).toBe(size.width);
          expect(screen?.frameHeight, name).toBe(size.height);
          expect(screen?.framesDecoded ?? 0, name).toBeGreaterThan(3);
        }, 60_000);
        const stage = commune.getByTestId('content-stage');
        expect(await stage.getAttribute('data-kind')).toBe('screen');
        expect(await stage.innerText()).toContain('hội nghị cấp trên');
        // Beside the program: the nation's chair is still in view.
        expect(await commune.getByTestId('program-hub').isVisible()).toBe(true);
      }
      await tw.execute({ type: 'content.stop' }, { role: 'chair' });
      const x1B = pages.get('x1B') as Page;
      await eventually(async () => expect(await x1B.getByTestId('content-stage').count()).toBe(0));
      // Nothing of the screen stays on the provinces' bridges.
      await eventually(async () =>
        expect(
          [...a.server.media.participantsOf('tinh-a'), ...b.server.media.participantsOf('tinh-b')].filter(
            (p) => p.relayed === 'parentScreen',
          ),
        ).toEqual([]),
      );
    });

    it("a child coordinator killed and started again: the nation's chair sees it lost, then the link and its media resume", async () => {
      const tw = parent.server.meetings.get('tw');
      const dataDir = b.dataDir;
      // Started again where it was, so that its commune's console finds it.
      const port = new URL(b.url).port;
      await b.server.close();
      const chair = pages.get('parentChair') as Page;
      await eventually(async () =>
        expect(await chair.getByTestId('children-lost').textContent()).toBe('1 hội nghị cấp dưới mất kết nối'),
      );
      expect(tw.state.links.P2?.state).toBe('lost');
      // Its commune is not known to be there any more, nor absent: neither green nor counted, and said why.
      await eventually(async () =>
        expect(await chair.locator('[data-point="P2.DC-X1"] [data-health]').getAttribute('data-health')).toBe(
          'linkDown',
        ),
      );
      expect(await chair.getByTestId('connected-count').textContent()).toBe(
        '3/14 điểm cầu đang kết nối · 7 điểm chưa rõ do mất liên thông',
      );
      // The nation's roll call (still open) marks the lost province and whose answers its link keeps back.
      const lostRow = chair.locator('[data-testid="rollcall-by-child"] tbody tr', { hasText: 'Tỉnh Lạng Sơn' });
      await eventually(async () =>
        expect(await lostRow.getByTestId('child-lost-note').textContent()).toBe(
          ' (mất kết nối: 6 điểm chưa có trả lời vì đứt liên thông)',
        ),
      );
      b = await startCoordinator('127.0.0.4', { dataDir, env: { ...(await env('127.0.0.4')), PORT: port } });
      await eventually(async () => expect(tw.state.links.P2?.state).toBe('linked'), 30_000);
      await eventually(async () => expect(await chair.getByTestId('children-lost').count()).toBe(0));
      // The commune's console reconnects to its restarted coordinator and sees the nation's chair again.
      await eventually(async () => {
        const relayed = await video('x1B', (s) => s.purpose === 'hub' && (s.source ?? '').startsWith('pipe:'));
        expect(relayed.some((s) => s.framesDecoded > 10)).toBe(true);
      }, 90_000);
    });
  },
);
