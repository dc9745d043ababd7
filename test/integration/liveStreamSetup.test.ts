import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_WINDOW_SEGMENTS } from '../../server/stream/hlsArguments.js';
import { playlistEntries } from '../../server/stream/VodArchive.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/** The card's ground (server/stream/streamInput.ts), as RGB. */
const CARD_GROUND = [0x0b, 0x25, 0x45];

/** The mean colour of a patch near the top left of a segment's first picture (clear of any text). */
function cornerColour(file: string): number[] {
  const rgb = execFileSync('ffmpeg', [
    ...['-v', 'error', '-i', file, '-frames:v', '1', '-vf', 'crop=16:16:24:24'],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ]);
  const sums = [0, 0, 0];
  rgb.forEach((value, i) => (sums[i % 3] = (sums[i % 3] ?? 0) + value));

  return sums.map((sum) => Math.round(sum / (rgb.length / 3)));
}

const isCard = (colour: number[]) => colour.every((value, i) => Math.abs(value - (CARD_GROUND[i] ?? 0)) <= 12);

/**
 * The stream as the office sets it up (mediasoup, the program encoder, ffmpeg): an internal stream plays only with a
 * viewer link, which is revoked as any link is; it starts by itself when the meeting opens; the still card replaces
 * the program for a closed part and the playlists go on; kept, its segments become the meeting's recording (VOD).
 */
describe.skipIf(!mediasoupAvailable())('[mediasoup] the live stream as the office sets it up', () => {
  let t: TestServer;
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { 'x-api-key': ADMIN_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  let cookie = '';
  const watch = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, { headers: { cookie, ...headers }, redirect: 'manual' });
  const folder = () => t.server.streams?.folderOf('m1') ?? '';
  const latestSegment = async () => {
    const entries = playlistEntries(await (await watch('/live/m1/720p/index.m3u8')).text());

    return join(folder(), '720p', entries.at(-1)?.uri ?? 'none');
  };

  beforeAll(async () => {
    t = await startTestServer({
      env: await bridgeEnv('mediasoup', {
        PROGRAM_FPS: '15',
        STREAM_SEGMENT_SEC: '1',
        LOG_LEVEL: process.env.STREAM_DEBUG ?? 'silent',
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('refuses a setup it cannot keep, at the field, and changes nothing', async () => {
    const notRtmp = await api('PUT', '/api/meetings/m1/stream/setup', {
      internal: false,
      startWithMeeting: false,
      keepRecording: false,
      destinations: [{ name: 'Cổng thông tin tỉnh', url: 'http://127.0.0.1/live' }],
    });
    expect(notRtmp.status).toBe(400);
    expect(await notRtmp.json()).toMatchObject({ error: { details: [{ path: 'destinations.0.url' }] } });
    const unknownName = await api('PUT', '/api/meetings/m1/stream/setup', {
      internal: false,
      startWithMeeting: false,
      keepRecording: false,
      destinations: [{ name: 'Đài truyền hình' }],
    });
    expect(unknownName.status).toBe(400);
    expect(await unknownName.json()).toMatchObject({ error: { details: [{ path: 'destinations.0.url' }] } });
    const twice = await api('PUT', '/api/meetings/m1/stream/setup', {
      internal: false,
      startWithMeeting: false,
      keepRecording: false,
      destinations: [
        { name: 'Cổng tỉnh', url: 'rtmp://127.0.0.1:1/live/a' },
        { name: 'cổng tỉnh', url: 'rtmp://127.0.0.1:1/live/b' },
      ],
    });
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ error: { details: [{ path: 'destinations.1.name' }] } });
    expect(t.meeting.state.streamSetup).toMatchObject({ internal: false, destinations: [] });
  });

  it('internal, started with the meeting, a card for a closed part, revoked links, kept as a recording', async () => {
    const setup = {
      internal: true,
      startWithMeeting: true,
      keepRecording: true,
      // An ingest nobody listens on: the push keeps trying, the stream goes on.
      destinations: [{ name: 'Cổng thông tin tỉnh', url: 'rtmp://127.0.0.1:9/live/KHOA-BI-MAT' }],
    };
    const saved = await api('PUT', '/api/meetings/m1/stream/setup', setup);
    expect(saved.status).toBe(200);
    const savedText = await saved.text();
    expect(savedText).not.toContain('KHOA-BI-MAT');
    expect(JSON.parse(savedText)).toMatchObject({
      stream: {
        setup: { internal: true, destinations: [{ name: 'Cổng thông tin tỉnh', target: 'rtmp://127.0.0.1:9/live/…' }] },
      },
    });
    // Saved again by name alone (as the console does): the address is kept.
    expect(
      (await api('PUT', '/api/meetings/m1/stream/setup', { ...setup, destinations: [{ name: 'Cổng thông tin tỉnh' }] }))
        .status,
    ).toBe(200);
    expect(t.meeting.state.streamSetup.destinations[0]?.url).toBe('rtmp://127.0.0.1:9/live/KHOA-BI-MAT');

    // The chair opens the session: the stream starts by itself, pushed where the office said.
    await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    await until(() => t.meeting.state.stream?.status === 'live', 30_000, 'the stream started with the meeting');
    const started = (await t.server.meetings.log('m1')).find((e) => e.type === 'StreamChanged');
    expect(started?.by.role).toBe('system');
    expect(t.server.streams?.view(t.meeting).destinations).toMatchObject([{ name: 'Cổng thông tin tỉnh' }]);

    // Internal: without a viewer link nothing is said of it, nor served.
    expect(await (await watch('/api/live/m1')).json()).toMatchObject({
      title: null,
      access: 'needed',
      stream: { status: 'live', playlist: null },
    });
    const refused = await watch('/live/m1/index.m3u8');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await watch('/api/live-access', { 'x-original-uri': '/live/m1/720p/index.m3u8' })).status).toBe(403);

    // A viewer link: its short form leads to the viewing page; given to the page, it leaves the viewer's cookie.
    const issued = await api('POST', '/api/meetings/m1/stream/links');
    expect(issued.status).toBe(201);
    const link = (await issued.json()) as { tokenId: string; url: string; shortUrl: string };
    const token = new URL(link.url).searchParams.get('k') ?? '';
    const short = await watch(new URL(link.shortUrl).pathname);
    expect(short.status).toBe(302);
    expect(short.headers.get('location')).toBe(`/truc-tiep/m1?k=${encodeURIComponent(token)}`);
    expect((await api('GET', '/api/meetings/m1/tokens').then((r) => r.json())) as object).toMatchObject({ links: [] });
    const wrong = await fetch(`${t.url}/api/live/m1/pass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'not-a-link' }),
    });
    expect(wrong.status).toBe(401);
    const pass = await fetch(`${t.url}/api/live/m1/pass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(pass.status).toBe(204);
    const setCookie = pass.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^dc_live_m1=.*HttpOnly/);
    cookie = setCookie.split(';')[0] ?? '';
    expect(await (await watch('/api/live/m1')).json()).toMatchObject({
      title: t.meeting.state.def.title,
      access: 'open',
      stream: { playlist: '/live/m1/index.m3u8', showing: 'program' },
    });
    expect((await watch('/api/live-access', { 'x-original-uri': '/live/m1/720p/index.m3u8' })).status).toBe(204);
    await until(
      async () => playlistEntries(await (await watch('/live/m1/720p/index.m3u8')).text()).length >= 3,
      60_000,
      'segments of the program',
    );
    expect(isCard(cornerColour(await latestSegment()))).toBe(false);

    // A closed part: the card replaces the program in the same playlists (after a discontinuity), and back.
    expect((await api('POST', '/api/meetings/m1/stream/card', { shown: true })).status).toBe(200);
    await until(async () => isCard(cornerColour(await latestSegment())), 60_000, 'the card in the stream');
    const during = await (await watch('/live/m1/720p/index.m3u8')).text();
    expect(during).toContain('#EXT-X-DISCONTINUITY');
    expect(during).not.toContain('#EXT-X-ENDLIST');
    expect(await (await watch('/api/live/m1')).json()).toMatchObject({ stream: { showing: 'card' } });
    expect((await api('POST', '/api/meetings/m1/stream/card', { shown: false })).status).toBe(200);
    await until(async () => !isCard(cornerColour(await latestSegment())), 60_000, 'the program again');

    // Revoked, the link stops playing at the next playlist.
    expect((await api('POST', `/api/meetings/m1/tokens/${link.tokenId}/revoke`)).status).toBe(200);
    const revoked = await watch('/live/m1/720p/index.m3u8');
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { code: 'TOKEN_REVOKED' } });
    expect(await (await watch('/api/live/m1')).json()).toMatchObject({ access: 'revoked' });

    // Stopped: every segment from the first is in the recording, which has ended and plays whole.
    expect((await api('DELETE', '/api/meetings/m1/stream')).status).toBe(200);
    const vod = await readFile(join(folder(), '720p', 'vod.m3u8'), 'utf8');
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(vod).toContain('#EXT-X-ENDLIST');
    const kept = playlistEntries(vod);
    expect(kept[0]?.uri).toMatch(/-seg0\.ts$/);
    // More than the live playlists ever held at once.
    expect(kept.length).toBeGreaterThan(LIVE_WINDOW_SEGMENTS);
    expect(kept.filter((e) => e.discontinuity)).toHaveLength(2);
    expect(kept.every((e) => existsSync(join(folder(), '720p', e.uri)))).toBe(true);
    const seconds = kept.reduce((sum, e) => sum + e.duration, 0);
    const probed = Number(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(folder(), 'vod.m3u8')],
        {
          encoding: 'utf8',
        },
      ).trim(),
    );
    expect(Math.abs(probed - seconds)).toBeLessThan(3);
    // The record links it, for those with a (new) viewer link.
    const again = (await (await api('POST', '/api/meetings/m1/stream/links')).json()) as { url: string };
    const renewed = await fetch(`${t.url}/api/live/m1/pass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: new URL(again.url).searchParams.get('k') }),
    });
    cookie = (renewed.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(await (await watch('/api/live/m1')).json()).toMatchObject({
      stream: { status: 'stopped', recording: '/live/m1/vod.m3u8' },
    });
    expect((await watch('/live/m1/vod.m3u8')).status).toBe(200);
  }, 240_000);
});
