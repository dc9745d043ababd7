import { spawn, type ChildProcess } from 'node:child_process';
import { createLogger } from '../logger.js';
import type { StreamInput } from './streamInput.js';

const logger = createLogger('RtmpPusher');

/** Waits before each new try after a drop: 1, 2, 4, 8, 16, then every 30 s. */
const backoffMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt);
/** A push that ran this long before it dropped starts its backoff again from the shortest wait. */
const STEADY_MS = 60_000;

/** What a push needs: ffmpeg, and its input each time it (re)connects (the program or the card, as now). */
export interface PushOptions {
  ffmpeg: string;
  input: (name: string) => Promise<StreamInput>;
  now: () => number;
}

export type PushState = 'connecting' | 'live' | 'retrying' | 'stopped';

/** A destination as the console shows it: its name, where (the key hidden), its state in words and its last error. */
export interface PushView {
  name: string;
  /** The URL without its stream key (the last path segment) or credentials. */
  target: string;
  state: PushState;
  words: string;
  since: number;
  attempts: number;
  lastError: string | null;
}

const WORDS: Record<PushState, string> = {
  connecting: 'đang kết nối',
  live: 'đang phát',
  retrying: 'mất kết nối, đang thử lại',
  stopped: 'dừng',
};

/** A destination's URL as it may be shown: scheme, host and application, never the stream key or a password. */
export function maskedTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname.split('/').filter((part) => part !== '');

    return `${parsed.protocol}//${parsed.host}/${path.slice(0, -1).join('/')}${path.length > 1 ? '/' : ''}…`;
  } catch {
    return '…';
  }
}

/**
 * The program pushed to one RTMP/RTMPS ingest (a portal's, a TV station's encoder): an ffmpeg that takes the
 * program's H.264 as encoded (copied) and its sound as AAC, in FLV (or the still card, encoded). When the push drops (the ingest restarted, the
 * network failed) it is tried again by itself, waiting longer each time; it stops only when told.
 */
export class RtmpPusher {
  readonly name: string;
  readonly #url: string;
  readonly #options: PushOptions;
  #state: PushState = 'connecting';
  #since: number;
  #attempts = 0;
  #lastError: string | null = null;
  #process: ChildProcess | null = null;
  #input: StreamInput | null = null;
  /** Each run's number: a run overtaken by a restart gives up its input. */
  #generation = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #startedAt = 0;

  constructor(name: string, url: string, options: PushOptions) {
    this.name = name;
    this.#url = url;
    this.#options = options;
    this.#since = options.now();
  }

  view(): PushView {
    return {
      name: this.name,
      target: maskedTarget(this.#url),
      state: this.#state,
      words: WORDS[this.#state],
      since: this.#since,
      attempts: this.#attempts,
      lastError: this.#lastError,
    };
  }

  start(): void {
    void this.#run().catch((error: unknown) => this.#dropped(String(error)));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
    }
    this.#process?.kill('SIGINT');
    const process = this.#process;
    setTimeout(() => process?.kill('SIGKILL'), 5000).unref();
    this.#closeInput();
    this.#set('stopped');
  }

  /** Goes on from a new input (the card, or the program again): the ingest sees a new stream at once. */
  restart(): void {
    if (this.#stopped) {
      return;
    }
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const process = this.#process;
    this.#process = null;
    this.#closeInput();
    process?.kill('SIGINT');
    setTimeout(() => process?.kill('SIGKILL'), 5000).unref();
    this.#attempts = 0;
    this.start();
  }

  async #run(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    const generation = ++this.#generation;
    this.#attempts += 1;
    this.#set(this.#attempts === 1 ? 'connecting' : 'retrying');
    const input = await this.#options.input(`push-${this.#attempts}-${Date.now().toString(36)}`);
    if (this.#stopped || generation !== this.#generation) {
      // Stopped meanwhile, or restarted: the later run has its own input.
      input.close();

      return;
    }
    this.#input = input;
    const child = spawn(
      this.#options.ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', ...input.args],
        ...['-map', '0:v', '-map', `${input.soundInput}:a`],
        ...(input.encoded
          ? ['-c:v', 'copy']
          : ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-b:v', '800k', '-g', '50']),
        ...['-c:a', 'aac', '-b:a', '96k', '-ar', '44100', '-ac', '2'],
        // A connection that hangs is given up (microseconds), so that it is tried again.
        ...['-rw_timeout', '10000000', '-f', 'flv', this.#url],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.#process = child;
    this.#startedAt = this.#options.now();
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-500);
    });
    child.once('error', (error) => logger.warn({ err: error }, 'the push could not start'));
    child.once('exit', () => {
      if (this.#process === child) {
        this.#process = null;
        this.#closeInput();
        this.#dropped(errors.trim().split('\n').at(-1) ?? 'ffmpeg stopped');
      }
    });
    await input.begin(child);
    if (child.exitCode === null && this.#process === child) {
      this.#set('live');
    }
  }

  #dropped(error: string): void {
    if (this.#stopped) {
      return;
    }
    this.#lastError = error.slice(0, 200);
    // A push that had run a good while starts its waits again from the shortest.
    const steady = this.#startedAt !== 0 && this.#options.now() - this.#startedAt > STEADY_MS;
    const wait = backoffMs(steady ? 0 : Math.min(this.#attempts - 1, 10));
    logger.warn({ name: this.name, error: this.#lastError, waitMs: wait }, 'the push dropped: trying again');
    this.#set('retrying');
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run().catch((e: unknown) => this.#dropped(String(e)));
    }, wait);
    this.#timer.unref();
  }

  #set(state: PushState): void {
    if (this.#state !== state) {
      this.#state = state;
      this.#since = this.#options.now();
    }
  }

  #closeInput(): void {
    this.#input?.close();
    this.#input = null;
  }
}
