import { createSocket } from 'node:dgram';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** How many media ports each test server gets. */
const BLOCK = 200;

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
    MEDIA_PORT_MAX: String(portMin + BLOCK - 1),
    ...(bridge === 'mediasoup' && TEST_WORKER_BIN !== null ? { MEDIASOUP_WORKER_BIN: TEST_WORKER_BIN } : {}),
    ...extra,
  };
}

/** The kernel's ephemeral range: ports it hands to outgoing connections at any moment, so never ours to plan on. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) {
      return [low as number, high as number];
    }
  } catch {
    // not Linux: assume the usual default
  }

  return [32_768, 60_999];
}

/** Whether every port of [from, to] can be bound on loopback now, in UDP and in TCP. */
async function bindable(from: number, to: number): Promise<boolean> {
  for (let port = from; port <= to; port += 1) {
    const tcp = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    const udp =
      tcp &&
      (await new Promise<boolean>((resolve) => {
        const socket = createSocket('udp4');
        socket.once('error', () => resolve(false));
        socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
      }));
    if (!udp) {
      return false;
    }
  }

  return true;
}

let nextBlock = 0;

/**
 * A base port with a block of ports after it, all free. Chosen outside the ephemeral range (a client connection
 * could otherwise take a worker's port between our check and its bind), in a slice of its own per test process
 * (files run in parallel), in turn within the slice, each block checked by binding it.
 */
async function freeMediaPorts(): Promise<number> {
  const [ephemeralLow, ephemeralHigh] = ephemeralRange();
  const [low, high] =
    ephemeralLow - 10_000 >= 65_535 - ephemeralHigh ? [10_000, ephemeralLow - 1] : [ephemeralHigh + 1, 65_535];
  const pools = 8;
  const pool = ((Number(process.env.VITEST_POOL_ID ?? process.pid) % pools) + pools) % pools;
  const sliceBlocks = Math.floor((high - low + 1) / pools / BLOCK);
  const sliceStart = low + pool * sliceBlocks * BLOCK;
  for (let tries = 0; tries < sliceBlocks * 4; tries += 1) {
    const base = sliceStart + (nextBlock % sliceBlocks) * BLOCK;
    nextBlock += 1;
    if (await bindable(base, base + BLOCK - 1)) {
      return base;
    }
  }
  throw new Error(`no free block of ${BLOCK} media ports in ${sliceStart}–${sliceStart + sliceBlocks * BLOCK - 1}`);
}
