import { execFile } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { BRIDGES, bridgeEnv } from '../helpers/mediasoup.js';
import { squash, textViaLibreOffice } from '../helpers/office.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, launchChromium, openMediaPage } from './browser.js';

const run = promisify(execFile);

interface Probe {
  streams: { codec_type: string; codec_name: string }[];
  format: { duration: string };
  chapters: { start_time: string; tags?: { title?: string } }[];
}

const recordingOf = async (t: TestServer) =>
  (await (await fetch(`${t.url}/api/meetings/m1/recording`, { headers: { 'x-api-key': ADMIN_KEY } })).json()) as {
    enabled: boolean;
    recording: { status: string; file: string | null; reason: string | null } | null;
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
    'records the hub, the floor holder, then the hub’s shared screen, into one WebM with a video and an audio track and a chapter per turn',
    async () => {
      t = await startTestServer({ env: await bridgeEnv(bridge, { RECORDING: 'on', RECORDING_MIN_FREE_MB: '1' }) });
      browser = await launchChromium();
      // The hub's screen (its window's size) is told from every camera (960×540 at most) by its size.
      const { page: hub } = await openMediaPage(browser, t, 'chair', undefined, { width: 1366, height: 768 }, 60_000);
      await openMediaPage(browser, t, 'point', 'DC-X1', { width: 1280, height: 720 }, 60_000);
      const { socket: chair } = await t.connect('chair');
      await request(chair, 'meeting:start', {});
      await eventually(async () => expect((await recordingOf(t as TestServer)).recording?.status).toBe('recording'));
      // Everyone in the meeting is told that it is recorded.
      await hub.locator('[data-testid=recording-badge]').getByText('Đang ghi hình').waitFor();
      // Each stretch of the program is given time to be written (its file grows), not a fixed pause: a busy host
      // writes slowly, and the test must not outrun it.
      const grown = (part: number) =>
        eventually(async () => {
          const bytes = await stat(join(t?.dataDir ?? '', 'recordings', `m1.part-${part}.webm`)).then(
            (s) => s.size,
            () => 0,
          );
          expect(bytes).toBeGreaterThan(40_000);
        }, 120_000);
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
      await grown(4);
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
