import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RtpTap } from '../media/MediaBridge.js';
import { createLogger } from '../logger.js';
import type { ProgramService } from '../program/ProgramService.js';
import { freePortPair, sdpFor, untilListening } from '../recording/ProgramSegment.js';

const logger = createLogger('RtmpPusher');

/** Waits before each new try after a drop: 1, 2, 4, 8, 16, then every 30 s. */
const backoffMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt);
/** A push that ran this long before it dropped starts its backoff again from the shortest wait. */
const STEADY_MS = 60_000;

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
 * program's H.264 as encoded (copied) and its sound as AAC, in FLV. When the push drops (the ingest restarted, the
 * network failed) it is tried again by itself, waiting longer each time; it stops only when told.
 */
export class RtmpPusher {
  readonly name: string;
  readonly #url: string;
  readonly #options: { ffmpeg: string; program: ProgramService; meetingId: string; work: string; now: () => number };
  #state: PushState = 'connecting';
  #since: number;
  #attempts = 0;
  #lastError: string | null = null;
  #process: ChildProcess | null = null;
  #taps: RtpTap[] = [];
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #startedAt = 0;

  constructor(
    name: string,
    url: string,
    options: { ffmpeg: string; program: ProgramService; meetingId: string; work: string; now: () => number },
  ) {
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
    this.#closeTaps();
    this.#set('stopped');
  }

  async #run(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#attempts += 1;
    this.#set(this.#attempts === 1 ? 'connecting' : 'retrying');
    const tracks = [];
    for (const kind of ['video', 'audio'] as const) {
      const ports = await freePortPair();
      const tap = await this.#options.program.tap(this.#options.meetingId, kind, ports);
      if (tap === null) {
        throw new Error(`the program has no ${kind}`);
      }
      this.#taps.push(tap);
      tracks.push({ kind, tap, ports });
    }
    await mkdir(this.#options.work, { recursive: true });
    const sdpFile = join(this.#options.work, `push-${this.#attempts}-${tracks[0]?.ports.port ?? 0}.sdp`);
    await writeFile(sdpFile, sdpFor(tracks));
    if (this.#stopped) {
      this.#closeTaps();

      return;
    }
    const child = spawn(
      this.#options.ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts'],
        ...['-i', sdpFile, '-map', '0:v', '-map', '0:a', '-c:v', 'copy'],
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
        this.#closeTaps();
        this.#dropped(errors.trim().split('\n').at(-1) ?? 'ffmpeg stopped');
      }
    });
    await untilListening(
      child,
      tracks.map((t) => t.ports.port),
      10_000,
    );
    if (child.exitCode !== null) {
      return;
    }
    await Promise.all(this.#taps.map((tap) => tap.start()));
    this.#set('live');
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

  #closeTaps(): void {
    this.#taps.forEach((tap) => tap.close());
    this.#taps = [];
  }
}
