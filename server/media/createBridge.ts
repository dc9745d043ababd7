import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import type { MediaBridge } from './MediaBridge.js';
import { WeriftBridge } from './werift/WeriftBridge.js';

const logger = createLogger('media');

/** Where mediasoup's worker would be: MEDIASOUP_WORKER_BIN, else the prebuilt binary its install step fetches. */
export function mediasoupWorkerPath(config: Pick<Config, 'MEDIASOUP_WORKER_BIN'>): string | null {
  if (config.MEDIASOUP_WORKER_BIN !== undefined) {
    return existsSync(config.MEDIASOUP_WORKER_BIN) ? config.MEDIASOUP_WORKER_BIN : null;
  }
  try {
    const root = dirname(createRequire(import.meta.url).resolve('mediasoup/package.json'));
    const prebuilt = join(root, 'worker', 'out', 'Release', 'mediasoup-worker');

    return existsSync(prebuilt) ? prebuilt : null;
  } catch {
    return null;
  }
}

/**
 * Picks the bridge from MEDIA_BRIDGE and says which and why. `auto` prefers mediasoup when a worker binary exists;
 * otherwise (as on machines where the worker cannot be downloaded or built) the embedded werift bridge.
 */
export async function createBridge(config: Config): Promise<MediaBridge> {
  const worker = mediasoupWorkerPath(config);
  const wantMediasoup = config.MEDIA_BRIDGE === 'mediasoup' || (config.MEDIA_BRIDGE === 'auto' && worker !== null);
  if (wantMediasoup) {
    if (worker === null) {
      throw new Error('MEDIA_BRIDGE=mediasoup but no mediasoup worker binary: set MEDIASOUP_WORKER_BIN');
    }
    const { MediasoupBridge } = await import('./mediasoup/MediasoupBridge.js');
    const bridge = await MediasoupBridge.create({ config, workerBin: worker });
    logger.info({ worker, workers: bridge.workerCount }, 'media bridge: mediasoup');

    return bridge;
  }
  logger.info(
    { reason: config.MEDIA_BRIDGE === 'werift' ? 'MEDIA_BRIDGE=werift' : 'no mediasoup worker binary found' },
    'media bridge: embedded (werift)',
  );

  return new WeriftBridge({
    listenIp: config.MEDIA_LISTEN_IP,
    portRange: [config.MEDIA_PORT_MIN, config.MEDIA_PORT_MAX],
  });
}
