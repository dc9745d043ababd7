import { join } from 'node:path';
import type { StreamInput } from './streamInput.js';

/** The renditions a stream may have: the program's own 720p (copied), and 360p made from it. */
export const ALL_RENDITIONS = ['720p', '360p'] as const;
export type Rendition = (typeof ALL_RENDITIONS)[number];

/** Live viewers' playlists hold this many segments (the rolling window). */
export const LIVE_WINDOW_SEGMENTS = 6;

const X264 = ['libx264', 'veryfast', 'zerolatency'] as const;

/**
 * The HLS ffmpeg's command line after its input: per rendition a variant stream in `dir/<rendition>/`, segments of
 * `segmentSec` named `<prefix>-seg<n>.ts` (a prefix per ffmpeg, so that a later one never writes over an earlier
 * one's), a master playlist `index.m3u8`. The playlists never end by themselves (`omit_endlist`: a switch to the card
 * and back is the same stream); a later ffmpeg appends to them after a discontinuity. Segments roll off and are
 * deleted unless they are kept as the meeting's recording.
 */
export function hlsArguments({
  input,
  renditions,
  dir,
  segmentSec,
  prefix,
  appending,
  keepSegments,
}: {
  input: StreamInput;
  renditions: readonly Rendition[];
  dir: string;
  segmentSec: number;
  prefix: string;
  /** A later ffmpeg of the same stream: continues the playlists. */
  appending: boolean;
  keepSegments: boolean;
}): string[] {
  const keyFrames = `expr:gte(t,n_forced*${segmentSec})`;
  const video = renditions.flatMap((rendition, i) => {
    const bits = rendition === '720p' ? { rate: 1500, height: 720 } : { rate: 600, height: 360 };
    if (rendition === '720p' && input.encoded) {
      // The program's own encode, copied: its key frames come every second, so segments cut cleanly.
      return [`-c:v:${i}`, 'copy', `-b:v:${i}`, `${bits.rate}k`];
    }

    return [
      ...[`-filter:v:${i}`, `scale=-2:${bits.height}`, `-c:v:${i}`, X264[0]],
      ...[`-preset:v:${i}`, X264[1], `-tune:v:${i}`, X264[2], `-b:v:${i}`, `${bits.rate}k`],
      ...[`-maxrate:v:${i}`, `${Math.round(bits.rate * 1.2)}k`, `-bufsize:v:${i}`, `${bits.rate * 2}k`],
      ...[`-force_key_frames:v:${i}`, keyFrames],
    ];
  });
  const flags = [
    'independent_segments',
    'omit_endlist',
    ...(appending ? ['append_list', 'discont_start'] : []),
    ...(keepSegments ? [] : ['delete_segments']),
  ];

  return [
    ...renditions.flatMap(() => ['-map', '0:v']),
    ...renditions.flatMap(() => ['-map', `${input.soundInput}:a`]),
    ...video,
    ...['-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2'],
    ...['-f', 'hls', '-hls_time', String(segmentSec), '-hls_list_size', String(LIVE_WINDOW_SEGMENTS)],
    ...['-hls_flags', flags.join('+'), '-master_pl_name', 'index.m3u8'],
    ...['-hls_segment_filename', join(dir, '%v', `${prefix}-seg%d.ts`)],
    ...['-var_stream_map', renditions.map((name, i) => `v:${i},a:${i},name:${name}`).join(' ')],
    join(dir, '%v', 'index.m3u8'),
  ];
}
