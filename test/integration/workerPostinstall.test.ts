import { execFile } from 'node:child_process';
import { copyFile, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_WORKER_BIN, mediasoupAvailable } from '../helpers/mediasoup.js';
import { freePort } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const SCRIPT = 'infra/mediasoup-worker/postinstall.mjs';
const VERSION = '3.19.3';
const ASSET = `mediasoup-worker-${VERSION}-${platform()}-${arch()}${platform() === 'linux' ? `-kernel${release().split('.')[0]}` : ''}.tgz`;

/** The install step, as npm runs it, with the release downloads served from loopback (or from nowhere). */
describe('npm install: the mediasoup worker step', () => {
  const cleanups: (() => Promise<void>)[] = [];
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise((r) => (server === null ? r(undefined) : server.close(r)));
    server = null;
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });

  const install = async (env: Record<string, string>) => {
    const target = await tempDir('diemcau-worker-install-');
    cleanups.push(target.remove);
    const started = Date.now();
    const { stdout } = await run('node', [SCRIPT], {
      env: { PATH: process.env.PATH ?? '', DIEMCAU_WORKER_INSTALL_DIR: target.dir, ...env },
      timeout: 30_000,
    });

    return { stdout, dir: target.dir, seconds: (Date.now() - started) / 1000 };
  };

  it('offline, it says so and succeeds within seconds (no fallback build)', async () => {
    const port = await freePort(); // nothing listens there
    const { stdout, dir, seconds } = await install({
      MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL: `http://127.0.0.1:${port}`,
    });
    expect(stdout).toContain('no prebuilt worker');
    expect(seconds).toBeLessThan(10);
    await expect(stat(join(dir, 'mediasoup-worker'))).rejects.toThrow();
  });

  it.skipIf(!mediasoupAvailable())(
    'online, it installs mediasoup’s prebuilt worker and checks it runs here',
    async () => {
      const pack = await tempDir('diemcau-worker-pack-');
      cleanups.push(pack.remove);
      await copyFile(TEST_WORKER_BIN as string, join(pack.dir, 'mediasoup-worker'));
      await run('tar', ['-C', pack.dir, '-czf', join(pack.dir, ASSET), 'mediasoup-worker']);
      const tarball = await readFile(join(pack.dir, ASSET));
      const requested: string[] = [];
      server = createServer((req, res) => {
        requested.push(req.url ?? '');
        if (req.url === `/${VERSION}/${ASSET}`) {
          res.writeHead(200, { 'content-type': 'application/gzip' }).end(tarball);
        } else {
          res.writeHead(404).end();
        }
      });
      const port = await freePort();
      await new Promise<void>((r) => server?.listen(port, '127.0.0.1', r));
      const { stdout, dir } = await install({
        MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL: `http://127.0.0.1:${port}`,
      });
      expect(requested).toEqual([`/${VERSION}/${ASSET}`]);
      expect(stdout).toContain('installed mediasoup 3.19.3');
      expect((await stat(join(dir, 'mediasoup-worker'))).mode & 0o111).not.toBe(0);
    },
  );

  it('does nothing when MEDIASOUP_WORKER_BIN is given', async () => {
    const { stdout } = await install({ MEDIASOUP_WORKER_BIN: '/opt/worker' });
    expect(stdout).toContain('MEDIASOUP_WORKER_BIN=/opt/worker given');
  });
});
