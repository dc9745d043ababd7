import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A redis-server of its own, for the simulator's several coordinators, the benchmark and the tests. */
export interface LocalRedis {
  url: string;
  port: number;
  /** Stops redis-server (its AOF stays) and starts it again on the same port and directory after `downMs`. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

const REDIS_BIN = process.env.REDIS_SERVER ?? 'redis-server';

/** A real redis-server (Debian's) on a free loopback port, with AOF in a temporary directory. Never a mock. */
export async function startRedis(): Promise<LocalRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'diemcau-redis-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(
      REDIS_BIN,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    await waitForPing(url, child);

    return child;
  };
  const halt = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  let child = await launch();

  return {
    url,
    port,
    async restart(downMs) {
      await halt(child);
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch();
    },
    async stop() {
      await halt(child);
      await remove();
    },
  };
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused until the server is up
  const started = Date.now();
  for (;;) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() - started > 10_000) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start at ${url} (is ${REDIS_BIN} installed?)`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
