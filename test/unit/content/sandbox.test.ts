import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FairQueue } from '../../../server/content/FairQueue.js';
import { ContainedRunError, Sandbox } from '../../../server/content/Sandbox.js';
import { until } from '../../helpers/poll.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);

    return true;
  } catch {
    return false;
  }
};

const LIMITS = { memoryBytes: 1_000_000_000, cpuSec: 30 };
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('Sandbox', async () => {
  const sandbox = await Sandbox.detect();

  it('is available on this machine (unshare or bubblewrap, and prlimit)', () => {
    expect(sandbox).not.toBeNull();
  });

  it('runs a program with its limits set and gives its output', async () => {
    const out = await sandbox?.run(['sh', '-c', 'ulimit -v; ulimit -t'], { timeoutMs: 10_000, ...LIMITS });
    expect(out?.trim().split('\n')).toEqual([String(Math.floor(1_000_000_000 / 1024)), '30']);
  });

  it('kills the whole process group on a timeout, a child left running included', async () => {
    const started = Date.now();
    // The shell starts a sleeper in the background (as oosplash starts soffice.bin), says its pid, and waits.
    const run = sandbox?.run(['sh', '-c', 'sleep 300 & echo $! > /dev/stderr; echo $!; wait'], {
      timeoutMs: 1500,
      ...LIMITS,
    });
    const error = await run?.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainedRunError);
    expect((error as ContainedRunError).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(60_000);
    // Every sleep 300 started by a contained run is gone (none survives its group).
    const { execFileSync } = await import('node:child_process');
    const sleepers = () =>
      execFileSync('ps', ['-eo', 'pid,args'])
        .toString()
        .split('\n')
        .filter((line) => /\bsleep 300$/.test(line.trim()));
    await until(() => sleepers().length === 0, 10_000, 'the background child killed with its group');
  });

  it('kills what a finished program left running in its group', async () => {
    const out = await sandbox?.run(['sh', '-c', 'sleep 301 > /dev/null 2>&1 & echo $!'], {
      timeoutMs: 10_000,
      ...LIMITS,
    });
    const pid = Number(out?.trim());
    expect(pid).toBeGreaterThan(0);
    await until(() => !alive(pid), 10_000, 'the leftover child killed');
  });

  it('gives a program no network: a server on this machine’s loopback is not reached', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests += 1;
      res.end('ok');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const probe = `require('http').get('http://127.0.0.1:${port}/', () => process.exit(0)).on('error', () => process.exit(3))`;
    const error = await sandbox?.run([process.execPath, '-e', probe], { timeoutMs: 20_000, ...LIMITS }).catch((e) => e);
    expect(error).toBeInstanceOf(ContainedRunError);
    expect(requests).toBe(0);
    // The same probe outside the sandbox reaches it: the test's server did answer.
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['-e', probe], (e) => (e === null ? resolve() : reject(e))),
    );
    expect(requests).toBe(1);
  });
});

describe('FairQueue', () => {
  it('runs two at a time, one per key at most, the keys taking turns', async () => {
    const queue = new FairQueue({ concurrency: 2 });
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const job = (name: string) => () =>
      new Promise<void>((resolve) => {
        started.push(name);
        gates.set(name, resolve);
      });
    const done = [
      queue.push('A', job('A1')),
      queue.push('A', job('A2')),
      queue.push('A', job('A3')),
      queue.push('B', job('B1')),
      queue.push('C', job('C1')),
    ];
    // A's first and B's first run; A's others wait behind A, not in front of C.
    expect(started).toEqual(['A1', 'B1']);
    gates.get('A1')?.();
    await until(() => started.length === 3, 1000, 'a third job');
    expect(started).toEqual(['A1', 'B1', 'C1']);
    gates.get('B1')?.();
    await until(() => started.length === 4, 1000, 'a fourth job');
    expect(started.at(-1)).toBe('A2');
    gates.get('C1')?.();
    gates.get('A2')?.();
    await until(() => started.length === 5, 1000, 'the last job');
    gates.get('A3')?.();
    await Promise.all(done);
    expect(queue.waiting).toBe(0);
  });
});
