import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { RTMP_MODULE, startRtmpIngest, type RtmpIngest } from '../helpers/nginxRtmp.js';
import { freePort, until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** The codecs ffprobe finds in a recorded FLV. */
const codecsOf = (file: string) =>
  execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .sort();

interface Destination {
  name: string;
  target: string;
  state: string;
  words: string;
  lastError: string | null;
}

/**
 * The live stream pushed to a portal's ingest over RTMP (Debian's nginx-rtmp on loopback, recording what it gets):
 * the program reaches it as H.264 + AAC, an unreachable second ingest is tried again without disturbing the first,
 * the push survives the ingest restarting, and stops on DELETE. A URL that is not RTMP is refused and starts nothing.
 */
describe.skipIf(!mediasoupAvailable() || (!existsSync(RTMP_MODULE) && process.env.CI !== 'true'))(
  '[mediasoup] the live stream pushed over RTMP',
  () => {
    let t: TestServer;
    let ingest: RtmpIngest;
    const api = (method: string, body?: unknown) =>
      fetch(`${t.url}/api/meetings/m1/stream`, {
        method,
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const destinations = async () =>
      ((await (await api('GET')).json()) as { stream: { destinations: Destination[] } }).stream.destinations;
    const largest = () => Math.max(0, ...ingest.recordings().map((r) => r.bytes));
    /** Everything the ingest has recorded so far. */
    const received = () => ingest.recordings().reduce((sum, r) => sum + r.bytes, 0);

    beforeAll(async () => {
      ingest = await startRtmpIngest(await freePort());
      t = await startTestServer({ env: await bridgeEnv('mediasoup', { PROGRAM_FPS: '15', STREAM_SEGMENT_SEC: '1' }) });
      await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    }, 60_000);

    afterAll(async () => {
      await t?.close();
      await ingest?.stop();
    });

    it('refuses a destination that is not rtmp:// or rtmps://, at its field, and starts nothing', async () => {
      const refused = await api('POST', { destinations: [{ name: 'Cổng TTĐT tỉnh', url: 'http://10.0.0.1/live/x' }] });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: 'destinations.0.url' })] },
      });
      expect(t.meeting.state.stream).toBeNull();
    });

    it('reaches the ingest as H.264 + AAC, retries an unreachable one apart, survives a restart, and stops on DELETE', async () => {
      const unreachable = await freePort();
      const started = await api('POST', {
        destinations: [
          { name: 'Cổng TTĐT tỉnh', url: `${ingest.base}hoinghi-khoa-bi-mat` },
          { name: 'Đài PT-TH tỉnh', url: `rtmp://127.0.0.1:${unreachable}/live/khoa-khac` },
        ],
      });
      expect(started.status).toBe(201);
      const listed = await destinations();
      // The stream keys are never shown, nor logged.
      expect(listed.map((d) => d.target)).toEqual([
        `rtmp://127.0.0.1:${new URL(ingest.base).port}/live/…`,
        `rtmp://127.0.0.1:${unreachable}/live/…`,
      ]);
      expect(JSON.stringify(await t.server.meetings.log('m1'))).not.toContain('khoa');
      expect(t.meeting.state.stream?.reason).toBe('phát tới: Cổng TTĐT tỉnh, Đài PT-TH tỉnh');

      await until(() => largest() > 100_000, 60_000, 'the program recorded at the ingest');
      expect(codecsOf(ingest.recordings().at(-1)?.file ?? '')).toEqual(['aac', 'h264']);
      await until(
        async () => (await destinations())[1]?.state === 'retrying' && (await destinations())[1]?.lastError !== null,
        30_000,
        'the unreachable ingest retried',
      );
      expect((await destinations())[1]?.words).toBe('mất kết nối, đang thử lại');

      // The ingest restarts: the push comes back by itself, in a new recording.
      const before = ingest.recordings().length;
      await ingest.restart();
      await until(
        () => ingest.recordings().length > before && (ingest.recordings().at(-1)?.bytes ?? 0) > 50_000,
        60_000,
        'the push back after the restart',
      );
      expect((await destinations())[0]?.state).toBe('live');

      expect((await api('DELETE')).status).toBe(200);
      // Nothing more arrives once it stopped (what was in flight has landed after a moment).
      await until(async () => (await destinations()).length === 0, 10_000, 'the pushes gone');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const after = received();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(received()).toBe(after);
    }, 240_000);
  },
);
