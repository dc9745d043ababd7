import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captionLines } from '../../server/domain/program/caption.js';
import { lowerThird } from '../../server/program/encoderArguments.js';
import { tempDir } from '../helpers/tmp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { textViaLibreOffice } from '../helpers/office.js';
import { until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** A variant playlist's segments, and whether it has ended. */
const playlistOf = (text: string) => ({
  segments: text.split('\n').filter((line) => line.endsWith('.ts')),
  ended: text.includes('#EXT-X-ENDLIST'),
});

/** What ffprobe finds in a segment: each stream's codec, and the picture's size. */
function probe(file: string): { video: string; audio: string; width: number; height: number } {
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }),
  ) as { streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
  const video = out.streams.find((s) => s.codec_type === 'video');
  const audio = out.streams.find((s) => s.codec_type === 'audio');

  return {
    video: video?.codec_name ?? '',
    audio: audio?.codec_name ?? '',
    width: video?.width ?? 0,
    height: video?.height ?? 0,
  };
}

/** The bottom left of the program's picture (where the lower third is) as grey levels, from a segment or drawn. */
async function lowerLeft(segment: string | null, lines: string[] = []): Promise<Buffer> {
  const crop = 'crop=880:160:0:560,format=gray';
  if (segment !== null) {
    return execFileSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      segment,
      '-frames:v',
      '1',
      '-vf',
      crop,
      '-f',
      'rawvideo',
      'pipe:1',
    ]);
  }
  const { dir, remove } = await tempDir();
  try {
    const file = join(dir, 'caption.txt');
    await writeFile(file, lines.join('\n'));
    const drawn = lowerThird({ width: 1280, height: 720, fps: 15, keyFrameSec: 1 }, { font: PROGRAM_FONT, file });

    return execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x101010:s=1280x720', '-frames:v', '1'],
      ...['-vf', `${drawn},${crop}`, '-f', 'rawvideo', 'pipe:1'],
    ]);
  } finally {
    await remove();
  }
}

/**
 * The share of pixels on which two grey pictures disagree about being the lower third's white letters (the background
 * level and the encoder's noise aside).
 */
const difference = (a: Buffer, b: Buffer) =>
  a.reduce((sum, v, i) => sum + (v > 128 !== (b[i] ?? 0) > 128 ? 1 : 0), 0) / a.length;

const PROGRAM_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/**
 * The program live for the public as HLS from the coordinator (mediasoup: the program the encoder already makes for
 * hardware rooms): started and stopped by the office, two renditions, files served with the right caching, ended
 * playlists when it stops or the meeting ends, each change in the meeting's log.
 */
describe.skipIf(!mediasoupAvailable())('[mediasoup] the live stream (HLS)', () => {
  let t: TestServer;
  const api = (method: string, path: string) =>
    fetch(`${t.url}${path}`, { method, headers: { 'x-api-key': ADMIN_KEY } });
  const text = async (path: string) => (await fetch(`${t.url}${path}`)).text();

  beforeAll(async () => {
    t = await startTestServer({
      env: await bridgeEnv('mediasoup', {
        PROGRAM_FPS: '15',
        STREAM_SEGMENT_SEC: '1',
        LOG_LEVEL: process.env.STREAM_DEBUG ?? 'silent',
      }),
    });
    await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('the office starts it: H.264 and AAC at 720p and 360p in rolling playlists; stopped, the playlists end', async () => {
    expect(await (await api('GET', '/api/meetings/m1/stream')).json()).toMatchObject({
      enabled: true,
      stream: { status: 'never', words: 'chưa phát', playlist: null },
    });
    const started = await api('POST', '/api/meetings/m1/stream');
    expect(started.status).toBe(201);
    expect(await started.json()).toMatchObject({
      stream: { status: 'live', words: 'đang phát', playlist: '/live/m1/index.m3u8', renditions: ['720p', '360p'] },
    });
    const twice = await api('POST', '/api/meetings/m1/stream');
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ error: { code: 'STREAM_LIVE' } });

    // Playlists (no account needed to watch), segments coming.
    await until(
      async () =>
        playlistOf(await text('/live/m1/720p/index.m3u8')).segments.length >= 2 &&
        playlistOf(await text('/live/m1/360p/index.m3u8')).segments.length >= 2,
      60_000,
      'segments of both renditions',
    );
    const master = await fetch(`${t.url}/live/m1/index.m3u8`);
    expect(master.headers.get('cache-control')).toMatch(/no-cache/);
    expect(master.headers.get('content-type')).toMatch(/mpegurl/);
    expect(await master.text()).toMatch(/RESOLUTION=1280x720[\s\S]*720p\/index\.m3u8[\s\S]*RESOLUTION=640x360/);
    for (const [rendition, height] of [
      ['720p', 720],
      ['360p', 360],
    ] as const) {
      const segment = playlistOf(await text(`/live/m1/${rendition}/index.m3u8`)).segments[0] ?? '';
      const response = await fetch(`${t.url}/live/m1/${rendition}/${segment}`);
      expect(response.headers.get('cache-control')).toMatch(/immutable/);
      expect(probe(`${t.server.streams?.folderOf('m1')}/${rendition}/${segment}`)).toMatchObject({
        video: 'h264',
        audio: 'aac',
        height,
      });
    }
    // The lower third names the hub's room over the meeting's title, in Vietnamese letters: the picture's bottom left
    // matches the same words drawn by ffmpeg with the encoder's own settings, and not other words.
    const latest = playlistOf(await text('/live/m1/720p/index.m3u8')).segments.at(-1) ?? '';
    const hub = t.meeting.index.points.get(t.meeting.state.def.hubPointId);
    const lines = captionLines(
      t.meeting.state.def.title,
      { name: hub?.name ?? '', unitName: t.meeting.index.units.get(hub?.unitCode ?? '')?.name ?? null },
      50,
    );
    const shown = await lowerLeft(`${t.server.streams?.folderOf('m1')}/720p/${latest}`);
    const right = await lowerLeft(null, lines);
    const wrong = await lowerLeft(null, ['Điểm cầu Xã Hòa Lâm', 'Hội nghị sơ kết công tác quý III']);
    expect(difference(shown, right)).toBeLessThan(0.02);
    expect(difference(shown, wrong)).toBeGreaterThan(3 * difference(shown, right));
    // Nothing but the stream's files is served from there.
    expect((await fetch(`${t.url}/live/m1/..%2F..%2Fmeetings.json`)).status).toBe(404);
    expect((await fetch(`${t.url}/live/m1/program.sdp`)).status).toBe(404);

    const stopped = await api('DELETE', '/api/meetings/m1/stream');
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ stream: { status: 'stopped', words: 'dừng' } });
    expect(playlistOf(await text('/live/m1/720p/index.m3u8')).ended).toBe(true);
    expect(playlistOf(await text('/live/m1/360p/index.m3u8')).ended).toBe(true);
    expect((await api('DELETE', '/api/meetings/m1/stream')).status).toBe(409);

    const changes = (await t.server.meetings.log('m1')).filter((e) => e.type === 'StreamChanged');
    expect(changes.map((e) => [e.type === 'StreamChanged' ? e.status : '', e.by.role])).toEqual([
      ['live', 'admin'],
      ['stopped', 'admin'],
    ]);
  }, 120_000);

  it('ends with the meeting: the playlists end and the log says why', async () => {
    expect((await api('POST', '/api/meetings/m1/stream')).status).toBe(201);
    await until(
      async () => playlistOf(await text('/live/m1/720p/index.m3u8')).segments.length >= 1,
      60_000,
      'a segment',
    );
    await t.meeting.execute({ type: 'meeting.end' }, { role: 'chair' });
    await until(() => t.meeting.state.stream?.status === 'stopped', 20_000, 'stopped with the meeting');
    expect(t.meeting.state.stream?.reason).toBe('hội nghị kết thúc');
    expect(playlistOf(await text('/live/m1/720p/index.m3u8')).ended).toBe(true);
    const again = await api('POST', '/api/meetings/m1/stream');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'MEETING_ENDED' } });
    // The minutes say when the meeting was live to the public: both stretches, read by LibreOffice.
    const minutes = Buffer.from(await (await api('GET', '/api/meetings/m1/minutes.docx')).arrayBuffer());
    const said = (await textViaLibreOffice(minutes, 'docx')).match(
      /Phát trực tiếp từ \d{2} giờ \d{2} phút đến \d{2} giờ \d{2} phút/g,
    );
    expect(said).toHaveLength(2);
  }, 90_000);
});

describe.skipIf(!mediasoupAvailable())('[mediasoup] the live stream when its program stops first', () => {
  let t: TestServer;
  const api = (method: string, path: string) =>
    fetch(`${t.url}${path}`, { method, headers: { 'x-api-key': ADMIN_KEY } });
  const text = async (path: string) => (await fetch(`${t.url}${path}`)).text();

  beforeAll(async () => {
    t = await startTestServer({ env: await bridgeEnv('mediasoup', { PROGRAM_FPS: '15', STREAM_SEGMENT_SEC: '1' }) });
    await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('ends its playlists even when the program had already stopped sending (ffmpeg blocked in a read)', async () => {
    expect((await api('POST', '/api/meetings/m1/stream')).status).toBe(201);
    await until(
      async () => playlistOf(await text('/live/m1/720p/index.m3u8')).segments.length >= 1,
      60_000,
      'a segment',
    );
    // The program's transports close under the stream (as when a meeting ends and its router goes first).
    t.server.media.bridge.plain?.closeProgram('m1');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await api('DELETE', '/api/meetings/m1/stream')).status).toBe(200);
    expect(playlistOf(await text('/live/m1/720p/index.m3u8')).ended).toBe(true);
    expect(playlistOf(await text('/live/m1/360p/index.m3u8')).ended).toBe(true);
  }, 90_000);
});

describe('the live stream on the embedded bridge', () => {
  it('is refused, saying it needs mediasoup', async () => {
    const t = await startTestServer({ env: await bridgeEnv('werift') });
    try {
      const response = await fetch(`${t.url}/api/meetings/m1/stream`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY },
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: 'STREAM_UNAVAILABLE' } });
    } finally {
      await t.close();
    }
  });
});
