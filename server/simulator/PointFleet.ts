import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, PointPlan, RollCallAnswer, ToWorker, TurnPlan, WorkerSetup } from './fleetMessages.js';

const WORKER_FILE = fileURLToPath(new URL('./pointWorker.ts', import.meta.url));

export interface PointFleetOptions {
  /** How many worker processes share the points. */
  workers: number;
  setup: WorkerSetup;
  onError: (what: string) => void;
}

/**
 * The simulated points, spread over worker processes (server/simulator/pointWorker.ts). Each point lives in the
 * worker its index picks; commands reach the worker that holds the point.
 */
export class PointFleet {
  readonly #options: PointFleetOptions;
  readonly #workers: ChildProcess[] = [];
  readonly #workerOf = new Map<string, ChildProcess>();
  #closed = false;

  constructor(options: PointFleetOptions) {
    this.#options = options;
  }

  /** Starts the workers and connects every point; resolves with how many joined and the attempts made again. */
  async connect(plans: PointPlan[]): Promise<{ joined: number; connectRetries: number }> {
    const count = Math.max(1, Math.min(this.#options.workers, plans.length));
    const shares = Array.from({ length: count }, (_, w) => plans.filter((_, i) => i % count === w));
    const joined = await Promise.all(
      shares.map((share, w) => {
        const worker = fork(WORKER_FILE, [], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        this.#workers.push(worker);
        share.forEach((plan) => this.#workerOf.set(plan.pointId, worker));
        worker.on('message', (message: FromWorker) => {
          if (message.type === 'error') {
            this.#options.onError(message.what);
          }
        });

        return new Promise<{ joined: number; connectRetries: number }>((resolve, reject) => {
          const onMessage = (message: FromWorker) => {
            if (message.type === 'connected') {
              worker.off('message', onMessage);
              resolve(message);
            }
          };
          worker.on('message', onMessage);
          worker.once('exit', (code) => reject(new Error(`point worker ${w + 1} exited with ${code}`)));
          this.#send(worker, {
            type: 'connect',
            setup: { ...this.#options.setup, seed: `${this.#options.setup.seed}:${w}` },
            plans: share,
          });
        });
      }),
    );

    return {
      joined: joined.reduce((sum, w) => sum + w.joined, 0),
      connectRetries: joined.reduce((sum, w) => sum + w.connectRetries, 0),
    };
  }

  /** The planned network drops begin now. */
  startDrops(): void {
    this.#workers.forEach((worker) => this.#send(worker, { type: 'drops' }));
  }

  /** Each point asks for the floor after its delay. */
  requestTurns(turns: TurnPlan[]): void {
    const byWorker = new Map<ChildProcess, TurnPlan[]>();
    for (const turn of turns) {
      const worker = this.#workerOf.get(turn.pointId);
      if (worker !== undefined) {
        byWorker.set(worker, [...(byWorker.get(worker) ?? []), turn]);
      }
    }
    byWorker.forEach((share, worker) => this.#send(worker, { type: 'turns', turns: share }));
  }

  /** When each point heard the first roll call and sent its answer. */
  async answers(): Promise<RollCallAnswer[]> {
    const shares = await Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<RollCallAnswer[]>((resolve) => {
            if (worker.exitCode !== null || !worker.connected) {
              resolve([]);

              return;
            }
            const timer = setTimeout(() => resolve([]), 10_000);
            const listener = (message: FromWorker) => {
              if (message.type === 'answers') {
                clearTimeout(timer);
                worker.off('message', listener);
                resolve(message.answers);
              }
            };
            worker.on('message', listener);
            this.#send(worker, { type: 'answers' });
          }),
      ),
    );

    return shares.flat();
  }

  /** Disconnects every point and ends the workers; resolves with the turns the points spoke. Idempotent. */
  async close(): Promise<number> {
    if (this.#closed) {
      return 0;
    }
    this.#closed = true;
    const spoken = await Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<number>((resolve) => {
            if (worker.exitCode !== null || !worker.connected) {
              resolve(0);

              return;
            }
            const timer = setTimeout(() => {
              worker.kill('SIGKILL');
              resolve(0);
            }, 10_000);
            worker.on('message', (message: FromWorker) => {
              if (message.type === 'closed') {
                clearTimeout(timer);
                resolve(message.turnsSpoken);
              }
            });
            this.#send(worker, { type: 'close' });
          }),
      ),
    );

    return spoken.reduce((a, b) => a + b, 0);
  }

  #send(worker: ChildProcess, message: ToWorker): void {
    if (worker.connected) {
      worker.send(message);
    }
  }
}
