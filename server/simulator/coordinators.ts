import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis, type LocalRedis } from './localRedis.js';

export interface CoordinatorsOptions {
  /** How many coordinators. One keeps its log in files; several share a redis-server of their own. */
  nodes: number;
  adminKey: string;
  /** More environment for every coordinator (e.g. `LOG_LEVEL`). */
  env?: Record<string, string>;
}

export interface Coordinators {
  /** Each coordinator's address, on loopback. */
  urls: string[];
  /** Closes every coordinator (gracefully, then by force) and removes their data. Idempotent. */
  close(): Promise<void>;
}

const PROCESS_FILE = fileURLToPath(new URL('./coordinatorProcess.ts', import.meta.url));

/**
 * Starts coordinators for a simulation, each in its own process on loopback: one with the embedded store, or
 * several on one local redis-server, as a production cluster runs them.
 */
export async function startCoordinators({ nodes, adminKey, env = {} }: CoordinatorsOptions): Promise<Coordinators> {
  const dataDir = await mkdtemp(join(tmpdir(), 'diemcau-sim-'));
  let redis: LocalRedis | null = null;
  const children: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(children.map(stopChild));
    children.length = 0;
    await redis?.stop();
    redis = null;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    redis = nodes > 1 ? await startRedis() : null;
    const shared: Record<string, string> = {
      ADMIN_API_KEY: adminKey,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // Simulated points carry no media; a real bridge would only slow the start.
      MEDIA_BRIDGE: 'werift',
      ...(redis === null ? {} : { STORE: 'redis', REDIS_URL: redis.url }),
      ...env,
    };
    const urls = await Promise.all(
      Array.from({ length: nodes }, (_, i) => {
        const profile = process.env.SIM_CPU_PROF_DIR;
        const child = fork(PROCESS_FILE, [], {
          // SIM_CPU_PROF_DIR: each coordinator writes a V8 CPU profile there when it ends (test/bench/profileSummary.ts).
          execArgv: ['--import', 'tsx', ...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`])],
          env: { ...process.env, ...shared, ...(nodes > 1 ? { NODE_ID: `sim-${i + 1}` } : {}) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);

        return new Promise<string>((resolve, reject) => {
          child.once('message', (message: { url: string }) => resolve(message.url));
          child.once('exit', (code) => reject(new Error(`coordinator ${i + 1} exited with ${code} before listening`)));
        });
      }),
    );

    return { urls, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ cmd: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
