import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createLogger } from '../logger.js';

const logger = createLogger('Sandbox');

/** Bounds on one contained run. */
export interface ContainedRunOptions {
  /** Wall time before the whole process group is killed, ms. */
  timeoutMs: number;
  /** Address space of each process, bytes (prlimit --as). */
  memoryBytes: number;
  /** CPU time of each process, s (prlimit --cpu). */
  cpuSec: number;
  /** Largest output kept, bytes. Default 4,000,000. */
  maxOutputBytes?: number;
}

/** Why a contained run failed: `timeout`, `limit` (killed by a signal or a limit), or `exit` (a non-zero status). */
export class ContainedRunError extends Error {
  constructor(
    readonly reason: 'timeout' | 'limit' | 'exit',
    message: string,
  ) {
    super(message);
    this.name = 'ContainedRunError';
  }
}

/** Ways to run a program without any network, tried in order: the first that works on this machine is used. */
const ISOLATORS: readonly (readonly string[])[] = [
  // root (a container's or a service's): a network namespace of its own, with only a loopback that is down.
  ['unshare', '--net', '--'],
  // an unprivileged user where user namespaces are allowed.
  ['unshare', '--net', '--map-root-user', '--'],
  ['bwrap', '--unshare-net', '--die-with-parent', '--dev-bind', '/', '/', '--'],
];

/**
 * Where untrusted documents are opened (LibreOffice, poppler): without network (a document's external links, images
 * or templates reach nothing), in a process group of its own that is killed whole on a timeout and after every run
 * (LibreOffice's `oosplash` leaves `soffice.bin` behind), with memory and CPU limits that are not optional.
 */
export class Sandbox {
  readonly #isolation: readonly string[];
  readonly #prlimit: string;

  private constructor(isolation: readonly string[], prlimit: string) {
    this.#isolation = isolation;
    this.#prlimit = prlimit;
  }

  /**
   * The sandbox this machine can give, or null when it has no way to take the network away or to set limits (then
   * nothing untrusted may be converted; the reason is logged).
   */
  static async detect({ prlimit = '/usr/bin/prlimit' }: { prlimit?: string } = {}): Promise<Sandbox | null> {
    if (!existsSync(prlimit)) {
      logger.error({ prlimit }, 'detect() | prlimit missing: documents are not converted (util-linux provides it)');

      return null;
    }
    for (const isolation of ISOLATORS) {
      const sandbox = new Sandbox(isolation, prlimit);
      const works = await sandbox.run(['true'], { timeoutMs: 10_000, memoryBytes: 500_000_000, cpuSec: 10 }).then(
        () => true,
        () => false,
      );
      if (works) {
        logger.info({ isolation: isolation.join(' ') }, 'detect() | documents converted without network');

        return sandbox;
      }
    }
    logger.error(
      'detect() | no way to run the converter without network (unshare or bubblewrap): documents not converted',
    );

    return null;
  }

  /** The command line a program is run with here. */
  argv(program: readonly string[], { memoryBytes, cpuSec }: Pick<ContainedRunOptions, 'memoryBytes' | 'cpuSec'>) {
    return [...this.#isolation, this.#prlimit, `--as=${memoryBytes}`, `--cpu=${cpuSec}`, '--', ...program];
  }

  /** Runs a program contained; resolves with its standard output, rejects with a ContainedRunError. */
  run(program: readonly string[], options: ContainedRunOptions): Promise<string> {
    const [file = '', ...args] = this.argv(program, options);
    const maxOutput = options.maxOutputBytes ?? 4_000_000;

    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
      const killGroup = () => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // The group is gone already.
          }
        }
      };
      const chunks: Buffer[] = [];
      let length = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length <= maxOutput) {
          chunks.push(chunk);
        }
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new ContainedRunError('exit', `${file}: ${error.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        // Whatever the program left running in its group goes with it.
        killGroup();
        if (timedOut) {
          reject(new ContainedRunError('timeout', `${program[0] ?? ''} ran past ${options.timeoutMs} ms`));
        } else if (signal !== null) {
          reject(new ContainedRunError('limit', `${program[0] ?? ''} stopped by ${signal}`));
        } else if (code !== 0) {
          reject(new ContainedRunError('exit', `${program[0] ?? ''} exited ${String(code)}`));
        } else {
          resolve(Buffer.concat(chunks).toString());
        }
      });
    });
  }
}
