import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';

/** What the benchmark server process returns for `seed`: its URL, the meeting and join tokens. */
export interface Seeded {
  url: string;
  meetingId: string;
  chair: string;
  points: { pointId: string; token: string }[];
}

/** A benchmark child process driven over IPC (request/response by id). */
export interface Child {
  send<T>(message: Record<string, unknown>): Promise<T>;
  ready: Promise<unknown>;
  kill(): void;
  /** Asks the child to exit (so a CPU profile is written), then kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * `BENCH_CPU_PROFILE_DIR`: the server processes run with `--cpu-prof` and write their profiles there when stopped
 * (`npm run bench -- --profile DIR`; summarize with `tsx test/bench/profileSummary.ts DIR/*.cpuprofile`).
 */
const profileArgs = (file: string): string[] => {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;

  // With a phase named, only that phase is profiled (over IPC, test/bench/serverProcess.ts).
  const whole = dir !== undefined && process.env.BENCH_PROFILE_PHASE === undefined;

  return whole && file.includes('serverProcess') ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
};

export function spawnChild(relativeFile: string, env: Record<string, string> = {}): Child {
  const file = fileURLToPath(new URL(relativeFile, import.meta.url));
  const child: ChildProcess = fork(file, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...profileArgs(file)],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let readyResolve: (v: unknown) => void = () => undefined;
  const ready = new Promise((resolve) => {
    readyResolve = resolve;
  });
  child.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    if (message.id === 0) {
      readyResolve(message.result);

      return;
    }
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) {
      waiter?.resolve(message.result);
    } else {
      waiter?.reject(new Error(message.error));
    }
  });

  return {
    ready,
    send<T>(message: Record<string, unknown>) {
      const id = nextId++;

      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...message, id });
      });
    },
    kill() {
      child.kill('SIGKILL');
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ id: -1, cmd: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) {
    return Number.NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));

  return sorted[index] as number;
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `check()` holds, polling; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await wait(2);
  }
}

/**
 * One phase of a run profiled on its own (`npm run bench -- --profile DIR --profile-phase join`), in whichever
 * process calls it: each server process, and the client harness (its sockets share the machine's two cores).
 */
export function createPhaseProfiler(): { start(): Promise<void>; stop(file: string): Promise<void> } {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error === null ? resolve(result) : reject(error))),
    );

  return {
    start: async () => {
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    stop: async (file: string) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}
