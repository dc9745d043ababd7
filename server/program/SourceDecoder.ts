import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RtpTap } from '../media/MediaBridge.js';
import { freePortPair, sdpFor, untilListening } from '../recording/ProgramSegment.js';
import { createLogger } from '../logger.js';
import { PROGRAM_AUDIO, type ProgramFormat } from './format.js';

const logger = createLogger('SourceDecoder');

/** How often a source's camera is asked for a key frame until its first picture is decoded. */
const KEY_FRAME_EVERY_MS = 700;

/**
 * One source of the program decoded to raw frames for the encoder: a tap of a participant's camera (or shared screen)
 * or microphone, read by an ffmpeg that scales pictures to the program's size or resamples sound to its rate and
 * writes them to its output. The latest picture is kept; sound is queued in 20 ms blocks.
 */
export class SourceDecoder {
  readonly participantId: string;
  readonly kind: 'audio' | 'video';
  readonly screen: boolean;
  /** The latest whole picture (video). */
  frame: Buffer | null = null;
  readonly #audio: Buffer[] = [];
  readonly #process: ChildProcess;
  readonly #tap: RtpTap;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #closed = false;
  #keyFrames: NodeJS.Timeout | null = null;

  private constructor(
    participantId: string,
    kind: 'audio' | 'video',
    screen: boolean,
    process: ChildProcess,
    tap: RtpTap,
  ) {
    this.participantId = participantId;
    this.kind = kind;
    this.screen = screen;
    this.#process = process;
    this.#tap = tap;
  }

  static async start({
    participantId,
    kind,
    screen,
    tap,
    ffmpeg,
    dir,
    format,
    onExit,
  }: {
    participantId: string;
    kind: 'audio' | 'video';
    screen: boolean;
    tap: (ports: { port: number; rtcpPort: number }) => Promise<RtpTap | null>;
    ffmpeg: string;
    dir: string;
    format: ProgramFormat;
    onExit: () => void;
  }): Promise<SourceDecoder | null> {
    const ports = await freePortPair();
    const opened = await tap(ports);
    if (opened === null) {
      return null;
    }
    const sdpFile = join(dir, `${kind}-${ports.port}.sdp`);
    await writeFile(sdpFile, sdpFor([{ kind, tap: opened, ports }]));
    const output =
      kind === 'video'
        ? [
            ...[
              '-vf',
              `scale=${format.width}:${format.height}:force_original_aspect_ratio=decrease,` +
                `pad=${format.width}:${format.height}:(ow-iw)/2:(oh-ih)/2,format=yuv420p`,
            ],
            // Each decoded picture once, as it comes: left to itself, ffmpeg fills a constant rate guessed from the
            // RTP clock with copies (hundreds a second), the pipe falls behind and the program shows an ever older,
            // all but frozen picture (measured by npm run bench -- --stream).
            ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p'],
          ]
        : ['-f', 's16le', '-ar', String(PROGRAM_AUDIO.sampleRate), '-ac', '1'];
    const child = spawn(
      ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp'],
        ...['-fflags', '+nobuffer', '-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0'],
        ...['-i', sdpFile, '-map', '0', ...output, 'pipe:1'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-1000)));
    const decoder = new SourceDecoder(participantId, kind, screen, child, opened);
    const frameBytes = kind === 'video' ? (format.width * format.height * 3) / 2 : PROGRAM_AUDIO.blockBytes;
    child.stdout?.on('data', (chunk: Buffer) => decoder.#receive(chunk, frameBytes));
    child.once('exit', (code) => {
      if (!decoder.#closed) {
        logger.warn({ participantId, kind, code, errors }, 'a program source decoder stopped');
        decoder.close();
        onExit();
      }
    });
    child.once('error', () => undefined);
    await untilListening(child, [ports.port], 30_000);
    await opened.start();
    if (kind === 'video') {
      decoder.#askForKeyFrames();
    }

    return decoder;
  }

  /** The next 20 ms of sound, or `null` when none has come. */
  takeAudio(): Buffer | null {
    return this.#audio.shift() ?? null;
  }

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    if (this.#keyFrames !== null) {
      clearTimeout(this.#keyFrames);
    }
    this.#process.kill('SIGKILL');
    this.#tap.close();
  }

  #receive(chunk: Buffer, frameBytes: number): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes < frameBytes) {
      return;
    }
    let all = Buffer.concat(this.#pending, this.#pendingBytes);
    while (all.length >= frameBytes) {
      const whole = all.subarray(0, frameBytes);
      if (this.kind === 'video') {
        this.frame = Buffer.from(whole);
      } else {
        this.#audio.push(Buffer.from(whole));
        // A source that runs ahead of the clock loses its oldest sound, not the meeting's latency.
        if (this.#audio.length > 10) {
          this.#audio.shift();
        }
      }
      all = all.subarray(frameBytes);
    }
    this.#pending = all.length > 0 ? [Buffer.from(all)] : [];
    this.#pendingBytes = all.length;
  }

  #askForKeyFrames(): void {
    this.#keyFrames = setTimeout(() => {
      this.#keyFrames = null;
      if (this.#closed || this.frame !== null) {
        return;
      }
      void this.#tap.requestKeyFrame().catch(() => undefined);
      this.#askForKeyFrames();
    }, KEY_FRAME_EVERY_MS);
  }
}
