import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROMPT_TEXTS, type PromptName } from './texts.js';

/**
 * Synthesises the prompts' WAV files (`npm run prompts`): espeak-ng's Northern Vietnamese voice, a little slower than
 * its default (people in a hall hear them over loudspeakers), then 16 kHz mono 16-bit with a short silence before and
 * after, which both G.722 and G.711 are made from at run time.
 */
const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'diemcau-prompts-'));
try {
  for (const [name, text] of Object.entries(PROMPT_TEXTS) as [PromptName, string][]) {
    const raw = join(work, `${name}.wav`);
    execFileSync('espeak-ng', ['-v', 'vi', '-s', '140', '-w', raw, text]);
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-y', '-i', raw],
      ...['-af', 'adelay=200,apad=pad_dur=0.3,loudnorm=I=-18', '-ar', '16000', '-ac', '1', '-sample_fmt', 's16'],
      ...['-map_metadata', '-1', '-fflags', '+bitexact', join(here, `${name}.wav`)],
    ]);
    process.stdout.write(`${name}.wav: ${text}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
