import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium, mediaConnected } from '../e2e/browser.js';
import { bridgeEnv } from '../helpers/mediasoup.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { childTicks, cpuPercent } from './childCpu.js';
import { clockLatencies, readClockLatencies, useClockCamera } from './clockCamera.js';
import { percentile, round, until, wait } from './harness.js';

const SEGMENT_SEC = 2;
const CPU_WINDOW_MS = 20_000;
const LATENCY_WINDOW_MS = 40_000;
/** HTTP viewers fetching the stream as players do while the encoder's CPU is measured again. */
const VIEWERS = 50;

/** The coordinator's ffmpegs by what they do (their command lines). */
const groupOf = (name: string, args: string[]): string | null => {
  if (name.startsWith('mediasoup-work')) {
    return 'worker';
  }
  if (name !== 'ffmpeg') {
    return null;
  }
  const joined = args.join(' ');

  return joined.includes('-f hls')
    ? 'stream'
    : joined.includes('-f tee')
      ? 'program'
      : joined.includes('+nobuffer')
        ? 'sources'
        : 'other';
};

export interface StreamPhase {
  renditions: string;
  /** % of one core over 20 s: the program's encoder, its sources' decoders, the stream's own ffmpeg, mediasoup. */
  programCpuPct: number;
  sourcesCpuPct: number;
  streamCpuPct: number;
  workerCpuPct: number;
  /** The stream's ffmpeg again while `VIEWERS` HTTP viewers fetch it. */
  streamCpuWithViewersPct: number | null;
  /** What a viewer downloads, per rendition: the segments written in 20 s (playlists add a few hundred bytes each). */
  kbpsPerRendition: Record<string, number>;
  /** Glass to glass: the clock drawn in the hub's camera, read on the viewing page in Chromium (hls.js). */
  latencyMs: { p50: number; p95: number; min: number; max: number; samples: number } | null;
}

/** The segment files of each rendition and their sizes now. */
function segmentsOf(folder: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const rendition of readdirSync(folder).filter((entry) => /^\d+p$/.test(entry))) {
    for (const file of readdirSync(join(folder, rendition)).filter((entry) => entry.endsWith('.ts'))) {
      sizes.set(join(rendition, file), statSync(join(folder, rendition, file)).size);
    }
  }

  return sizes;
}

/** Players fetching the 720p playlist every segment and each new segment in it, for `ms`. */
async function httpViewers(url: string, count: number, ms: number): Promise<void> {
  const ends = Date.now() + ms;
  const viewer = async (): Promise<void> => {
    const seen = new Set<string>();
    while (Date.now() < ends) {
      const playlist = await (await fetch(`${url}/live/m1/720p/index.m3u8`)).text();
      for (const segment of playlist.split('\n').filter((line) => line.endsWith('.ts') && !seen.has(line))) {
        seen.add(segment);
        await (await fetch(`${url}/live/m1/720p/${segment}`)).arrayBuffer();
      }
      await wait(SEGMENT_SEC * 1000);
    }
  };
  await Promise.all(Array.from({ length: count }, viewer));
}

async function phase(renditions: string, browser: Browser, log: (line: string) => void): Promise<StreamPhase> {
  let t: TestServer | null = null;
  try {
    t = await startTestServer({
      env: await bridgeEnv('mediasoup', {
        STREAM_RENDITIONS: renditions,
        STREAM_SEGMENT_SEC: String(SEGMENT_SEC),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      }),
    });
    const server = t;
    await server.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    // The hub's chair, whose camera draws the clock: the program shows the hub while nobody else has the floor.
    const hubContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await useClockCamera(hubContext);
    const hub = await hubContext.newPage();
    await hub.goto(`${server.url}/join?token=${await server.token('chair')}`);
    await mediaConnected(hub, 30_000);
    const started = await fetch(`${server.url}/api/meetings/m1/stream`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY },
    });
    if (started.status !== 201) {
      throw new Error(`the stream did not start: ${started.status} ${await started.text()}`);
    }
    const folder = server.server.streams?.folderOf('m1') ?? '';
    await until(() => segmentsOf(folder).size >= 3 * renditions.split(',').length, 60_000, 'segments');
    await wait(4000);

    const before = childTicks(groupOf);
    const filesBefore = segmentsOf(folder);
    await wait(CPU_WINDOW_MS);
    const after = childTicks(groupOf);
    const made = [...segmentsOf(folder)].filter(([file]) => !filesBefore.has(file));
    const kbpsPerRendition = Object.fromEntries(
      renditions
        .split(',')
        .map((rendition) => [
          rendition,
          round(
            made.filter(([file]) => file.startsWith(rendition)).reduce((sum, [, size]) => sum + size, 0) /
              (CPU_WINDOW_MS / 1000) /
              125,
          ),
        ]),
    );
    const pct = (group: string) => round(cpuPercent(before, after, CPU_WINDOW_MS, group));
    const result: StreamPhase = {
      renditions,
      programCpuPct: pct('program'),
      sourcesCpuPct: pct('sources'),
      streamCpuPct: pct('stream'),
      workerCpuPct: pct('worker'),
      streamCpuWithViewersPct: null,
      kbpsPerRendition,
      latencyMs: null,
    };
    log(
      `stream (${renditions}): program ${result.programCpuPct} %, sources ${result.sourcesCpuPct} %, stream ${result.streamCpuPct} %, mediasoup ${result.workerCpuPct} %; ${JSON.stringify(kbpsPerRendition)} kbit/s`,
    );

    if (renditions.includes(',')) {
      // Many viewers: the stream's encoder does the same work (they read files).
      const viewersBefore = childTicks(groupOf);
      await httpViewers(server.url, VIEWERS, CPU_WINDOW_MS);
      result.streamCpuWithViewersPct = round(cpuPercent(viewersBefore, childTicks(groupOf), CPU_WINDOW_MS, 'stream'));
      log(`stream: with ${VIEWERS} viewers the stream's ffmpeg ${result.streamCpuWithViewersPct} %`);
      // Glass to glass: the viewing page as the public opens it, reading the clock in the frames it shows.
      const viewer = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await viewer.goto(`${server.url}/truc-tiep/m1`);
      await viewer.waitForFunction(
        () => {
          const video = document.querySelector('video');

          return video !== null && video.currentTime > 1 && !video.paused;
        },
        undefined,
        { timeout: 60_000 },
      );
      await readClockLatencies(viewer, 200);
      await wait(LATENCY_WINDOW_MS);
      const samples = await clockLatencies(viewer);
      if (samples.length < 20) {
        throw new Error(`only ${samples.length} clock readings: the stream's picture could not be read`);
      }
      result.latencyMs = {
        p50: Math.round(percentile(samples, 50)),
        p95: Math.round(percentile(samples, 95)),
        min: Math.min(...samples),
        max: Math.max(...samples),
        samples: samples.length,
      };
      log(
        `stream: glass to glass p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms (${samples.length} readings)`,
      );
    }

    return result;
  } finally {
    await t?.close();
  }
}

/**
 * `npm run bench -- --stream`: the live stream on mediasoup with 2 s segments. The hub's camera (Chromium) draws the
 * wall clock; the program encodes it; the stream's ffmpeg writes HLS with one rendition (720p, the program's own
 * encode copied) and then two (720p and 360p); CPU per process over 20 s, the bytes of each rendition, the stream's
 * CPU again under 50 HTTP viewers, and glass-to-glass latency read from the frames the viewing page shows in Chromium.
 */
export async function benchStream(log: (line: string) => void): Promise<StreamPhase[]> {
  if (!existsSync(join(dirname(fileURLToPath(import.meta.url)), '../../client/dist/index.html'))) {
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  }
  const browser = await launchChromium();
  try {
    const phases: StreamPhase[] = [];
    for (const renditions of ['720p', '720p,360p']) {
      phases.push(await phase(renditions, browser, log));
    }

    return phases;
  } finally {
    await browser.close();
  }
}

/** Runs the stream bench and writes its results beside the others. */
export async function benchStreamToResults(log: (line: string) => void): Promise<void> {
  const phases = await benchStream(log);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  await mkdir(dir, { recursive: true });
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', date: new Date().toISOString() };
  await writeFile(
    join(dir, 'latest-stream.json'),
    `${JSON.stringify({ machine, segmentSec: SEGMENT_SEC, phases }, null, 2)}\n`,
  );
  const rows = phases.map(
    (p) =>
      `| ${p.renditions} | ${p.programCpuPct} | ${p.sourcesCpuPct} | ${p.streamCpuPct} | ${p.streamCpuWithViewersPct ?? '–'} | ${p.workerCpuPct} | ${Object.entries(
        p.kbpsPerRendition,
      )
        .map(([r, kbps]) => `${r} ${kbps}`)
        .join(', ')} |`,
  );
  const latency = phases.find((p) => p.latencyMs !== null)?.latencyMs;
  await writeFile(
    join(dir, 'latest-stream.md'),
    [
      `# The live stream (${machine.cores} cores, ${machine.cpu}, ${machine.date.slice(0, 10)})`,
      '',
      `One coordinator on mediasoup, ${SEGMENT_SEC} s segments. The hub's camera (Chromium) draws the wall clock; the`,
      "program encodes it once; the stream's ffmpeg writes HLS from that encode. CPU in % of one core over 20 s.",
      '',
      `| renditions | program encoder | its source decoders | stream (HLS) | stream with ${VIEWERS} viewers | mediasoup | kbit/s per rendition |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...rows,
      '',
      latency === undefined || latency === null
        ? ''
        : `Glass to glass (camera's clock → viewing page in Chromium, hls.js a segment and a half behind the live edge): p50 ${latency.p50} ms, p95 ${latency.p95} ms, from ${latency.min} to ${latency.max} ms over ${latency.samples} readings.`,
      '',
    ].join('\n'),
  );
}
