import { execFile } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The recorded program's size while slides are on: the page large, the speaker in a corner. */
const WIDTH = 1280;
const HEIGHT = 720;
/** Pages change seldom and the speaker is small: a low frame rate keeps the re-encoding cheap. */
const FPS = 15;
const INSET_WIDTH = 320;
const MARGIN = 24;

const quiet = ['-hide_banner', '-loglevel', 'error'];

/** A picture fitted whole into the program's size, the rest filled with `pad`. */
const fitted = (pad: 'white' | 'black') =>
  `scale=${WIDTH}:${HEIGHT}:force_original_aspect_ratio=decrease,pad=${WIDTH}:${HEIGHT}:(ow-iw)/2:(oh-ih)/2:${pad},setsar=1`;

/**
 * Encodes `[program]` of a filter graph with the segment's sound (copied) into a WebM beside it, then puts it in the
 * segment's place. VP8, as the recorded segments, so that all of them still join without re-encoding.
 */
async function encode(ffmpeg: string, inputs: string[], graph: string, segment: string, work: string): Promise<void> {
  const output = join(work, 'composed.webm');
  await run(
    ffmpeg,
    [
      ...quiet,
      ...inputs,
      '-filter_complex',
      graph,
      '-map',
      '[program]',
      '-map',
      '0:a?',
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '1500k',
      '-c:a',
      'copy',
      '-f',
      'webm',
      '-y',
      output,
    ],
    { timeout: 3_600_000 },
  );
  await rename(output, segment);
}

/** A folder beside the segment (so that the composed file replaces it by a rename), removed afterwards. */
async function besideSegment<T>(segment: string, work: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(dirname(segment), `${basename(segment)}.compose-`));
  try {
    return await work(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * A segment recorded while a screen was shared carries two pictures: the screen (its first video track) and the
 * speaker's camera (its second). They become one: the screen at its own size, the speaker small in its corner, as the
 * consoles show content beside the speaker. Without the camera track, the screen alone is kept.
 */
export async function composeScreen({ ffmpeg, segment }: { ffmpeg: string; segment: string }): Promise<void> {
  const graph = [
    `[0:v:1]scale=${INSET_WIDTH}:-2,setsar=1[small]`,
    `[0:v:0]setsar=1[screen]`,
    `[screen][small]overlay=W-w-${MARGIN}:H-h-${MARGIN}:eof_action=pass[program]`,
  ].join(';');
  await besideSegment(segment, (work) => encode(ffmpeg, ['-i', segment], graph, segment, work));
}

/** Keeps a segment's first picture and its sound only (the screen, when its camera could not be drawn beside it). */
export async function keepFirstPicture({ ffmpeg, segment }: { ffmpeg: string; segment: string }): Promise<void> {
  await besideSegment(segment, async (work) => {
    const output = join(work, 'first.webm');
    await run(ffmpeg, [...quiet, '-i', segment, '-map', '0:v:0', '-map', '0:a?', '-c', 'copy', '-y', output]);
    await rename(output, segment);
  });
}

/** A page on show, in seconds from the segment's start, with its image. */
export interface SlideSpan {
  image: Buffer;
  fromSec: number;
  toSec: number;
}

/**
 * Redraws a recorded segment (the speaker's camera and sound) so that while slides were on, its picture is the page
 * large with the speaker small beside it, as the program showed it; elsewhere the speaker fills the picture. The
 * segment's file is replaced; on failure it is left as recorded and the error is thrown.
 */
export async function composeSlides({
  ffmpeg,
  segment,
  spans,
}: {
  ffmpeg: string;
  segment: string;
  spans: readonly SlideSpan[];
}): Promise<void> {
  if (spans.length === 0) {
    return;
  }
  await besideSegment(segment, async (work) => {
    // Pages differ in size (portrait, landscape); each is fitted to the picture once, so the page stream never
    // changes size (ffmpeg rebuilding its filters mid-stream drops what it had queued).
    // A page shown several times (the same image) is fitted once.
    const fittedOf = new Map<Buffer, string>();
    for (const { image } of spans) {
      if (fittedOf.has(image)) {
        continue;
      }
      const raw = join(work, `page-${fittedOf.size}.jpg`);
      const fit = join(work, `fit-${fittedOf.size}.png`);
      await writeFile(raw, image);
      await run(ffmpeg, [...quiet, '-i', raw, '-vf', `${fitted('white')},format=yuv420p`, '-frames:v', '1', '-y', fit]);
      fittedOf.set(image, fit);
    }
    const fittedFiles = spans.map((s) => fittedOf.get(s.image) ?? '');
    const list = join(work, 'pages.txt');
    await writeFile(list, pageList(spans, fittedFiles));
    // The pages become a stream of their own at the program's rate first. Read as a sparse list beside the segment,
    // a page held for ten seconds is one frame whose successor lies ten seconds ahead: the camera's frames queue up
    // waiting for it, and past the queue's limit they went out without the page (slides gone seconds early).
    const pages = join(work, 'pages.mkv');
    await run(ffmpeg, [
      ...quiet,
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-vf',
      `setsar=1,fps=${FPS}`,
      '-c:v',
      'mjpeg',
      '-q:v',
      '3',
      '-y',
      pages,
    ]);
    const enable = spans.map((s) => `between(t,${s.fromSec.toFixed(3)},${s.toSec.toFixed(3)})`).join('+');
    const graph = [
      `[0:v]split[camera][inset]`,
      `[camera]${fitted('black')},fps=${FPS}[full]`,
      `[inset]scale=${INSET_WIDTH}:-2,setsar=1,fps=${FPS}[small]`,
      `[1:v]setsar=1[pages]`,
      `[full][pages]overlay=eof_action=pass:enable='${enable}'[withPages]`,
      `[withPages][small]overlay=W-w-${MARGIN}:H-h-${MARGIN}:eof_action=pass:enable='${enable}'[program]`,
    ].join(';');
    await encode(ffmpeg, ['-i', segment, '-i', pages], graph, segment, work);
  });
}

/**
 * The page stream as ffmpeg's concat list: each page for its span, the gaps filled with the page before (they are
 * not drawn: the overlay is enabled only within the spans). The last entry is repeated, as the format asks.
 */
export function pageList(spans: readonly SlideSpan[], files: readonly string[]): string {
  const quote = (file: string) => `'${file.replaceAll("'", "'\\''")}'`;
  const lines = ['ffconcat version 1.0'];
  let at = 0;
  spans.forEach((span, i) => {
    const file = quote(files[i] ?? '');
    if (i === 0 && span.fromSec > 0) {
      lines.push(`file ${file}`, `duration ${span.fromSec.toFixed(3)}`);
    }
    const next = spans[i + 1]?.fromSec ?? span.toSec;
    lines.push(`file ${file}`, `duration ${Math.max(0.001, next - Math.max(at, span.fromSec)).toFixed(3)}`);
    at = next;
  });
  lines.push(`file ${quote(files.at(-1) ?? '')}`);

  return `${lines.join('\n')}\n`;
}
