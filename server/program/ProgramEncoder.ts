import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createLogger } from '../logger.js';
import type { ProgramInputs, RtpTap } from '../media/MediaBridge.js';
import { encoderArguments } from './encoderArguments.js';
import { PROGRAM_AUDIO, type ProgramFormat } from './format.js';
import { drawInset, insetPlace } from './compose.js';
import { SourceDecoder } from './SourceDecoder.js';

const logger = createLogger('ProgramEncoder');

/** Whose picture and voices the program carries now (from the meeting's routing). */
export interface ProgramSources {
  /** The full picture: a camera, or a shared screen (then `inset` is the speaker beside it). */
  video: { participantId: string; screen: boolean } | null;
  /** A page of the meeting's slides as the full picture, in place of `video`. */
  page?: { documentId: string; page: number } | null;
  /** Whose camera is drawn small in the corner, beside the content (a screen or a page). */
  inset?: string | null;
  /** The lower third's lines (domain/program/caption); none drawn without a font. */
  caption?: string[];
  /** The hub's voice: in both sounds. */
  hub: string | null;
  /** The floor holder's voice: in the mix, not in the "minus" its own room hears. */
  holder: string | null;
  /**
   * Who will likely speak next (the queue's head): its picture and voice are decoded ahead, neither shown nor heard,
   * so that the chair's grant switches the program at once instead of after a new decoder's first key frame.
   */
  next?: string | null;
}

export interface ProgramEncoderOptions {
  meetingId: string;
  ffmpeg: string;
  format: ProgramFormat;
  /** Loopback ports of the bridge's program transports. */
  ports: ProgramInputs;
  tap: (
    participantId: string,
    kind: 'audio' | 'video',
    ports: { port: number; rtcpPort: number },
    screen: boolean,
  ) => Promise<RtpTap | null>;
  /** A page of a meeting's document as a raw picture of the program's size (`null`: none to show). */
  page?: (documentId: string, page: number) => Promise<Buffer | null>;
  /** The font of the lower third (one with Vietnamese letters), or `null` to draw none. */
  captionFont?: string | null;
}

/**
 * The program encoded once for every hardware room: one ffmpeg that takes raw pictures and sound from this process and
 * sends H.264 (constrained baseline, a key frame every `keyFrameSec`) and two sounds (the mix, and the mix without
 * the floor holder), each in every codec a room may take, as RTP to the bridge. Each source is decoded by its own small ffmpeg (SourceDecoder);
 * switching is choosing whose frames to pass on, so the encoder and every call keep running, and the old picture stays
 * until the new source's first one is decoded.
 */
export class ProgramEncoder {
  readonly #options: ProgramEncoderOptions;
  readonly #decoders = new Map<string, SourceDecoder>();
  readonly #starting = new Set<string>();
  #dir = '';
  #encoder: ChildProcess | null = null;
  #clock: NodeJS.Timeout | null = null;
  #sources: ProgramSources = { video: null, hub: null, holder: null };
  /** The decoders the sources want (shown, heard, or kept warm). */
  #wanted = new Set<string>();
  #shown: string | null = null;
  /** The page on show (its picture once drawn). */
  #page: { key: string; picture: Buffer | null } | null = null;
  #lastFrame: Buffer;
  #startedAt = 0;
  #framesSent = 0;
  #blocksSent = 0;
  #videoBlocked = false;
  #closed = false;
  #restarts = 0;
  #captions = 0;

  constructor(options: ProgramEncoderOptions) {
    this.#options = options;
    const { width, height } = options.format;
    // Black (Y 16, U/V 128) until a source's first picture.
    this.#lastFrame = Buffer.alloc((width * height * 3) / 2, 128);
    this.#lastFrame.fill(16, 0, width * height);
  }

  async start(): Promise<void> {
    this.#dir = await mkdtemp(join(tmpdir(), 'diemcau-program-'));
    // The lower third's file exists before the encoder reads it.
    await this.#writeCaption(this.#sources.caption ?? [' ']);
    this.#spawn();
    this.#startedAt = Date.now();
    this.#clock = setInterval(() => this.#tick(), 10);
  }

  /** Whose frames are in the program from now on (decoders are started and stopped to match). */
  update(sources: ProgramSources): void {
    const caption = sources.caption ?? [];
    if (caption.join('\n') !== (this.#sources.caption ?? []).join('\n')) {
      void this.#writeCaption(caption).catch((error: unknown) =>
        logger.warn({ err: error, meetingId: this.#options.meetingId }, 'the lower third was not written'),
      );
    }
    this.#sources = sources;
    const wanted = new Map<string, DecodedSource>();
    if (sources.video !== null) {
      wanted.set(keyOf(sources.video.participantId, 'video', sources.video.screen ? 'screen' : 'camera'), {
        ...sources.video,
        kind: 'video',
      });
    }
    const inset = sources.inset ?? null;
    if (inset !== null) {
      wanted.set(keyOf(inset, 'video', 'inset'), { participantId: inset, kind: 'video', screen: false, inset: true });
    }
    this.#loadPage(sources.page ?? null);
    for (const voice of [sources.hub, sources.holder, sources.next ?? null]) {
      if (voice !== null) {
        wanted.set(keyOf(voice, 'audio'), { participantId: voice, kind: 'audio', screen: false });
      }
    }
    const next = sources.next ?? null;
    if (next !== null) {
      wanted.set(keyOf(next, 'video'), { participantId: next, kind: 'video', screen: false });
    }
    this.#wanted = new Set(wanted.keys());
    for (const [key, decoder] of this.#decoders) {
      // The picture on show stays until the next one is decoded.
      if (!wanted.has(key) && key !== this.#shown) {
        decoder.close();
        this.#decoders.delete(key);
      }
    }
    for (const [key, source] of wanted) {
      if (!this.#decoders.has(key) && !this.#starting.has(key)) {
        void this.#startDecoder(key, source);
      }
    }
  }

  /** Whose pictures are decoded now, shown or kept warm (tests and metrics). */
  get picturesDecoded(): string[] {
    return [...this.#decoders]
      .filter(([key, decoder]) => key.endsWith('|video') && decoder.frame !== null)
      .map(([key]) => key.slice(0, -'|video'.length));
  }

  /** Whose picture the program shows now (`null`: none yet), for tests and metrics. */
  get showing(): string | null {
    return this.#shown === null ? null : (this.#shown.split('|')[0] ?? null);
  }

  /** Frames the encoder has been given so far (the program's progress, for tests and metrics). */
  get framesSent(): number {
    return this.#framesSent;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#clock !== null) {
      clearInterval(this.#clock);
    }
    this.#decoders.forEach((d) => d.close());
    this.#decoders.clear();
    this.#encoder?.kill('SIGKILL');
    await rm(this.#dir, { recursive: true, force: true }).catch(() => undefined);
  }

  async #startDecoder(key: string, source: DecodedSource): Promise<void> {
    this.#starting.add(key);
    let decoder: SourceDecoder | null = null;
    const { format } = this.#options;
    try {
      decoder = await SourceDecoder.start({
        participantId: source.participantId,
        kind: source.kind,
        screen: source.screen,
        tap: (ports) => this.#options.tap(source.participantId, source.kind, ports, source.screen),
        ffmpeg: this.#options.ffmpeg,
        dir: this.#dir,
        // The camera beside the content is decoded at its small size: the encoder only copies its rows in.
        format: source.inset === true ? { ...format, ...insetPlace(format) } : format,
        onExit: () => {
          if (decoder !== null && this.#decoders.get(key) === decoder) {
            this.#decoders.delete(key);
          }
        },
      });
      if (decoder === null) {
        return;
      }
      if (this.#closed) {
        decoder.close();

        return;
      }
      this.#decoders.set(key, decoder);
    } catch (error) {
      logger.warn({ err: error, meetingId: this.#options.meetingId, key }, 'a program source could not be decoded');
    } finally {
      this.#starting.delete(key);
    }
  }

  #spawn(): void {
    const { format, ports, ffmpeg } = this.#options;
    const font = this.#options.captionFont ?? null;
    const caption = font === null ? null : { font, file: join(this.#dir, 'caption.txt') };
    const child = spawn(ffmpeg, encoderArguments(format, ports, caption), {
      stdio: ['pipe', 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-1000)));
    for (const stream of [child.stdin, child.stdio[3], child.stdio[4]]) {
      (stream as Writable | null)?.on('error', () => undefined);
    }
    child.stdin?.on('drain', () => (this.#videoBlocked = false));
    child.once('error', (error) => logger.error({ err: error }, 'program encoder did not start'));
    child.once('exit', (code) => {
      if (this.#closed || this.#encoder !== child) {
        return;
      }
      logger.warn({ meetingId: this.#options.meetingId, code, errors }, 'program encoder stopped: started again');
      this.#encoder = null;
      // Bounded: an encoder that cannot run is not restarted forever.
      if (++this.#restarts <= 10) {
        setTimeout(() => {
          if (!this.#closed) {
            this.#spawn();
          }
        }, 1000).unref();
      }
    });
    this.#encoder = child;
    this.#framesSent = 0;
    this.#blocksSent = 0;
    this.#startedAt = Date.now();
  }

  /** Pictures at the program's rate and sound every 20 ms, by the wall clock (sources come and go; the program runs). */
  #tick(): void {
    const encoder = this.#encoder;
    if (encoder === null) {
      return;
    }
    const elapsed = Date.now() - this.#startedAt;
    const framesDue = Math.floor((elapsed * this.#options.format.fps) / 1000) - this.#framesSent;
    if (framesDue > 0) {
      this.#framesSent += framesDue;
      if (!this.#videoBlocked) {
        this.#videoBlocked = encoder.stdin?.write(this.#pictureNow()) === false;
      }
    }
    const blocksDue = Math.floor(elapsed / PROGRAM_AUDIO.blockMs) - this.#blocksSent;
    const [mixed, minus] = [encoder.stdio[3], encoder.stdio[4]] as (Writable | null)[];
    for (let i = 0; i < Math.min(blocksDue, 10); i++) {
      const hub = this.#voice(this.#sources.hub);
      const holder = this.#sources.holder === this.#sources.hub ? null : this.#voice(this.#sources.holder);
      // An encoder that falls behind is not fed faster than it reads: sound it cannot take is dropped, not queued.
      if ((mixed?.writableLength ?? 0) < 64 * 1024) {
        mixed?.write(mix(hub, holder));
        minus?.write(mix(hub, null));
      }
    }
    this.#blocksSent += blocksDue;
  }

  #pictureNow(): Buffer {
    const main = this.#fullPicture();
    const inset = this.#sources.inset ?? null;
    const small = inset === null ? null : (this.#decoders.get(keyOf(inset, 'video', 'inset'))?.frame ?? null);

    return small === null ? main : drawInset(main, this.#options.format, small, insetPlace(this.#options.format));
  }

  /** The page on show, else the wanted source's latest picture, else the one shown last (until the new one comes). */
  #fullPicture(): Buffer {
    const page = this.#sources.page ?? null;
    if (page !== null && this.#page?.key === pageKey(page) && this.#page.picture !== null) {
      this.#letGoOfShown();
      this.#lastFrame = this.#page.picture;

      return this.#lastFrame;
    }
    const video = this.#sources.video;
    const wanted = video === null ? null : keyOf(video.participantId, 'video', video.screen ? 'screen' : 'camera');
    const fresh = wanted === null ? null : (this.#decoders.get(wanted)?.frame ?? null);
    if (fresh !== null && wanted !== null) {
      if (this.#shown !== wanted) {
        // The old source is no longer on show: its decoder can go.
        this.#letGoOfShown();
      }
      this.#shown = wanted;
      this.#lastFrame = fresh;

      return fresh;
    }
    const held = this.#shown === null ? null : (this.#decoders.get(this.#shown)?.frame ?? null);
    if (held !== null) {
      this.#lastFrame = held;
    }

    return this.#lastFrame;
  }

  #letGoOfShown(): void {
    const old = this.#shown;
    if (old !== null && !this.#isWanted(old)) {
      this.#decoders.get(old)?.close();
      this.#decoders.delete(old);
    }
    this.#shown = null;
  }

  /** Reads the page to show into a picture once per page (a page turn is a new picture, nothing else restarts). */
  #loadPage(page: { documentId: string; page: number } | null): void {
    const load = this.#options.page;
    if (page === null || load === undefined) {
      this.#page = null;

      return;
    }
    const key = pageKey(page);
    if (this.#page?.key === key) {
      return;
    }
    const loading = { key, picture: null as Buffer | null };
    this.#page = loading;
    void load(page.documentId, page.page)
      .then((picture) => {
        loading.picture = picture;
      })
      .catch((error: unknown) => logger.warn({ err: error, ...page }, 'a page could not be drawn for the program'));
  }

  /** Replaces the lower third's file whole (written beside it, then renamed: the encoder never reads half of it). */
  async #writeCaption(lines: string[]): Promise<void> {
    if (this.#dir === '' || (this.#options.captionFont ?? null) === null) {
      return;
    }
    const file = join(this.#dir, 'caption.txt');
    const next = `${file}.${++this.#captions}`;
    await writeFile(next, lines.length === 0 ? ' ' : lines.join('\n'));
    await rename(next, file);
  }

  #isWanted(key: string): boolean {
    return this.#wanted.has(key);
  }

  #voice(participantId: string | null): Buffer | null {
    return participantId === null ? null : (this.#decoders.get(keyOf(participantId, 'audio'))?.takeAudio() ?? null);
  }
}

/** What a source decoder decodes: a participant's sound, camera (full size, or small beside content) or screen. */
interface DecodedSource {
  participantId: string;
  kind: 'audio' | 'video';
  screen: boolean;
  inset?: boolean;
}

const keyOf = (participantId: string, kind: 'audio' | 'video', variant: 'camera' | 'screen' | 'inset' = 'camera') =>
  `${participantId}|${kind}${variant === 'camera' ? '' : `|${variant}`}`;

const pageKey = (page: { documentId: string; page: number }) => `${page.documentId}#${page.page}`;

/** Two 16-bit mono blocks summed (clipped), silence for a missing one. */
function mix(a: Buffer | null, b: Buffer | null): Buffer {
  const out = Buffer.alloc(PROGRAM_AUDIO.blockBytes);
  for (let i = 0; i < out.length; i += 2) {
    const sum =
      (a === null || a.length <= i ? 0 : a.readInt16LE(i)) + (b === null || b.length <= i ? 0 : b.readInt16LE(i));
    out.writeInt16LE(Math.max(-32768, Math.min(32767, sum)), i);
  }

  return out;
}
