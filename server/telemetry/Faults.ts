import { createLogger } from '../logger.js';

const logger = createLogger('Faults');

/**
 * Where a fault was caught: a meeting's own work (a command or event fold that failed for a reason no rule names, its
 * runtime rebuilt from the log), a link message refused as malformed, or a promise or exception that reached the
 * process with no handler.
 */
export type FaultSite = 'meeting' | 'link' | 'process';

/**
 * The coordinator's policy for errors nobody expected: each is logged and counted (`diemcau_faults_total{site}`), and
 * the work it belonged to is contained (a meeting rebuilt from its log, a link message dropped); the process and its
 * other meetings go on. One per server, handed to what can fail.
 */
export class Faults {
  readonly #counts = new Map<FaultSite, number>();

  /** Logs and counts one fault. `context` says which meeting, link or event, for the technician reading the log. */
  record(site: FaultSite, error: unknown, context: Record<string, unknown> = {}): void {
    this.#counts.set(site, (this.#counts.get(site) ?? 0) + 1);
    logger.error({ err: error, site, ...context }, 'record() | fault contained');
  }

  /** Faults counted per site since start. */
  get counts(): ReadonlyMap<FaultSite, number> {
    return this.#counts;
  }

  /**
   * The process-level policy: a rejection nobody handled and an exception no caller caught are faults, not a reason to
   * stop every meeting of this coordinator (and its mediasoup workers) at once. Returns a function removing it.
   */
  guardProcess(target: NodeJS.Process = process): () => void {
    const onRejection = (reason: unknown) => this.record('process', reason, { kind: 'unhandledRejection' });
    const onException = (error: Error) => this.record('process', error, { kind: 'uncaughtException' });
    target.on('unhandledRejection', onRejection);
    target.on('uncaughtException', onException);

    return () => {
      target.off('unhandledRejection', onRejection);
      target.off('uncaughtException', onException);
    };
  }
}
