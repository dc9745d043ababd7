import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, until } from './poll.js';
import { tempDir } from './tmp.js';

/** Whether Debian's baresip (baresip-core, baresip-ffmpeg) is here; CI installs it (.ci/run). */
export function baresipAvailable(): boolean {
  try {
    execFileSync('baresip', ['-h'], { stdio: 'ignore', timeout: 5000 });

    return true;
  } catch (error) {
    // `baresip -h` exits non-zero after printing its usage: present all the same.
    return (error as { code?: string }).code !== 'ENOENT';
  }
}

export interface BaresipRoom {
  /** The room's SIP address as the directory keeps it (`user@127.0.0.1:port`). */
  address: string;
  dial(uri: string): Promise<void>;
  hangUp(): Promise<void>;
  /** The room vanishes (power or network lost): the process is stopped, so it sends nothing and answers nothing. */
  pause(): void;
  resume(): void;
  /** Keys on the remote: RFC 4733 telephone-events on the call's sound. */
  sendDigits(keys: string): Promise<void>;
  /**
   * The mean colour of the picture the room receives now (its snapshot of the next decoded frame, read back by
   * ffmpeg), or `null` while it receives none.
   */
  receivedColour(): Promise<[number, number, number] | null>;
  /**
   * The picture the room receives now, as 64×36 RGB (its snapshot of the next decoded frame), or `null` while it
   * receives none.
   */
  receivedPicture(): Promise<Buffer | null>;
  /**
   * How loud what the room heard in its latest call was (RMS of its 16-bit samples, 0–32767), over the whole call or
   * its last `lastMs`: baresip's sndfile filter writes each call's decoded sound to a WAV file.
   */
  heardLevel(lastMs?: number): number;
  /** What the room has printed so far (its log). */
  log(): string;
  close(): Promise<void>;
}

/**
 * A hardware room system played by a real baresip process on loopback: H.264 by libx264 from a video file (a flat
 * colour with grain, so that the encoder keeps sending), G.722 from a tone file, driven over its ctrl_tcp socket
 * (netstring JSON: dial, hangup, sndcode).
 */
export async function startBaresipRoom({
  user,
  rgb,
  srtp = false,
  size = '640x360',
  ip = '127.0.0.1',
  register,
  audioCodecs,
}: {
  /** The only sound codecs the room offers and accepts (baresip's names, e.g. `PCMA/8000/1`, `opus/48000/2`). */
  audioCodecs?: string[];
  /** Registers at the coordinator as `user` with this password (a room behind NAT), instead of waiting to be known. */
  register?: { registrar: string; password: string };
  /** The room's own loopback address (a room is another host: never the coordinator's address). */
  ip?: string;
  user: string;
  rgb: [number, number, number];
  srtp?: boolean;
  size?: string;
}): Promise<BaresipRoom> {
  const { dir, remove } = await tempDir('diemcau-baresip-');
  const sipPort = await freePort();
  const ctrlPort = await freePort();
  const colour = rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
  const video = join(dir, 'camera.mkv');
  const tone = join(dir, 'tone.wav');
  // baresip's file source plays only a file at the codec's own rate and channels (G.722: 16 kHz mono).
  const [name = 'G722', rate = '8000', channels = '1'] = (audioCodecs?.[0] ?? 'G722').split('/');
  // (G.722 is named 8000 Hz in SDP for history's sake; it samples at 16 kHz.)
  const [toneRate, toneChannels] = [/^G722$/i.test(name) ? '16000' : rate, channels];
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `color=c=0x${colour}:s=${size}:r=15:d=120,noise=alls=12:allf=t`],
    ...['-c:v', 'ffv1', video],
  ]);
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=600:sample_rate=${toneRate}:duration=120`],
    ...['-ac', toneChannels, tone],
  ]);
  const modules = [
    'g722',
    'g711',
    'opus',
    'avcodec',
    'avformat',
    'fakevideo',
    'aufile',
    'ctrl_tcp',
    'srtp',
    'account',
    'menu',
    'snapshot',
    'sndfile',
  ];
  await writeFile(
    join(dir, 'config'),
    [
      `sip_listen ${ip}:${sipPort}`,
      'module_path /usr/lib/baresip/modules',
      `audio_source aufile,${tone}`,
      `snd_path ${dir}`,
      `video_source avformat,${video}`,
      'video_display fakevideo,nil',
      `video_size ${size}`,
      'video_fps 15',
      'avcodec_h264enc libx264',
      'avcodec_h264dec h264',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      ...modules.map((m) => `module ${m}.so`),
      '',
    ].join('\n'),
  );
  const codecs = audioCodecs === undefined ? '' : `;audio_codecs=${audioCodecs.join(',')}`;
  await writeFile(
    join(dir, 'accounts'),
    register === undefined
      ? `<sip:${user}@${ip}:${sipPort}>;regint=0;answermode=auto${srtp ? ';mediaenc=srtp-mand' : ''}${codecs}\n`
      : `<sip:${user}@${register.registrar}>;auth_pass=${register.password};regint=120;answermode=auto${codecs}\n`,
  );
  let output = '';
  const child: ChildProcess = spawn('baresip', ['-n', ip, '-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(() => output.includes('baresip is ready'), 20_000, 'baresip ready');
  const control: Socket = connect(ctrlPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    control.once('connect', resolve);
    control.once('error', reject);
  });
  control.on('error', () => undefined);
  let token = 0;
  let snapshots = 0;
  const command = async (name: string, params = '') => {
    const body = JSON.stringify({ command: name, params, token: String(++token) });
    control.write(`${Buffer.byteLength(body)}:${body},`);
  };

  const receivedPicture = async (): Promise<Buffer | null> => {
    const file = join(dir, `received-${++snapshots}.png`);
    await command('snapshot_recv', file);
    try {
      await until(() => existsSync(file), 3000, 'snapshot');
    } catch {
      return null;
    }
    await new Promise((r) => setTimeout(r, 200));
    // A snapshot still being written reads as no picture yet.
    try {
      const raw = execFileSync(
        'ffmpeg',
        ['-loglevel', 'quiet', '-i', file, '-vf', 'scale=64:36', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );

      return raw.length === 64 * 36 * 3 ? raw : null;
    } catch {
      return null;
    }
  };

  return {
    address: `${user}@${ip}:${sipPort}`,
    dial: (uri) => command('dial', uri),
    hangUp: () => command('hangup'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async sendDigits(keys) {
      for (const key of keys) {
        await command('sndcode', key);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    receivedPicture,
    async receivedColour() {
      const picture = await receivedPicture();

      return picture === null ? null : meanColour(picture, { x: 0, y: 0, width: 64, height: 36 });
    },
    heardLevel(lastMs) {
      const calls = readdirSync(dir)
        .filter((name) => name.startsWith('dump-') && name.endsWith('-dec.wav'))
        .map((name) => join(dir, name))
        .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
      const latest = calls.at(-1);
      // The sound after the 44-byte header of a 16-bit PCM WAV.
      const wav = latest === undefined ? Buffer.alloc(44) : readFileSync(latest);
      const bytesPerMs = wav.length >= 44 ? wav.readUInt32LE(28) / 1000 : 16;
      const all = wav.subarray(44);
      const bytes =
        lastMs === undefined ? all : all.subarray(Math.max(0, (all.length - Math.round(lastMs * bytesPerMs)) & ~1));
      let sum = 0;
      const samples = Math.floor(bytes.length / 2);
      for (let i = 0; i < samples; i++) {
        sum += bytes.readInt16LE(i * 2) ** 2;
      }

      return samples === 0 ? 0 : Math.sqrt(sum / samples);
    },
    log: () => output,
    async close() {
      control.destroy();
      child.kill('SIGTERM');
      await until(() => child.exitCode !== null || child.signalCode !== null, 10_000, 'baresip exit').catch(() =>
        child.kill('SIGKILL'),
      );
      await remove();
    },
  };
}

/** The mean colour of a region of a 64×36 RGB picture (`receivedPicture`). */
export function meanColour(
  picture: Buffer,
  { x, y, width, height }: { x: number; y: number; width: number; height: number },
): [number, number, number] {
  let [r, g, b] = [0, 0, 0];
  for (let row = y; row < y + height; row++) {
    for (let column = x; column < x + width; column++) {
      const at = (row * 64 + column) * 3;
      r += picture[at] ?? 0;
      g += picture[at + 1] ?? 0;
      b += picture[at + 2] ?? 0;
    }
  }
  const n = width * height;

  return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
}
