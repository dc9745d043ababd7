import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RtpTap } from '../media/MediaBridge.js';

/** A local UDP port pair (RTP on an even port, RTCP on the next), as ffmpeg's RTP input expects. */
export interface PortPair {
  port: number;
  rtcpPort: number;
}

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });

/**
 * Waits (up to `limitMs`) until an ffmpeg listens on `ports`, or has exited, so that the taps feeding it start only
 * once their first packets (and the key frame they ask for) can be received.
 */
export async function untilListening(
  child: { exitCode: number | null },
  ports: number[],
  limitMs: number,
): Promise<void> {
  for (let waited = 0; waited < limitMs && (await listening(ports)) === false; waited += 50) {
    if (child.exitCode !== null) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Whether some process listens on these UDP ports (Linux's /proc/net/udp; elsewhere nothing can be known, and the
 * caller falls back to waiting a moment).
 */
export async function listening(ports: number[]): Promise<boolean | null> {
  try {
    const table = await readFile('/proc/net/udp', 'utf8');
    const bound = new Set(
      table
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[1]?.split(':')[1])
        .filter((hex): hex is string => hex !== undefined)
        .map((hex) => Number.parseInt(hex, 16)),
    );

    return ports.every((port) => bound.has(port));
  } catch {
    return null;
  }
}

/** A busy host starts ffmpeg slowly: its ports are waited for this long before the recording is given up. */
const BIND_WAIT_MS = 60_000;
/** ffmpeg writes the file's header once it has a key frame: until then the camera is asked again, this often. */
const KEY_FRAME_EVERY_MS = 1000;
/** A file this size has its header and a first picture. */
const STARTED_BYTES = 4096;
/** ffmpeg finishing a long file on a busy host: waited for this long before it is killed. */
const FINISH_WAIT_MS = 120_000;

/**
 * How many seconds of pictures and sound a finished file holds, as ffmpeg reads its header (`Duration: 00:01:02.34`),
 * or `null` when it cannot tell. ffmpeg itself is asked (it exits with an error for want of an output; its report is
 * still written), so that no other binary is needed.
 */
export async function recordedDuration(ffmpeg: string, file: string): Promise<number | null> {
  const report = await promisify(execFile)(ffmpeg, ['-hide_banner', '-i', file], { timeout: 60_000 }).then(
    ({ stderr }) => stderr,
    (error: { stderr?: string }) => error.stderr ?? '',
  );
  const [, hours, minutes, seconds] = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(report) ?? [];

  return seconds === undefined ? null : Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** A free pair on loopback, below the media ports. */
export async function freePortPair(): Promise<PortPair> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 5000);
    if ((await bindable(port)) && (await bindable(port + 1))) {
      return { port, rtcpPort: port + 1 };
    }
  }
  throw new Error('no free UDP port pair for the recorder');
}

/** The SDP ffmpeg reads: one m-line per tapped track, on its port pair. */
export function sdpFor(tracks: { kind: 'audio' | 'video'; tap: RtpTap; ports: PortPair }[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=diemcau', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const { kind, tap, ports } of tracks) {
    const { payloadType, mimeType, clockRate, channels } = tap.codec;
    const codec = mimeType.split('/')[1] ?? mimeType;
    lines.push(`m=${kind} ${ports.port} RTP/AVP ${payloadType}`);
    lines.push(`a=rtcp:${ports.rtcpPort}`);
    lines.push(`a=rtpmap:${payloadType} ${codec}/${clockRate}${channels === null ? '' : `/${channels}`}`);
    lines.push('a=recvonly');
  }

  return `${lines.join('\r\n')}\r\n`;
}

/**
 * One stretch of the program written by ffmpeg (codec copy, WebM): it listens on the taps' ports, then the taps start
 * and the camera is asked for key frames until the picture can begin. `stop` asks ffmpeg to finish the file.
 */
export class ProgramSegment {
  readonly file: string;
  /**
   * When the media started to flow; once the segment is finished, when its file's pictures start (a file begins at
   * its first key frame, which a busy host may take seconds to deliver).
   */
  startedAt = 0;
  endedAt: number | null = null;
  readonly #process: ChildProcess;
  readonly #taps: RtpTap[];
  readonly #exited: Promise<number | null>;
  readonly #ffmpeg: string;
  #stopping = false;
  #exitedAlready = false;
  #keyFrames: NodeJS.Timeout | null = null;

  private constructor(file: string, process: ChildProcess, taps: RtpTap[], ffmpeg: string) {
    this.file = file;
    this.#ffmpeg = ffmpeg;
    this.#process = process;
    this.#taps = taps;
    this.#exited = new Promise((resolve) => {
      process.once('exit', (code) => {
        this.#exitedAlready = true;
        resolve(code);
      });
      // A binary that does not start never exits.
      process.once('error', () => {
        this.#exitedAlready = true;
        resolve(null);
      });
    });
  }

  /** Starts ffmpeg on the tracks, then the flow. `onExit` hears of an ffmpeg that ended without being asked. */
  static async start({
    file,
    sdpFile,
    tracks,
    ffmpeg,
    now,
    onExit,
  }: {
    file: string;
    sdpFile: string;
    tracks: { kind: 'audio' | 'video'; tap: RtpTap; ports: PortPair }[];
    ffmpeg: string;
    now: () => number;
    onExit: (reason: string) => void;
  }): Promise<ProgramSegment> {
    await writeFile(sdpFile, sdpFor(tracks));
    const child = spawn(
      ffmpeg,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-protocol_whitelist',
        'file,udp,rtp',
        '-fflags',
        '+genpts',
        '-i',
        sdpFile,
        '-map',
        '0',
        '-c',
        'copy',
        '-f',
        'webm',
        '-y',
        file,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-2000);
    });
    const taps = tracks.map((t) => t.tap);
    const segment = new ProgramSegment(file, child, taps, ffmpeg);
    child.once('error', (error) => {
      if (!segment.#stopping) {
        onExit(`không chạy được ffmpeg (${error.message})`);
      }
    });
    void segment.#exited.then((code) => {
      if (!segment.#stopping) {
        onExit(`bộ ghi dừng (ffmpeg ${code ?? 'killed'}): ${errors.trim().split('\n').at(-1) ?? ''}`);
      }
    });
    // ffmpeg binds its ports while it opens the SDP; media sent before that is lost, key frame included. A busy host
    // takes seconds to get there: wait for the ports to be bound (a condition, not a fixed pause).
    const ports = tracks.flatMap((t) => [t.ports.port]);
    for (let waited = 0; ; waited += 100) {
      const bound = await listening(ports);
      if (bound === true || (bound === null && waited >= 500) || segment.#exitedAlready) {
        break;
      }
      if (waited >= BIND_WAIT_MS) {
        segment.#stopping = true;
        child.kill('SIGKILL');
        throw new Error('ffmpeg did not open its ports');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    segment.startedAt = now();
    await Promise.all(taps.map((tap) => tap.start()));
    segment.#askForKeyFrames(taps);

    return segment;
  }

  /** Finishes the file (ffmpeg writes its index on `q`) and closes the taps. */
  async stop(now: number): Promise<void> {
    if (this.#stopping) {
      return;
    }
    this.#stopping = true;
    this.endedAt = now;
    if (this.#keyFrames !== null) {
      clearTimeout(this.#keyFrames);
    }
    this.#process.stdin?.end('q');
    // A file with pictures in it is worth waiting for (a busy host finishes slowly); an ffmpeg still waiting for its
    // first key frame has written nothing and does not read `q` while it probes: it is stopped at once.
    const written = await stat(this.file).then(
      (s) => s.size,
      () => 0,
    );
    const killer = setTimeout(() => this.#process.kill('SIGKILL'), written >= STARTED_BYTES ? FINISH_WAIT_MS : 2000);
    await this.#exited;
    clearTimeout(killer);
    this.#taps.forEach((tap) => tap.close());
    // The moments of the meeting are placed in the joined file by these spans: the span is what the file holds.
    const seconds = await recordedDuration(this.#ffmpeg, this.file);
    if (seconds !== null) {
      this.startedAt = Math.min(now, Math.max(this.startedAt, now - Math.round(seconds * 1000)));
    }
  }

  /**
   * Asks the camera for a key frame every second until ffmpeg has written the file's start (the first key frame
   * after its ports opened): on a busy host that can take several tries, never a fixed number.
   */
  #askForKeyFrames(taps: RtpTap[]): void {
    const ask = async () => {
      this.#keyFrames = null;
      if (this.#stopping) {
        return;
      }
      const size = await stat(this.file).then(
        (s) => s.size,
        () => 0,
      );
      if (size >= STARTED_BYTES) {
        return;
      }
      await Promise.all(taps.map((tap) => tap.requestKeyFrame())).catch(() => undefined);
      if (!this.#stopping) {
        this.#keyFrames = setTimeout(() => void ask(), KEY_FRAME_EVERY_MS);
      }
    };
    this.#keyFrames = setTimeout(() => void ask(), KEY_FRAME_EVERY_MS);
  }
}
