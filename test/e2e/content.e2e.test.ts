import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type MeetingConnection } from '../../server/protocol/client.js';
import { uploadReady } from '../helpers/documents.js';
import { testPdf } from '../helpers/pdf.js';
import { BRIDGES, bridgeEnv } from '../helpers/mediasoup.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium, openConsole, slideDigest } from './browser.js';

/**
 * Documents and slides in Chromium: the office's PDF reaches every point, the chair presents it and turns pages, and
 * every console draws the same page from its image (compared by the canvas's pixels, not a flag).
 */
describe.each(BRIDGES.map((b) => [b.bridge, b.skip] as const))(
  '[%s] documents and slides, in Chromium',
  (bridge, skip) => {
    let t: TestServer;
    let browser: Browser;
    let chair: Page;
    let x1: Page;
    let x2: Page;
    let documentId: string;
    const errors: string[][] = [];
    const sockets: MeetingConnection[] = [];

    const upload = (pdf: Buffer, name: string) => uploadReady(t, pdf, name, 1);

    beforeAll(async () => {
      if (skip) {
        return;
      }
      t = await startTestServer({ env: await bridgeEnv(bridge) });
      await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
      documentId = await upload(testPdf(5), 'Báo cáo kinh tế - xã hội.pdf');
      browser = await launchChromium();
      const opened = await Promise.all([
        openConsole(browser, t.url, await t.token('chair'), { width: 1366, height: 768 }),
        openConsole(browser, t.url, await t.token('point', 'DC-X1')),
        openConsole(browser, t.url, await t.token('point', 'DC-X2')),
      ]);
      [chair, x1, x2] = opened.map((o) => o.page) as [Page, Page, Page];
      errors.push(...opened.map((o) => o.errors));
    }, 300_000);

    afterAll(async () => {
      sockets.forEach((s) => s.socket.close());
      await browser?.close();
      await t?.close();
    });

    it.skipIf(skip)(
      "a point lists the meeting's documents under their item and downloads one through its own link",
      async () => {
        await x1.getByText('Tài liệu hội nghị (1)').click();
        const item = x1.getByTestId('document');
        expect(await item.innerText()).toContain('Báo cáo kinh tế - xã hội.pdf');
        expect(await x1.locator('.document-list h3').innerText()).toBe('2. Báo cáo');
        const [download] = await Promise.all([x1.waitForEvent('download'), item.getByRole('link').click()]);
        expect(download.suggestedFilename()).toBe('Báo cáo kinh tế - xã hội.pdf');
        const saved = await download.path();
        expect((await readFile(saved)).equals(testPdf(5))).toBe(true);
        // The technicians have the documents at hand too.
        const technician = await openConsole(browser, t.url, await t.token('technician'));
        expect(await technician.page.getByTestId('documents-details').innerText()).toContain('Tài liệu hội nghị (1)');
        await technician.page.close();
      },
    );

    it.skipIf(skip)(
      'the chair presents the PDF and turns to page 3: both points draw page 3, pixel for pixel',
      async () => {
        await chair.getByRole('tab', { name: 'Tài liệu' }).click();
        await chair.getByRole('button', { name: 'Trình chiếu' }).click();
        await eventually(async () => {
          expect((await slideDigest(x1)).drawn).toBe(`${documentId}:1`);
          expect((await slideDigest(x2)).drawn).toBe(`${documentId}:1`);
        });
        const first = await slideDigest(x1);
        await chair.getByTestId('next-page').click();
        await eventually(async () => expect(await chair.getByTestId('page-of').innerText()).toBe('Trang 2/5'));
        await chair.getByTestId('next-page').click();
        await eventually(async () => {
          expect((await slideDigest(x1)).drawn).toBe(`${documentId}:3`);
          expect((await slideDigest(x2)).drawn).toBe(`${documentId}:3`);
        });
        const [a, b, own] = await Promise.all([slideDigest(x1), slideDigest(x2), slideDigest(chair)]);
        expect(a.digest).toBe(b.digest);
        expect(own.digest).toBe(a.digest);
        expect(a.digest).not.toBe(first.digest);
        // The caption says what is shown, and by whom.
        expect(await x1.getByTestId('slide-page').innerText()).toContain('trang 3/5');
      },
    );

    it.skipIf(skip)('a point that reloads mid-presentation draws the page on show again', async () => {
      const before = await slideDigest(x2);
      await x2.reload();
      await eventually(async () => expect(await slideDigest(x2)).toEqual(before));
    });

    it.skipIf(skip)('a document added during the meeting is announced to every point', async () => {
      await upload(testPdf(2), 'Tờ trình bổ sung.pdf');
      await eventually(async () =>
        expect(await x1.getByTestId('document-added').innerText()).toBe('Tài liệu mới: Tờ trình bổ sung.pdf'),
      );
    });

    it.skipIf(skip)(
      'the floor holder presents once the hub stops; a second presenter is refused; its slides stop with its turn',
      async () => {
        await t.meeting.execute({ type: 'floor.grant', pointId: 'DC-X1' }, { role: 'chair' });
        // The hub's slides are on: the point is told to wait, and nothing changes.
        await x1.getByTestId('document').first().getByRole('button', { name: 'Trình chiếu' }).click();
        await eventually(async () =>
          expect(await x1.getByTestId('notice').innerText()).toBe(
            'Đang có nội dung khác được trình chiếu; chủ trì có thể dừng nó',
          ),
        );
        expect(t.meeting.state.content).toMatchObject({ presenter: 'DC-T' });
        await chair.getByTestId('stop-content').click();
        await eventually(async () => expect(t.meeting.state.content).toBeNull());
        await x1.getByTestId('document').first().getByRole('button', { name: 'Trình chiếu' }).click();
        await eventually(async () => expect(t.meeting.state.content).toMatchObject({ presenter: 'DC-X1', page: 1 }));
        await x1.getByTestId('next-page').click();
        await eventually(async () => expect((await slideDigest(x2)).drawn).toBe(`${documentId}:2`));
        expect(await x2.getByTestId('presenter-bar').count()).toBe(0);
        // Another point, not holding the floor, cannot show anything.
        const other = await t.connect('point', 'DC-X3');
        sockets.push(other);
        expect(await request(other.socket, 'slides:show', { documentId, page: 1 })).toMatchObject({
          ok: false,
          error: { code: 'CONTENT_NOT_FLOOR' },
        });
        expect(await request(other.socket, 'slides:show', { documentId, page: 99 })).toMatchObject({ ok: false });
        await t.meeting.execute({ type: 'floor.revoke' }, { role: 'chair' });
        await eventually(async () => expect(await x2.getByTestId('content-stage').count()).toBe(0));
      },
    );

    it.skipIf(skip)('the chair stops what is on show', async () => {
      await chair.getByRole('button', { name: 'Trình chiếu' }).first().click();
      await eventually(async () => expect(await x1.getByTestId('content-stage').count()).toBe(1));
      await chair.getByTestId('stop-content').click();
      await eventually(async () => {
        expect(await x1.getByTestId('content-stage').count()).toBe(0);
        expect(t.meeting.state.content).toBeNull();
      });
      expect(errors.flat()).toEqual([]);
    });
  },
);
