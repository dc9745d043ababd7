import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as mediasoupModule from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Config } from '../../config.js';
import { createLogger } from '../../logger.js';

const logger = createLogger('WorkerPool');

/** A mediasoup worker with its WebRtcServer (one UDP and TCP port) and how many consumers it carries. */
export interface WorkerSlot {
  worker: ms.Worker;
  webRtcServer: ms.WebRtcServer;
  consumers: number;
}

export interface WorkerPoolOptions {
  mediasoup: typeof mediasoupModule;
  config: Pick<Config, 'MEDIA_LISTEN_IP' | 'MEDIA_ANNOUNCED_IP' | 'MEDIA_PORT_MIN'>;
  size: number;
  /** Called after a dead worker was replaced: its routers are gone. */
  onReplaced: (index: number) => void;
}

/**
 * One mediasoup worker per core, each with a WebRtcServer on port MEDIA_PORT_MIN + index (UDP and TCP), announcing
 * MEDIA_ANNOUNCED_IP. A worker that dies is started again at the same index and port.
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #slots: WorkerSlot[] = [];
  #closed = false;
  #deaths = 0;

  private constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    for (let i = 0; i < options.size; i += 1) {
      pool.#slots.push(await pool.#start(i));
    }

    return pool;
  }

  get size(): number {
    return this.#slots.length;
  }

  slot(index: number): WorkerSlot {
    const slot = this.#slots[index];
    if (slot === undefined) {
      throw new TypeError(`no worker ${index}`);
    }

    return slot;
  }

  loads(): number[] {
    return this.#slots.map((s) => s.consumers);
  }

  /** Workers that died since the start (each replaced). */
  get deaths(): number {
    return this.#deaths;
  }

  close(): void {
    this.#closed = true;
    this.#slots.forEach((s) => s.worker.close());
  }

  async #start(index: number): Promise<WorkerSlot> {
    const { MEDIA_LISTEN_IP = '0.0.0.0', MEDIA_ANNOUNCED_IP, MEDIA_PORT_MIN } = this.#options.config;
    const worker = await this.#options.mediasoup.createWorker({ logLevel: 'warn' });
    const announcedAddress = MEDIA_ANNOUNCED_IP ?? (MEDIA_LISTEN_IP === '0.0.0.0' ? undefined : MEDIA_LISTEN_IP);
    const webRtcServer = await worker.createWebRtcServer({
      listenInfos: (['udp', 'tcp'] as const).map((protocol) => ({
        protocol,
        ip: MEDIA_LISTEN_IP,
        port: MEDIA_PORT_MIN + index,
        ...(announcedAddress === undefined ? {} : { announcedAddress }),
      })),
    });
    worker.on('died', (error) => {
      this.#deaths += 1;
      logger.error({ err: error, worker: index }, 'worker died: replacing it');
      void this.#replace(index);
    });

    return { worker, webRtcServer, consumers: 0 };
  }

  async #replace(index: number): Promise<void> {
    // A binary that keeps dying is restarted at most once a second, not in a tight loop.
    for (let attempt = 0; !this.#closed; attempt += 1) {
      try {
        this.#slots[index] = await this.#start(index);
        logger.info({ worker: index, pid: this.#slots[index]?.worker.pid }, 'worker replaced');
        this.#options.onReplaced(index);

        return;
      } catch (error) {
        logger.error({ err: error, worker: index, attempt }, 'worker restart failed');
        await new Promise((r) => setTimeout(r, Math.min(10_000, 1000 * 2 ** attempt)));
      }
    }
  }

  /** The worker processes' ids, by index (technicians, and the tests that kill one). */
  get pids(): number[] {
    return this.#slots.map((s) => s.worker.pid);
  }
}

/**
 * Points mediasoup at a worker binary. mediasoup reads MEDIASOUP_WORKER_BIN once, when it is first loaded, into its
 * Worker module's `workerBin`, which every later spawn reads again: set both, so a second bridge in the same process
 * (tests, a probe after a failed one) uses the binary it was given.
 */
export function useWorkerBinary(workerBin: string): void {
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  const require = createRequire(import.meta.url);
  const workerModule = join(dirname(require.resolve('mediasoup')), 'Worker.js');
  (require(workerModule) as { workerBin: string }).workerBin = workerBin;
}
