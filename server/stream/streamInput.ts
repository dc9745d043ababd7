import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RtpTap } from '../media/MediaBridge.js';
import type { ProgramService } from '../program/ProgramService.js';
import { freePortPair, sdpFor, untilListening, type PortPair } from '../recording/ProgramSegment.js';

/** What the stream carries: the program as the rooms see it, or the still card of a closed part. */
export type StreamSourceKind = 'program' | 'card';

/**
 * One ffmpeg's input for the stream: its arguments (input 0 is the picture, input `soundInput` the sound), whether
 * its picture is the program's own H.264 (copied, never encoded again) or must be encoded, and what to do around the
 * ffmpeg's start and end.
 */
export interface StreamInput {
  kind: StreamSourceKind;
  args: string[];
  soundInput: number;
  /** The picture is H.264 already (the program's): outputs copy it. */
  encoded: boolean;
  /** Once ffmpeg runs: the program's taps start sending when it listens on their ports. */
  begin(child: { exitCode: number | null }): Promise<void>;
  close(): void;
}

/** The card's look: the program's size and rate, a dark blue ground. */
const CARD = { width: 1280, height: 720, fps: 25, ground: '0x0b2545' };

/**
 * The program as the bridge has it, tapped as RTP (its H.264 and Opus) for one ffmpeg. `name` keeps the session
 * descriptions of several ffmpegs of one meeting apart.
 */
export async function programInput(
  program: ProgramService,
  meetingId: string,
  work: string,
  name: string,
): Promise<StreamInput> {
  const taps: RtpTap[] = [];
  const tracks: { kind: 'audio' | 'video'; tap: RtpTap; ports: PortPair }[] = [];
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
  await mkdir(work, { recursive: true });
  const sdpFile = join(work, `${name}.sdp`);
  await writeFile(sdpFile, sdpFor(tracks));

  return {
    kind: 'program',
    args: ['-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-i', sdpFile],
    soundInput: 0,
    encoded: true,
    async begin(child) {
      await untilListening(
        child,
        tracks.map((t) => t.ports.port),
        10_000,
      );
      if (child.exitCode === null) {
        await Promise.all(taps.map((tap) => tap.start()));
      }
    },
    close: () => taps.forEach((tap) => tap.close()),
  };
}

/**
 * The still card of a closed part: "HỘI NGHỊ TẠM DỪNG" over the meeting's title on a plain ground, and silence. Drawn
 * by ffmpeg itself (the texts from files, so no title needs escaping); without a font, the plain ground alone.
 */
export async function cardInput(work: string, title: string, font: string | null): Promise<StreamInput> {
  await mkdir(work, { recursive: true });
  const headline = join(work, 'card-headline.txt');
  const subtitle = join(work, 'card-title.txt');
  await writeFile(headline, 'HỘI NGHỊ TẠM DỪNG');
  await writeFile(subtitle, title.length > 60 ? `${title.slice(0, 59)}…` : title);
  const text = (file: string, size: number, y: string) =>
    `drawtext=fontfile=${font}:textfile=${file}:fontsize=${size}:fontcolor=white:x=(w-tw)/2:y=${y}`;
  const picture = [
    `color=c=${CARD.ground}:s=${CARD.width}x${CARD.height}:r=${CARD.fps}`,
    ...(font === null ? [] : [text(headline, 64, '(h/2)-th-20'), text(subtitle, 36, '(h/2)+30')]),
  ].join(',');

  return {
    kind: 'card',
    args: [...['-re', '-f', 'lavfi', '-i', picture], ...['-re', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo']],
    soundInput: 1,
    encoded: false,
    begin: () => Promise.resolve(),
    close: () => undefined,
  };
}
