// npm install step: put mediasoup's own prebuilt worker where mediasoup looks for it, when this machine can download
// it, and never fail or hang the install when it cannot (offline government networks). mediasoup's own install
// script is off (package.json allowScripts) because its fallback, a source build, needs the internet and hangs
// offline. See infra/mediasoup-worker/README.md.
/* global fetch, AbortSignal -- Node 20's own */
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const DOWNLOAD_TIMEOUT_MS = 60_000;
const say = (message) => process.stdout.write(`diemcau: mediasoup worker: ${message}\n`);

const require = createRequire(import.meta.url);
let mediasoupDir;
try {
  // mediasoup's exports map hides package.json: go up from its entry point (node/lib/index.js).
  mediasoupDir = join(dirname(require.resolve('mediasoup')), '..', '..');
} catch {
  say('mediasoup is not installed; skipping');
  process.exit(0);
}
const { version, repository } = require(join(mediasoupDir, 'package.json'));
// Where mediasoup looks for its worker; another folder only for this script's own test.
const releaseDir = process.env.DIEMCAU_WORKER_INSTALL_DIR ?? join(mediasoupDir, 'worker', 'out', 'Release');
const bin = join(releaseDir, 'mediasoup-worker');

/** mediasoup's own check of a worker: run without MEDIASOUP_VERSION, a good one exits with 41. */
function runsHere(path) {
  try {
    execFileSync(path, [], { stdio: 'ignore', env: {}, timeout: 5000 });

    return false;
  } catch (error) {
    return error.status === 41;
  }
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);

    return true;
  } catch {
    return false;
  }
}

if (process.env.MEDIASOUP_WORKER_BIN) {
  say(`MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN} given; nothing to download`);
  process.exit(0);
}
if (executable(bin) && runsHere(bin)) {
  say(`already installed at ${bin}`);
  process.exit(0);
}
if (process.env.DIEMCAU_SKIP_WORKER_DOWNLOAD) {
  say('DIEMCAU_SKIP_WORKER_DOWNLOAD set; not downloading');
  process.exit(0);
}

// The same release asset name mediasoup's own install script asks for.
const kernel = platform() === 'linux' ? `-kernel${release().split('.')[0]}` : '';
const asset = `mediasoup-worker-${version}-${platform()}-${arch()}${kernel}.tgz`;
const base =
  process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ??
  `${repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/releases/download`;
const url = `${base}/${version}/${asset}`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok || response.body === null) {
    throw new Error(`HTTP ${response.status}`);
  }
  const tar = require('tar');
  mkdirSync(releaseDir, { recursive: true });
  await pipeline(Readable.fromWeb(response.body), tar.x({ cwd: releaseDir, strict: true }));
  chmodSync(bin, 0o755);
  if (!runsHere(bin)) {
    unlinkSync(bin);
    throw new Error('the downloaded worker does not run on this machine');
  }
  say(`installed mediasoup ${version}'s prebuilt worker at ${bin}`);
} catch (error) {
  say(
    `no prebuilt worker (${error.cause?.code ?? error.message}); the embedded bridge runs unless ` +
      'MEDIASOUP_WORKER_BIN names a worker (infra/mediasoup-worker/README.md)',
  );
}
