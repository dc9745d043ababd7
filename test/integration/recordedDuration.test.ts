import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { recordedDuration } from '../../server/recording/ProgramSegment.js';

const run = promisify(execFile);

/**
 * A recorded segment's spans are corrected to what its file holds (its start waits for a key frame): the length is
 * read from the finished WebM by ffmpeg itself.
 */
describe('the length of a recorded segment', () => {
  it('is what the WebM holds, to a frame', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'segment-'));
    const file = join(dir, 'segment.webm');
    await run('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x90:rate=10:duration=3.5',
      '-c:v',
      'libvpx',
      '-y',
      file,
    ]);
    const seconds = await recordedDuration('ffmpeg', file);
    expect(seconds).not.toBeNull();
    expect(Math.abs((seconds ?? 0) - 3.5)).toBeLessThanOrEqual(0.1);
  });

  it('is unknown for a file that holds no media, or none at all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'segment-'));
    const junk = join(dir, 'junk.webm');
    await writeFile(junk, 'not a recording');
    expect(await recordedDuration('ffmpeg', junk)).toBeNull();
    expect(await recordedDuration('ffmpeg', join(dir, 'missing.webm'))).toBeNull();
    expect(await recordedDuration(join(dir, 'no-ffmpeg'), junk)).toBeNull();
  });
});
