import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import type { MediaBridge } from './MediaBridge.js';
import { WeriftBridge } from './werift/WeriftBridge.js';

const logger = createLogger('media');

/** mediasoup's package folder (its exports map hides package.json: go up from node/lib/index.js). */
const mediasoupRoot = (): string => join(dirname(createRequire(import.meta.url).resolve('mediasoup')), '..', '..');

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);

    return true;
  } catch {
    return false;
  }
};

/** Where mediasoup's worker would be: MEDIASOUP_WORKER_BIN, else the prebuilt binary its install step fetches. */
export function mediasoupWorkerPath(config: Pick<Config, 'MEDIASOUP_WORKER_BIN'>): string | null {
  if (config.MEDIASOUP_WORKER_BIN !== undefined) {
    return executable(config.MEDIASOUP_WORKER_BIN) ? config.MEDIASOUP_WORKER_BIN : null;
  }
  try {
    const root = mediasoupRoot();
    const prebuilt = join(root, 'worker', 'out', 'Release', 'mediasoup-worker');

    return executable(prebuilt) ? prebuilt : null;
  } catch {
    return null;
  }
}

/** How long a worker may take to start and answer before it is judged unusable (a wrong version never answers). */
const WORKER_PROBE_MS = 10_000;

/**
 * Picks the bridge from MEDIA_BRIDGE and says which and why. `auto` uses mediasoup whenever its worker starts and
 * answers (one worker per core, each probed by creating its WebRtcServer); a missing, broken or wrong-version worker
 * leaves the embedded werift bridge, with the reason in the log. `mediasoup` refuses to start without a working worker.
 */
export async function createBridge(config: Config): Promise<MediaBridge> {
  if (config.MEDIA_BRIDGE !== 'werift') {
    const worker = mediasoupWorkerPath(config);
    const failure =
      worker === null
        ? config.MEDIASOUP_WORKER_BIN === undefined
          ? 'no mediasoup worker binary (install mediasoup with its prebuilt worker, or set MEDIASOUP_WORKER_BIN)'
          : `MEDIASOUP_WORKER_BIN=${config.MEDIASOUP_WORKER_BIN} does not exist or is not executable`
        : null;
    if (worker !== null) {
      try {
        const { MediasoupBridge } = await import('./mediasoup/MediasoupBridge.js');
        const bridge = await withTimeout(
          MediasoupBridge.create({ config, workerBin: worker }),
          WORKER_PROBE_MS,
          (late) => void late.close(),
        );
        logger.info({ worker, workers: bridge.workerCount }, 'media bridge: mediasoup');

        return bridge;
      } catch (error) {
        const reason = `mediasoup worker ${worker} did not start: ${(error as Error).message} (it must be mediasoup ${MEDIASOUP_VERSION}'s worker)`;
        if (config.MEDIA_BRIDGE === 'mediasoup') {
          throw new Error(`MEDIA_BRIDGE=mediasoup: ${reason}`, { cause: error });
        }
        logger.warn({ reason }, 'media bridge: embedded (werift)');

        return werift(config);
      }
    }
    if (config.MEDIA_BRIDGE === 'mediasoup') {
      throw new Error(`MEDIA_BRIDGE=mediasoup: ${failure}`);
    }
    logger.info({ reason: failure }, 'media bridge: embedded (werift)');

    return werift(config);
  }
  logger.info({ reason: 'MEDIA_BRIDGE=werift' }, 'media bridge: embedded (werift)');

  return werift(config);
}

function werift(config: Config): MediaBridge {
  return new WeriftBridge({
    listenIp: config.MEDIA_LISTEN_IP,
    portRange: [config.MEDIA_PORT_MIN, config.MEDIA_PORT_MAX],
  });
}

/** The mediasoup version the Node library speaks (its worker must be the same). */
const MEDIASOUP_VERSION: string = (() => {
  try {
    return (createRequire(import.meta.url)(join(mediasoupRoot(), 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** `promise`, or a rejection after `ms`; a value that arrives too late is handed to `onLate` (to be closed). */
function withTimeout<T>(promise: Promise<T>, ms: number, onLate: (value: T) => void): Promise<T> {
  let timedOut = false;

  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`no answer within ${ms / 1000} s`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) {
          onLate(value);
        }
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
