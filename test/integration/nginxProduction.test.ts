import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getWithCa, makeTestCa, type TestCa } from '../helpers/certificates.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { accepts } from '../helpers/nginxRtmp.js';
import { freePort, until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The production nginx template (infra/nginx.production.conf.template) as a province fills it in, run by Debian's
 * nginx on loopback in front of a coordinator on mediasoup: TLS, and the live stream's files served by nginx itself
 * from DATA_DIR, each allowed first by the coordinator (auth_request), so that an internal stream plays only with a
 * viewer link and stops when the link is revoked.
 */
describe.skipIf(!mediasoupAvailable())('[mediasoup] the production nginx template in front of a coordinator', () => {
  let t: TestServer;
  let ca: TestCa;
  let nginx: ChildProcess | null = null;
  let httpsUrl = '';
  let removeDir: () => Promise<void> = async () => undefined;
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { 'x-api-key': ADMIN_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const through = (path: string, headers: Record<string, string> = {}) =>
    getWithCa(`${httpsUrl}${path}`, ca.cert, headers);

  beforeAll(async () => {
    t = await startTestServer({
      env: await bridgeEnv('mediasoup', { PROGRAM_FPS: '15', STREAM_SEGMENT_SEC: '1' }),
    });
    const { dir, remove } = await tempDir('diemcau-nginx-');
    removeDir = remove;
    ca = await makeTestCa(dir);
    const certificate = await ca.issue('nginx', ['127.0.0.1']);
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    httpsUrl = `https://127.0.0.1:${httpsPort}`;
    const coordinator = new URL(t.url);
    const filled = (await readFile(new URL('../../infra/nginx.production.conf.template', import.meta.url), 'utf8'))
      .replaceAll('@NODE_A@', coordinator.host)
      .replaceAll('@SERVER_NAME@', '127.0.0.1')
      .replaceAll('@CERT@', certificate.certPath)
      .replaceAll('@KEY@', certificate.keyPath)
      .replaceAll('@DATA_DIR@', t.dataDir)
      // Loopback ports of the test's own instead of 80 and 443 on every address.
      .replace(/^\s*listen \[::\].*$/gm, '')
      .replace(/listen 443 ssl http2 backlog=4096;/, `listen 127.0.0.1:${httpsPort} ssl http2;`)
      .replace(/listen 80;/, `listen 127.0.0.1:${httpPort};`);
    await mkdir(join(dir, 'logs'), { recursive: true });
    const conf = join(dir, 'nginx.conf');
    await writeFile(
      conf,
      [
        'daemon off;',
        'master_process off;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'logs', 'error.log')} warn;`,
        'events { worker_connections 64; }',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${join(dir, 'body')};`,
        `  proxy_temp_path ${join(dir, 'proxy')};`,
        filled,
        '}',
        '',
      ].join('\n'),
    );
    const started = spawn('nginx', ['-p', dir, '-c', conf], { stdio: 'ignore' });
    nginx = started;
    await until(async () => started.exitCode === null && (await accepts(httpsPort)), 10_000, 'nginx listening');
    await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
  }, 60_000);

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await t?.close();
    await removeDir();
  });

  it('serves the files itself, asking the coordinator first: an internal stream only with a live viewer link', async () => {
    const setup = { internal: true, startWithMeeting: false, keepRecording: false, destinations: [] };
    expect((await api('PUT', '/api/meetings/m1/stream/setup', setup)).status).toBe(200);
    expect((await api('POST', '/api/meetings/m1/stream')).status).toBe(201);
    const { url } = (await (await api('POST', '/api/meetings/m1/stream/links')).json()) as { url: string };
    const cookie = `dc_live_m1=${new URL(url).searchParams.get('k') ?? ''}`;
    await until(
      async () => (await through('/live/m1/720p/index.m3u8', { cookie })).body.includes('.ts'),
      60_000,
      'a segment through nginx',
    );

    const playlist = await through('/live/m1/720p/index.m3u8', { cookie });
    expect(playlist.status).toBe(200);
    expect(playlist.headers['content-type']).toMatch(/mpegurl/);
    expect(playlist.headers['cache-control']).toBe('no-cache, max-age=1');
    const segment = playlist.body.split('\n').find((line) => line.endsWith('.ts')) ?? '';
    const file = await through(`/live/m1/720p/${segment}`, { cookie });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('video/mp2t');
    expect(file.headers['cache-control']).toMatch(/immutable/);
    // Without the link: refused by nginx on the coordinator's word. The working files are never served.
    expect((await through('/live/m1/720p/index.m3u8')).status).toBe(403);
    expect((await through(`/live/m1/720p/${segment}`)).status).toBe(403);
    expect((await through('/live/.work/m1/hls.sdp', { cookie })).status).toBe(404);
    // The viewing page's state goes through to the coordinator.
    expect(JSON.parse((await through('/api/live/m1', { cookie })).body)).toMatchObject({ access: 'open' });

    // Revoked: the next playlist is refused.
    const links = (await (await api('GET', '/api/meetings/m1/stream/links')).json()) as {
      links: { tokenId: string }[];
    };
    expect((await api('POST', `/api/meetings/m1/tokens/${links.links[0]?.tokenId}/revoke`)).status).toBe(200);
    expect((await through('/live/m1/720p/index.m3u8', { cookie })).status).toBe(403);

    // Made public: anyone plays it, and a portal's own player may (CORS).
    expect((await api('PUT', '/api/meetings/m1/stream/setup', { ...setup, internal: false })).status).toBe(200);
    const open = await through('/live/m1/index.m3u8');
    expect(open.status).toBe(200);
    expect(open.headers['access-control-allow-origin']).toBe('*');
    expect((await api('DELETE', '/api/meetings/m1/stream')).status).toBe(200);
  }, 120_000);
});
