import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectMeeting } from '../../server/protocol/client.js';
import { launchChromium } from '../e2e/browser.js';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { until } from '../helpers/poll.js';
import { reportDocx } from '../helpers/report.js';
import { ADMIN_KEY } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { round } from './harness.js';

const PAGES = 8;
/** A page every 15 s: a brisk report (a real one turns every 30-60 s, which favours slides further). */
const SECONDS_PER_PAGE = 15;

/**
 * What one point's link carries per minute while a department presents the same report: as slides (each page's image
 * once, and the page-turn messages) and as a shared screen (the pages drawn on a canvas in Chromium and sent as a
 * WebRTC screen track: VP8, content hint `detail`, 5 fps, up to 1.5 Mbit/s — what the browser's encoder sends for
 * it, measured by its own `bytesSent`). The report is a real DOCX the coordinator converts and draws.
 */
export async function benchSlides(log: (line: string) => void): Promise<void> {
  const { dir, remove } = await tempDir();
  const server = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' }),
  );
  try {
    await server.meetings.replaceDirectory(smallDirectory());
    const meeting = await server.meetings.createMeeting({ ...smallMeetingInput(), id: 'm1' });
    await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
    await meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    const upload = await fetch(`${server.url}/api/meetings/m1/documents?name=bao-cao.docx`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await reportDocx(PAGES)),
    });
    const uploaded = ((await upload.json()) as { document: { documentId: string } }).document;
    await until(() => meeting.state.documents[0]?.state === 'ready', 240_000, 'the report prepared');
    const token = (await server.tokens.issue({ meetingId: 'm1', role: 'point', pointId: 'DC-X1', ttlSec: 3600 })).token;
    const pageUrl = (page: number) =>
      `${server.url}/api/meetings/m1/documents/${uploaded.documentId}/pages/${page}?token=${token}`;

    // Slides: a point receives each page turn as a message and fetches each page's image once.
    const { socket } = await connectMeeting(server.url, token, { reconnection: false });
    let messageBytes = 0;
    let turnedAt = 0;
    const turnMs: number[] = [];
    socket.on('content:changed', (view) => {
      messageBytes += Buffer.byteLength(JSON.stringify(view));
      turnMs.push(performance.now() - turnedAt);
    });
    let imageBytes = 0;
    for (let page = 1; page <= PAGES; page++) {
      turnedAt = performance.now();
      await meeting.execute({ type: 'slides.show', documentId: uploaded.documentId, page }, { role: 'chair' });
      await until(() => turnMs.length === page, 5000, `page ${page} turned`);
      imageBytes += (await (await fetch(pageUrl(page))).arrayBuffer()).byteLength;
    }
    socket.close();
    const minutes = (PAGES * SECONDS_PER_PAGE) / 60;
    const slidesPerMinute = (imageBytes + messageBytes) / minutes;
    log(`slides: ${PAGES} pages, ${round(imageBytes / 1024)} KB of images, ${messageBytes} B of messages`);

    // The same pages as a shared screen, through Chromium's own WebRTC encoder.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/healthz`);
      // tsx names the functions it compiles with a helper the page does not have.
      await page.evaluate('window.__name = (f) => f');
      const screenBytes = await page.evaluate(
        async ({ urls, secondsPerPage }) => {
          const images = await Promise.all(
            urls.map(async (url) => {
              const image = new Image();
              image.src = url;
              await image.decode();

              return image;
            }),
          );
          const canvas = document.createElement('canvas');
          canvas.width = images[0]?.naturalWidth ?? 1280;
          canvas.height = images[0]?.naturalHeight ?? 720;
          const context = canvas.getContext('2d') as CanvasRenderingContext2D;
          const draw = (i: number) => context.drawImage(images[i] as HTMLImageElement, 0, 0);
          draw(0);
          const track = canvas.captureStream(5).getVideoTracks()[0] as MediaStreamTrack;
          track.contentHint = 'detail';
          const sender = new RTCPeerConnection();
          const receiver = new RTCPeerConnection();
          sender.onicecandidate = (e) => e.candidate && void receiver.addIceCandidate(e.candidate);
          receiver.onicecandidate = (e) => e.candidate && void sender.addIceCandidate(e.candidate);
          const transceiver = sender.addTransceiver(track, {
            direction: 'sendonly',
            sendEncodings: [{ maxBitrate: 1_500_000, maxFramerate: 5 }],
          });
          const vp8 = RTCRtpSender.getCapabilities('video')?.codecs.filter((c) => c.mimeType === 'video/VP8') ?? [];
          transceiver.setCodecPreferences(vp8);
          await sender.setLocalDescription();
          await receiver.setRemoteDescription(sender.localDescription as RTCSessionDescription);
          await receiver.setLocalDescription();
          await sender.setRemoteDescription(receiver.localDescription as RTCSessionDescription);
          // Keep the canvas producing frames (captureStream sends a frame when the canvas is drawn).
          let current = 0;
          const ticker = setInterval(() => draw(current), 200);
          for (let i = 1; i <= images.length; i++) {
            await new Promise((resolve) => setTimeout(resolve, secondsPerPage * 1000));
            current = Math.min(i, images.length - 1);
          }
          clearInterval(ticker);
          let bytes = 0;
          (await sender.getStats()).forEach((report: { type: string; bytesSent?: number }) => {
            if (report.type === 'outbound-rtp') {
              bytes += report.bytesSent ?? 0;
            }
          });
          sender.close();
          receiver.close();

          return bytes;
        },
        { urls: Array.from({ length: PAGES }, (_, i) => pageUrl(i + 1)), secondsPerPage: SECONDS_PER_PAGE },
      );
      const screenPerMinute = screenBytes / minutes;
      const content = {
        date: new Date().toISOString(),
        pages: PAGES,
        secondsPerPage: SECONDS_PER_PAGE,
        slidesKBPerPointPerMinute: round(slidesPerMinute / 1024),
        screenKBPerPointPerMinute: round(screenPerMinute / 1024),
        screenToSlidesRatio: round(screenPerMinute / slidesPerMinute),
        pageTurnMsMax: round(Math.max(...turnMs)),
      };
      const results = join(import.meta.dirname, 'results');
      const latestPath = join(results, 'latest.json');
      const latest = JSON.parse(await readFile(latestPath, 'utf8').catch(() => '{}')) as Record<string, unknown>;
      await writeFile(latestPath, JSON.stringify({ ...latest, content }, null, 2) + '\n');
      const table = [
        `Measured ${content.date.slice(0, 10)} on ${cpus().length} cores: a ${PAGES}-page report (DOCX through LibreOffice), a page every ${SECONDS_PER_PAGE} s.`,
        '',
        '| the report as | per point per minute | ratio |',
        '| --- | --- | --- |',
        `| slides (page images once, page-turn messages) | ${content.slidesKBPerPointPerMinute} KB | 1 |`,
        `| a shared screen (VP8, 5 fps, up to 1.5 Mbit/s) | ${content.screenKBPerPointPerMinute} KB | ${content.screenToSlidesRatio} |`,
        '',
        `A page turn reached the point's socket within ${content.pageTurnMsMax} ms (the slowest of ${PAGES}, the chair's command to the point).`,
        '',
      ].join('\n');
      await writeFile(join(results, 'latest-content.md'), table);
      console.log(table);
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
    await remove();
  }
}
