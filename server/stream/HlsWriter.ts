import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RtpTap } from '../media/MediaBridge.js';
import { createLogger } from '../logger.js';
import type { ProgramService } from '../program/ProgramService.js';
import { freePortPair, sdpFor, untilListening } from '../recording/ProgramSegment.js';

const logger = createLogger('HlsWriter');

/** How long a stopping ffmpeg may take to write its last segment and close its playlists. */
const FINISH_WAIT_MS = 10_000;

/** The renditions of the stream: the program's own 720p H.264 as encoded (copied), and 360p made from it. */
export const RENDITIONS = ['720p', '360p'] as const;

/**
 * The live stream of one meeting as HLS files: an ffmpeg takes the program as the encoder sent it to the bridge (its
 * H.264, copied without a second encode, and its Opus sound) and writes a master playlist `index.m3u8` over two
 * renditions (`720p/`, `360p/`), each a rolling playlist of `segmentSec` segments in AAC and H.264. Stopped, it ends
 * the playlists with `#EXT-X-ENDLIST` and leaves the files.
 */
export class HlsWriter {
  readonly #process: ChildProcess;
  readonly #taps: RtpTap[];
  readonly #exited: Promise<unknown>;
  readonly #dir: string;
  #stopping = false;

  private constructor(process: ChildProcess, taps: RtpTap[], dir: string) {
    this.#process = process;
    this.#taps = taps;
    this.#dir = dir;
    this.#exited = once(process, 'exit').catch(() => undefined);
  }

  /** Starts writing into `dir` (emptied first); `onExit` hears of an ffmpeg that stopped by itself. */
  static async start({
    ffmpeg,
    program,
    meetingId,
    dir,
    work,
    segmentSec,
    onExit,
  }: {
    ffmpeg: string;
    program: ProgramService;
    meetingId: string;
    /** The public folder of the stream's files. */
    dir: string;
    /** A private folder for the session description (not served). */
    work: string;
    segmentSec: number;
    onExit: (code: number | null, errors: string) => void;
  }): Promise<HlsWriter> {
    await rm(dir, { recursive: true, force: true });
    await Promise.all([
      ...RENDITIONS.map((r) => mkdir(join(dir, r), { recursive: true })),
      mkdir(work, { recursive: true }),
    ]);
    const taps: RtpTap[] = [];
    const tracks = [];
    try {
      for (const kind of ['video', 'audio'] as const) {
        const ports = await freePortPair();
        const tap = await program.tap(meetingId, kind, ports);
        if (tap === null) {
          throw new Error(`the program has no ${kind}`);
        }
        taps.push(tap);
        tracks.push({ kind, tap, ports });
      }
    } catch (error) {
      taps.forEach((tap) => tap.close());
      throw error;
    }
    const sdpFile = join(work, 'program.sdp');
    await writeFile(sdpFile, sdpFor(tracks));
    const gop = `expr:gte(t,n_forced*${segmentSec})`;
    const child = spawn(
      ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts'],
        ...['-i', sdpFile],
        ...['-map', '0:v', '-map', '0:v', '-map', '0:a', '-map', '0:a'],
        // 720p: the program's own encode, copied (its key frames come every second, so segments cut cleanly).
        ...['-c:v:0', 'copy', '-b:v:0', '1500k'],
        // 360p from it: the one extra encode the stream costs, key frames at each segment's start.
        ...['-filter:v:1', 'scale=-2:360', '-c:v:1', 'libx264', '-preset:v:1', 'veryfast', '-tune:v:1', 'zerolatency'],
        ...['-b:v:1', '600k', '-maxrate:v:1', '700k', '-bufsize:v:1', '1400k', '-force_key_frames:v:1', gop],
        ...['-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2'],
        ...['-f', 'hls', '-hls_time', String(segmentSec), '-hls_list_size', '6'],
        ...['-hls_flags', 'delete_segments+independent_segments', '-master_pl_name', 'index.m3u8'],
        ...['-hls_segment_filename', join(dir, '%v', 'seg%d.ts')],
        ...['-var_stream_map', RENDITIONS.map((name, i) => `v:${i},a:${i},name:${name}`).join(' ')],
        join(dir, '%v', 'index.m3u8'),
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    child.stdin?.on('error', () => undefined);
    child.once('error', (error) => logger.error({ err: error, meetingId }, 'the stream encoder did not start'));
    const writer = new HlsWriter(child, taps, dir);
    child.once('exit', (code) => {
      if (!writer.#stopping) {
        taps.forEach((tap) => tap.close());
        onExit(code, errors);
      }
    });
    // The taps begin once ffmpeg listens on their ports (or has already failed).
    await untilListening(
      child,
      tracks.map((t) => t.ports.port),
      10_000,
    );
    await Promise.all(taps.map((tap) => tap.start()));

    return writer;
  }

  /** Ends the stream: ffmpeg finishes its segments and closes the playlists (`#EXT-X-ENDLIST`). */
  async stop(): Promise<void> {
    if (this.#stopping) {
      return this.#exited.then(() => undefined);
    }
    this.#stopping = true;
    // SIGINT, not "q": ffmpeg reads its keyboard only between packets. Once it runs, one signal is only noted between
    // packets too; a program that has stopped sending (the meeting ended, its router closed) leaves it blocked in a
    // read that a second signal interrupts. Either way it finishes its segments and ends the playlists.
    this.#process.kill('SIGINT');
    const asked = Date.now();
    const again = setTimeout(() => this.#process.kill('SIGINT'), 1500);
    const killer = setTimeout(() => this.#process.kill('SIGKILL'), FINISH_WAIT_MS);
    await this.#exited;
    clearTimeout(again);
    clearTimeout(killer);
    const { exitCode, signalCode } = this.#process;
    logger.info({ exitCode, signalCode, ms: Date.now() - asked }, 'the stream encoder stopped');
    this.#taps.forEach((tap) => tap.close());
    // An ffmpeg interrupted in a read (or killed) leaves its playlists open: players would wait for more forever.
    await Promise.all(RENDITIONS.map((rendition) => endPlaylist(join(this.#dir, rendition, 'index.m3u8'))));
  }
}

/** Ends a playlist that ffmpeg left open (`#EXT-X-ENDLIST`), if there is one. */
async function endPlaylist(file: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text !== null && !text.includes('#EXT-X-ENDLIST')) {
    await appendFile(file, `${text.endsWith('\n') ? '' : '\n'}#EXT-X-ENDLIST\n`);
  }
}
