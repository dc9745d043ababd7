import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import type { MediaBridge } from '../../server/media/MediaBridge.js';
import { createBridge } from '../../server/media/createBridge.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { tempDir } from '../helpers/tmp.js';

const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp', LOG_LEVEL: 'silent', ...env });

describe('createBridge() picks the bridge and says why', () => {
  const open: MediaBridge[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });

  /** A "worker" that is no mediasoup worker: it exits at once, as a wrong binary or a wrong version would. */
  const brokenWorker = async (): Promise<string> => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const path = join(dir, 'mediasoup-worker');
    await writeFile(path, '#!/bin/sh\necho "not a mediasoup worker" >&2\nexit 1\n');
    await chmod(path, 0o755);

    return path;
  };

  it('auto uses the embedded bridge when MEDIASOUP_WORKER_BIN names no file', async () => {
    const bridge = await createBridge(config({ MEDIA_BRIDGE: 'auto', MEDIASOUP_WORKER_BIN: '/nonexistent/worker' }));
    open.push(bridge);
    expect(bridge.kind).toBe('werift');
  });

  it('auto falls back to the embedded bridge when the worker does not start', async () => {
    const bridge = await createBridge(config({ MEDIA_BRIDGE: 'auto', MEDIASOUP_WORKER_BIN: await brokenWorker() }));
    open.push(bridge);
    expect(bridge.kind).toBe('werift');
  });

  it('MEDIA_BRIDGE=mediasoup refuses to start without a working worker, saying which', async () => {
    await expect(
      createBridge(config({ MEDIA_BRIDGE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/nonexistent/worker' })),
    ).rejects.toThrow(/MEDIASOUP_WORKER_BIN=\/nonexistent\/worker does not exist/);
    await expect(
      createBridge(config({ MEDIA_BRIDGE: 'mediasoup', MEDIASOUP_WORKER_BIN: await brokenWorker() })),
    ).rejects.toThrow(/did not start/);
  });

  it.skipIf(!mediasoupAvailable())('auto uses mediasoup when its worker runs', async () => {
    const env = await bridgeEnv('mediasoup', { MEDIA_BRIDGE: 'auto', MEDIASOUP_WORKERS: '1' });
    const bridge = await createBridge(config(env));
    open.push(bridge);
    expect(bridge.kind).toBe('mediasoup');
  });
});
