import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '../logger.js';
import { hlsArguments, type Rendition } from './hlsArguments.js';
import type { StreamInput } from './streamInput.js';

const logger = createLogger('HlsWriter');

/** How long a stopping ffmpeg may take to write its last segment and close its playlists. */
const FINISH_WAIT_MS = 10_000;

/**
 * One ffmpeg writing a meeting's live stream as HLS files into `dir` (a master playlist `index.m3u8` over the
 * renditions' rolling playlists, see hlsArguments) from one input: the program (its H.264 copied, its sound in AAC)
 * or the still card. A switch between them is a new writer appending to the same playlists; `stop({ end: true })`
 * ends them with `#EXT-X-ENDLIST`.
 */
export class HlsWriter {
  readonly #process: ChildProcess;
  readonly #input: StreamInput;
  readonly #exited: Promise<unknown>;
  readonly #dir: string;
  readonly #renditions: readonly Rendition[];
  #stopping = false;

  private constructor(process: ChildProcess, input: StreamInput, dir: string, renditions: readonly Rendition[]) {
    this.#process = process;
    this.#input = input;
    this.#dir = dir;
    this.#renditions = renditions;
    this.#exited = once(process, 'exit').catch(() => undefined);
  }

  get kind(): StreamInput['kind'] {
    return this.#input.kind;
  }

  /** Starts writing; `onExit` hears of an ffmpeg that stopped by itself. The input is closed with the writer. */
  static async start({
    ffmpeg,
    input,
    meetingId,
    dir,
    renditions,
    segmentSec,
    appending,
    keepSegments,
    onExit,
  }: {
    ffmpeg: string;
    input: StreamInput;
    meetingId: string;
    /** The public folder of the stream's files. */
    dir: string;
    renditions: readonly Rendition[];
    segmentSec: number;
    appending: boolean;
    keepSegments: boolean;
    onExit: (code: number | null, errors: string) => void;
  }): Promise<HlsWriter> {
    await Promise.all(renditions.map((r) => mkdir(join(dir, r), { recursive: true })));
    const prefix = Date.now().toString(36);
    const child = spawn(
      ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', ...input.args],
        ...hlsArguments({ input, renditions, dir, segmentSec, prefix, appending, keepSegments }),
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    child.stdin?.on('error', () => undefined);
    child.once('error', (error) => logger.error({ err: error, meetingId }, 'the stream encoder did not start'));
    const writer = new HlsWriter(child, input, dir, renditions);
    child.once('exit', (code) => {
      if (!writer.#stopping) {
        input.close();
        onExit(code, errors);
      }
    });
    await input.begin(child);

    return writer;
  }

  /**
   * Stops this ffmpeg: it finishes its segments. With `end`, the playlists end (`#EXT-X-ENDLIST`): the stream is
   * over; without, they stay open for the next writer (a switch to or from the card).
   */
  async stop({ end }: { end: boolean }): Promise<void> {
    if (this.#stopping) {
      return this.#exited.then(() => undefined);
    }
    this.#stopping = true;
    // SIGINT, not "q": ffmpeg reads its keyboard only between packets. Once it runs, one signal is only noted between
    // packets too; a program that has stopped sending (the meeting ended, its router closed) leaves it blocked in a
    // read that a second signal interrupts. Either way it finishes its segments and writes its playlists.
    this.#process.kill('SIGINT');
    const asked = Date.now();
    const again = setTimeout(() => this.#process.kill('SIGINT'), 1500);
    const killer = setTimeout(() => this.#process.kill('SIGKILL'), FINISH_WAIT_MS);
    await this.#exited;
    clearTimeout(again);
    clearTimeout(killer);
    const { exitCode, signalCode } = this.#process;
    logger.info({ exitCode, signalCode, ms: Date.now() - asked }, 'the stream encoder stopped');
    this.#input.close();
    if (end) {
      await Promise.all(this.#renditions.map((r) => endPlaylist(join(this.#dir, r, 'index.m3u8'))));
    }
  }
}

/** Ends a playlist (`#EXT-X-ENDLIST`): players stop asking for more. */
export async function endPlaylist(file: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text !== null && !text.includes('#EXT-X-ENDLIST')) {
    await appendFile(file, `${text.endsWith('\n') ? '' : '\n'}#EXT-X-ENDLIST\n`);
  }
}
