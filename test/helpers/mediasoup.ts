import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './poll.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where tests find a mediasoup worker: MEDIASOUP_WORKER_BIN, else the one built for these machines beside the repo. */
const CANDIDATES = [process.env.MEDIASOUP_WORKER_BIN, join(REPO, '..', 'shared', 'mediasoup', 'mediasoup-worker')];

const runnable = (path: string | undefined): path is string => {
  if (path === undefined || path === '') {
    return false;
  }
  try {
    accessSync(path, constants.X_OK);

    return true;
  } catch {
    return false;
  }
};

/** The mediasoup worker the tests use, or `null` when this machine has none. */
export const TEST_WORKER_BIN: string | null = CANDIDATES.find(runnable) ?? null;

/**
 * Whether the mediasoup half of a media suite runs. With `CI=true` a missing worker is a failure, never a skip: CI
 * must prove both bridges.
 */
export function mediasoupAvailable(): boolean {
  if (TEST_WORKER_BIN === null && process.env.CI === 'true') {
    throw new Error(
      'CI=true but no mediasoup worker: set MEDIASOUP_WORKER_BIN or provide ../shared/mediasoup/mediasoup-worker',
    );
  }

  return TEST_WORKER_BIN !== null;
}

export type BridgeKind = 'werift' | 'mediasoup';

/** Both bridges, for `describe.each`: `[mediasoup]` is skipped (outside CI) where no worker runs. */
export const BRIDGES: { bridge: BridgeKind; skip: boolean }[] = [
  { bridge: 'werift', skip: false },
  { bridge: 'mediasoup', skip: !mediasoupAvailable() },
];

/** Server environment for a test on one bridge, on loopback, on media ports of its own. */
export async function bridgeEnv(
  bridge: BridgeKind,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const portMin = await freeMediaPorts();

  return {
    MEDIA_BRIDGE: bridge,
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_PORT_MIN: String(portMin),
    MEDIA_PORT_MAX: String(portMin + 199),
    ...(bridge === 'mediasoup' && TEST_WORKER_BIN !== null ? { MEDIASOUP_WORKER_BIN: TEST_WORKER_BIN } : {}),
    ...extra,
  };
}

/** A base port with room for a range after it (test files run in parallel, each server needs its own ports). */
async function freeMediaPorts(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port >= 20_000 && port <= 60_000) {
      return port;
    }
  }
}
