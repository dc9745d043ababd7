import { execFile } from 'node:child_process';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingOffset, type RecordedSpan } from '../../server/domain/record/recording.js';
import { request } from '../../server/protocol/client.js';
import { uploadReady } from '../helpers/documents.js';
import { testPdf } from '../helpers/pdf.js';
import { BRIDGES, bridgeEnv } from '../helpers/mediasoup.js';
import { squash, textViaLibreOffice } from '../helpers/office.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium, openMediaPage } from './browser.js';
import { CAMERA_COLOURS, type LabelledCamera } from './labelledCamera.js';

const run = promisify(execFile);
/** The hub's camera: the speaker beside the content in the recording. */
const HUB_CAMERA: LabelledCamera = { label: 'Chủ trì', rgb: CAMERA_COLOURS.red };

interface Probe {
  streams: { codec_type: string; codec_name: string }[];
  format: { duration: string };
  chapters: { start_time: string; tags?: { title?: string } }[];
}

/** A picture as 64×36 RGB pixels: a frame of a recording at `atSec`, or an image (`atSec` null) fitted as a page. */
async function thumbnail(input: string | Buffer, atSec: number | null): Promise<Buffer> {
  const fit = 'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:white';
  const source = typeof input === 'string' ? input : join(await mkdtemp(join(tmpdir(), 'page-')), 'page.jpg');
  if (typeof input !== 'string') {
    await writeFile(source, input);
  }
  const seek = atSec === null ? [] : ['-ss', atSec.toFixed(2)];
  const { stdout } = await run(
    'ffmpeg',
    [
      ...seek,
      '-v',
      'error',
      '-i',
      source,
      '-frames:v',
      '1',
      '-vf',
      `${fit},scale=64:36`,
      '-pix_fmt',
      'rgb24',
      '-f',
      'rawvideo',
      '-',
    ],
    { encoding: 'buffer' },
  );

  return stdout;
}

/** Mean absolute difference of two thumbnails over their left two thirds (where the speaker's inset never is). */
function difference(a: Buffer, b: Buffer): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < 36; y++) {
    for (let x = 0; x < 42; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * 64 + x) * 3 + c;
        sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
        n++;
      }
    }
  }

  return sum / n;
}

/** The mean RGB of a thumbnail's pixels in [x0, x1) × [y0, y1). */
function meanColour(thumb: Buffer, x0: number, y0: number, x1: number, y1: number): number[] {
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < 3; c++) {
        sum[c] = (sum[c] ?? 0) + (thumb[(y * 64 + x) * 3 + c] ?? 0);
      }
    }
  }

  return sum.map((v) => v / ((x1 - x0) * (y1 - y0)));
}

const colourDistance = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))));

const recordingOf = async (t: TestServer) =>
  (await (await fetch(`${t.url}/api/meetings/m1/recording`, { headers: { 'x-api-key': ADMIN_KEY } })).json()) as {
    enabled: boolean;
    recording: { status: string; file: string | null; reason: string | null; spans: RecordedSpan[] } | null;
  };

/**
 * The program recording on each bridge (the real mediasoup worker, and the embedded one): Chromium's camera and
 * microphone at the hub and at a commune, copied as plain RTP into ffmpeg, a segment per program source, joined with a chapter per turn; checked with ffprobe.
 */
describe.each(BRIDGES.map((b) => [b.bridge, b.skip] as const))('[%s] recording the program', (bridge, skip) => {
  let t: TestServer | null = null;
  let browser: Browser | null = null;

  afterEach(async () => {
    await browser?.close();
    await t?.close();
    browser = null;
    t = null;
  });

  it.skipIf(skip)(
    'records the hub, the floor holder, the hub’s shared screen, then its slides, content always beside the speaker, into one WebM with a video and an audio track and a chapter per turn',
    async () => {
      t = await startTestServer({ env: await bridgeEnv(bridge, { RECORDING: 'on', RECORDING_MIN_FREE_MB: '1' }) });
      browser = await launchChromium();
      // The hub's screen (its window's size) is told from every camera (960×540 at most) by its size.
      const report = await uploadReady(t, testPdf(3), 'Báo cáo tháng.pdf');
      // Each room's camera is a flat colour of its own: the recording says whose picture it holds by its colour.
      const { page: hub } = await openMediaPage(
        browser,
        t,
        'chair',
        undefined,
        { width: 1366, height: 768 },
        60_000,
        HUB_CAMERA,
      );
      await openMediaPage(browser, t, 'point', 'DC-X1', { width: 1280, height: 720 }, 60_000, {
        label: 'Xã Tân Sơn',
        rgb: CAMERA_COLOURS.blue,
      });
      const { socket: chair } = await t.connect('chair');
      await request(chair, 'meeting:start', {});
      await eventually(async () => expect((await recordingOf(t as TestServer)).recording?.status).toBe('recording'));
      // Everyone in the meeting is told that it is recorded.
      await hub.locator('[data-testid=recording-badge]').getByText('Đang ghi hình').waitFor();
      // Each stretch of the program is given time to be written (its file grows), not a fixed pause: a busy host
      // writes slowly, and the test must not outrun it.
      const sizeOf = (part: number) =>
        stat(join(t?.dataDir ?? '', 'recordings', `m1.part-${part}.webm`)).then(
          (s) => s.size,
          () => 0,
        );
      const grown = async (part: number) => {
        const from = await sizeOf(part);
        await eventually(async () => expect((await sizeOf(part)) - from).toBeGreaterThan(40_000), 120_000);
      };
      await grown(1);
      await request(chair, 'floor:grant', { pointId: 'DC-X1' });
      await grown(2);
      await request(chair, 'floor:revoke', {});
      await grown(3);
      // The content is recorded as the program shows it: the hub shares its screen.
      await hub.getByRole('tab', { name: 'Tài liệu' }).click();
      await hub.getByTestId('share-screen').click();
      await eventually(async () => expect(t?.meeting.state.content).toMatchObject({ kind: 'screen' }));
      const screen = await hub.evaluate(() => {
        const track = (window as unknown as { diemcau?: { media?: { screen: MediaStreamTrack | null } } }).diemcau
          ?.media?.screen;

        return `${track?.getSettings().width ?? 0}x${track?.getSettings().height ?? 0}`;
      });
      // A screen's first key frame alone may be that much: the stretch is given as much again, while the speaker's
      // camera beside it is written.
      await grown(4);
      await grown(4);
      // Then the hub presents a report as slides: the recording draws the page large and the speaker small.
      await request(chair, 'content:stop', {});
      await eventually(async () => expect(await sizeOf(5)).toBeGreaterThan(4096), 120_000);
      const slidesAt = (await request(chair, 'slides:show', { documentId: report, page: 2 })).ok ? Date.now() : 0;
      expect(slidesAt).toBeGreaterThan(0);
      await grown(5);
      await grown(5);
      await request(chair, 'meeting:end', {});
      await eventually(
        async () => expect((await recordingOf(t as TestServer)).recording?.status).toBe('done'),
        180_000,
      );
      expect(t.server.meetings.get('m1').state.recording?.status).toBe('stopped');

      const { recording } = await recordingOf(t);
      const file = join(t.dataDir, 'recordings', recording?.file ?? '');
      const probe = JSON.parse(
        (
          await run('ffprobe', [
            '-v',
            'error',
            '-show_entries',
            'format=duration:stream=codec_type,codec_name',
            '-show_chapters',
            '-of',
            'json',
            file,
          ])
        ).stdout,
      ) as Probe;
      expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);
      // Three stretches, each with seconds of pictures; a switch of source costs a moment of each segment's start.
      const duration = Number(probe.format.duration);
      expect(duration).toBeGreaterThan(4);
      expect(duration).toBeLessThan(120);
      const sizes = (
        await run('ffprobe', [
          '-v',
          'error',
          '-select_streams',
          'v',
          '-show_entries',
          'frame=width,height',
          '-of',
          'csv=p=0:s=x',
          file,
        ])
      ).stdout;
      expect(new Set(sizes.trim().split('\n'))).toContain(screen);
      // Each stretch is read three quarters of the way through, once the speaker's camera beside the content has long
      // sent its first key frame (a busy host's can come a second or two after the content's).
      const laterIn = (from: number, to: number) => from + (to - from) * 0.75;
      // Well into the slides, the recorded picture is page 2 (the speaker's inset aside), pixel for pixel close;
      // a moment of the camera alone is not.
      const log = await t.server.meetings.log('m1');
      const shown = log.find((e) => e.type === 'ContentShown' && e.kind === 'slides')?.at ?? 0;
      const ended = log.find((e) => e.type === 'MeetingEnded')?.at ?? 0;
      const slidesOffset = recordingOffset(recording?.spans ?? [], laterIn(shown, ended));
      expect(slidesOffset).not.toBeNull();
      const pageImage = Buffer.from(
        await (
          await fetch(`${t.url}/api/meetings/m1/documents/${report}/pages/2`, { headers: { 'x-api-key': ADMIN_KEY } })
        ).arrayBuffer(),
      );
      const expected = await thumbnail(pageImage, null);
      // The slides run to the end of the file; a span placed later than the file holds (a busy host's late key frames)
      // is read at the file's last second of slides.
      const slides = await thumbnail(file, Math.min(slidesOffset ?? 0, duration - 1));
      const camera = await thumbnail(file, 1);
      expect(difference(slides, expected)).toBeLessThan(20);
      expect(difference(camera, expected)).toBeGreaterThan(40);
      // The speaker (the hub) is in the corner, beside the slides and beside the shared screen: that corner has the
      // hub camera's colour, nearer to it than to the content just left of it.
      const screenFrom = log.find((e) => e.type === 'ContentShown' && e.kind === 'screen')?.at ?? 0;
      const screenTo = log.find((e) => e.type === 'ContentStopped' && e.at > screenFrom)?.at ?? 0;
      const cameraColour = HUB_CAMERA.rgb;
      expect(colourDistance(meanColour(camera, 0, 0, 64, 14), cameraColour)).toBeLessThan(60);
      // Of three moments late in each stretch, at least two must show it in the corner (a switch of source can cost a
      // moment of picture).
      const cornerIsCamera = (frame: Buffer) => {
        const corner = meanColour(frame, 50, 28, 62, 34);
        const beside = meanColour(frame, 34, 28, 46, 34);

        return colourDistance(corner, cameraColour) < colourDistance(corner, beside);
      };
      for (const [from, to, last] of [
        [screenFrom, screenTo, duration - 1],
        [shown, ended, duration - 1],
      ] as const) {
        const moments = [0.6, 0.75, 0.9].map((share) =>
          Math.min(recordingOffset(recording?.spans ?? [], from + (to - from) * share) ?? 0, last),
        );
        const withCamera = await Promise.all(moments.map(async (at) => cornerIsCamera(await thumbnail(file, at))));
        expect(
          withCamera.filter(Boolean).length,
          `the speaker beside the content at ${moments.join(', ')} s`,
        ).toBeGreaterThanOrEqual(2);
      }
      expect(colourDistance(meanColour(expected, 50, 28, 62, 34), cameraColour)).toBeGreaterThan(60);
      const titles = probe.chapters.map((c) => c.tags?.title ?? '');
      expect(titles[0]).toBe('Chương trình hội nghị');
      expect(titles).toContain('Lượt 1: Điểm cầu Xã Tân Sơn');
      const turn = probe.chapters.find((c) => c.tags?.title === 'Lượt 1: Điểm cầu Xã Tân Sơn');
      expect(Number(turn?.start_time)).toBeGreaterThan(2);

      // The speaker log and the minutes say where each turn is in the recording.
      // The ended meeting's console keeps its record under the summary.
      await hub.getByTestId('ended-summary').waitFor();
      const offset = await hub.locator('[data-testid=recording-offset-0]').innerText();
      // The turn's place in the recording is where its chapter starts there.
      const [, mm = '0', ss = '0'] = /bản ghi hình (\d\d):(\d\d)/.exec(offset) ?? [];
      expect(Math.abs(Number(mm) * 60 + Number(ss) - Number(turn?.start_time))).toBeLessThanOrEqual(2);
      const minutes = await fetch(`${t.url}/api/meetings/m1/minutes.docx`, { headers: { 'x-api-key': ADMIN_KEY } });
      const text = squash(await textViaLibreOffice(Buffer.from(await minutes.arrayBuffer()), 'docx'));
      expect(text).toContain(squash(`Hội nghị được ghi hình: tệp ${recording?.file ?? ''}`));
      expect(text).toContain(`(bảnghihình:${mm}:${ss})`);
      expect(text).toContain(squash('Chia sẻ màn hình.'));

      // The office downloads it.
      const download = await fetch(`${t.url}/api/meetings/m1/recording.webm`, { headers: { 'x-api-key': ADMIN_KEY } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toContain('video/webm');
      expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    },
    600_000,
  );

  it.skipIf(skip)(
    'a recordings folder that cannot be made: the recording fails with the alert; the coordinator and meeting go on',
    async () => {
      t = await startTestServer({ env: await bridgeEnv(bridge, { RECORDING: 'on' }) });
      // A file where the folder should be.
      await writeFile(join(t.dataDir, 'recordings'), 'not a folder');
      const { socket: chair } = await t.connect('chair');
      await request(chair, 'meeting:start', {});
      const meeting = t.server.meetings.get('m1');
      await eventually(async () => expect(meeting.state.recording?.status).toBe('failed'));
      expect(meeting.state.alerts.find((a) => a.kind === 'recording_stopped')?.clearedAt).toBeNull();
      expect((await request(chair, 'floor:grant', { pointId: 'DC-X1' })).ok).toBe(true);
    },
    60_000,
  );

  it.skipIf(skip)(
    'a disk without room stops the recording with an alert to technicians; the meeting goes on',
    async () => {
      t = await startTestServer({
        env: await bridgeEnv(bridge, { RECORDING: 'on', RECORDING_MIN_FREE_MB: String(1024 * 1024 * 1024) }),
      });
      const { socket: chair } = await t.connect('chair');
      await request(chair, 'meeting:start', {});
      const meeting = t.server.meetings.get('m1');
      await eventually(async () => expect(meeting.state.recording?.status).toBe('failed'));
      expect(meeting.state.recording?.reason).toContain('ổ đĩa');
      expect(meeting.state.alerts.find((a) => a.kind === 'recording_stopped')?.clearedAt).toBeNull();
      expect(meeting.state.status).toBe('in_session');
      expect((await request(chair, 'floor:grant', { pointId: 'DC-X1' })).ok).toBe(true);
      const missing = await fetch(`${t.url}/api/meetings/m1/recording.webm`, { headers: { 'x-api-key': ADMIN_KEY } });
      expect(missing.status).toBe(404);
    },
    60_000,
  );
});
