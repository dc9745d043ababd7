import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
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
  /** When the media started to flow. */
  startedAt = 0;
  endedAt: number | null = null;
  readonly #process: ChildProcess;
  readonly #taps: RtpTap[];
  readonly #exited: Promise<number | null>;
  #stopping = false;
  #keyFrames: NodeJS.Timeout[] = [];

  private constructor(file: string, process: ChildProcess, taps: RtpTap[]) {
    this.file = file;
    this.#process = process;
    this.#taps = taps;
    this.#exited = new Promise((resolve) => {
      process.once('exit', (code) => resolve(code));
      // A binary that does not start never exits.
      process.once('error', () => resolve(null));
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
    const segment = new ProgramSegment(file, child, taps);
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
    // ffmpeg binds its ports while it opens the SDP; media sent before that is lost, key frame included.
    await new Promise((resolve) => setTimeout(resolve, 500));
    segment.startedAt = now();
    await Promise.all(taps.map((tap) => tap.start()));
    segment.#keyFrames = [1000, 2500, 5000].map((ms) =>
      setTimeout(() => void Promise.all(taps.map((tap) => tap.requestKeyFrame())).catch(() => undefined), ms),
    );

    return segment;
  }

  /** Finishes the file (ffmpeg writes its index on `q`) and closes the taps. */
  async stop(now: number): Promise<void> {
    if (this.#stopping) {
      return;
    }
    this.#stopping = true;
    this.endedAt = now;
    this.#keyFrames.forEach(clearTimeout);
    this.#process.stdin?.end('q');
    const killer = setTimeout(() => this.#process.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(killer);
    this.#taps.forEach((tap) => tap.close());
  }
}
