import { execFile } from 'node:child_process';
import { rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Chapter } from '../domain/record/recording.js';

const run = promisify(execFile);

/** FFMETADATA with the meeting's title and a chapter per turn, as Matroska and WebM keep them. */
export function chapterMetadata(title: string, chapters: readonly Chapter[]): string {
  // FFMETADATA escapes `=`, `;`, `#`, `\` and newlines with a backslash.
  const escape = (text: string) => text.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
  const lines = [';FFMETADATA1', `title=${escape(title)}`];
  for (const chapter of chapters) {
    lines.push(
      '[CHAPTER]',
      'TIMEBASE=1/1000',
      `START=${Math.round(chapter.startSec * 1000)}`,
      `END=${Math.round(chapter.endSec * 1000)}`,
      `title=${escape(chapter.title)}`,
    );
  }

  return `${lines.join('\n')}\n`;
}

/**
 * Joins a meeting's segments into one WebM with its chapters (codec copy: no re-encoding), then removes them. A
 * segment ffmpeg never wrote (it stopped before any media) is left out. Returns the file's size, or 0 when there was
 * nothing to join.
 */
export async function joinSegments({
  ffmpeg,
  segments,
  output,
  title,
  chapters,
}: {
  ffmpeg: string;
  segments: readonly string[];
  output: string;
  title: string;
  chapters: readonly Chapter[];
}): Promise<number> {
  const written: string[] = [];
  for (const file of segments) {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0) {
      written.push(file);
    }
  }
  if (written.length === 0) {
    return 0;
  }
  const list = `${output}.list.txt`;
  const metadata = `${output}.chapters.txt`;
  await writeFile(list, written.map((file) => `file '${file.replaceAll("'", "'\\''")}'`).join('\n') + '\n');
  await writeFile(metadata, chapterMetadata(title, chapters));
  try {
    await run(
      ffmpeg,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        list,
        '-i',
        metadata,
        '-map',
        '0',
        '-map_metadata',
        '1',
        '-map_chapters',
        '1',
        '-c',
        'copy',
        '-y',
        output,
      ],
      { timeout: 600_000 },
    );
  } finally {
    await Promise.all([list, metadata].map((file) => rm(file, { force: true })));
  }
  await Promise.all(segments.map((file) => rm(file, { force: true })));

  return (await stat(output)).size;
}
