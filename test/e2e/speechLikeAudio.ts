import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const RATE = 48_000;
/** Loudness of successive syllables: more than 20 dB apart, as a voice is. */
const SYLLABLE_GAINS = [0.9, 0.08, 0.5, 0.03, 0.7, 0.15, 1, 0.05];

/**
 * Writes a WAV that sounds (to a level meter) like someone speaking: syllables of a voiced tone at loudness that keeps
 * changing, with short pauses between them. Chromium's own fake microphone beeps at one level, which a dominant
 * speaker detector (mediasoup's ActiveSpeakerObserver) learns as its noise floor within seconds and then hears as
 * silence; a test of the active speaker needs a voice. Given to Chromium with `--use-file-for-fake-audio-capture`.
 */
export async function writeSpeechLikeWav(dir: string): Promise<string> {
  const syllableMs = 220;
  const pauseMs = 90;
  const samples: number[] = [];
  for (const gain of SYLLABLE_GAINS) {
    const voiced = (RATE * syllableMs) / 1000;
    for (let i = 0; i < voiced; i += 1) {
      const t = i / RATE;
      // A rise and fall within the syllable, over a 180 Hz voice with two harmonics.
      const envelope = Math.sin((Math.PI * i) / voiced);
      const tone = 0.6 * Math.sin(2 * Math.PI * 180 * t) + 0.3 * Math.sin(2 * Math.PI * 360 * t);
      samples.push(gain * envelope * (tone + 0.1 * Math.sin(2 * Math.PI * 720 * t)));
    }
    samples.push(...new Array<number>((RATE * pauseMs) / 1000).fill(0));
  }
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32_767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const path = join(dir, 'speech-like.wav');
  await writeFile(path, Buffer.concat([header, data]));

  return path;
}
