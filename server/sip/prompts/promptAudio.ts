import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../logger.js';
import type { PromptName } from './texts.js';

const logger = createLogger('prompts');
const here = dirname(fileURLToPath(import.meta.url));

/**
 * The codecs a prompt is sent in: those whose bytes are a plain sequence at 8000 bytes a second (G.722 at 64 kbit/s,
 * G.711), so that any run of bytes is a playable stretch and 20 ms is 160 bytes and 160 RTP clock ticks.
 */
const ENCODINGS: Record<string, string[]> = {
  G722: ['-ar', '16000', '-c:a', 'g722', '-f', 'g722'],
  PCMA: ['-ar', '8000', '-f', 'alaw'],
  PCMU: ['-ar', '8000', '-f', 'mulaw'],
};
export const PROMPT_BYTES_PER_MS = 8;

const encoded = new Map<string, Promise<Buffer | null>>();

/**
 * A prompt's sound in a room's codec, made from its WAV by ffmpeg once per process; `null` for a codec a prompt is not
 * sent in (Opus) or when ffmpeg fails (the call goes on without the words).
 */
export function promptAudio(name: PromptName, codec: string, ffmpeg = 'ffmpeg'): Promise<Buffer | null> {
  const encoding = ENCODINGS[codec.toUpperCase()];
  if (encoding === undefined) {
    return Promise.resolve(null);
  }
  const key = `${name}/${codec.toUpperCase()}`;
  let bytes = encoded.get(key);
  if (bytes === undefined) {
    bytes = new Promise((resolve) => {
      execFile(
        ffmpeg,
        ['-loglevel', 'error', '-i', join(here, `${name}.wav`), '-ac', '1', ...encoding, 'pipe:1'],
        { encoding: 'buffer', maxBuffer: 4 * 1024 * 1024 },
        (error, stdout) => {
          if (error !== null) {
            logger.warn({ err: error, name, codec }, 'a prompt could not be encoded');
            encoded.delete(key);
            resolve(null);
          } else {
            resolve(stdout);
          }
        },
      );
    });
    encoded.set(key, bytes);
  }

  return bytes;
}
