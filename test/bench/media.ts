import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_WORKER_BIN } from '../helpers/mediasoup.js';
import { benchBridge, type BridgeRun } from './bridge.js';
import { benchPlainMedia, type PlainStep } from './plainMedia.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');

/**
 * `npm run bench -- --media [--media-points 25,50,100]`: the same program-feed load (the hub's synthetic 25 fps camera
 * to N receiving points, the receivers in this process) against the embedded bridge and mediasoup (one worker), in
 * one run. Writes `media` into results/latest.json and the table to results/latest-media.md.
 */
export async function benchMediaSideBySide(sizes = [25, 50, 100, 150, 200, 300, 400]): Promise<void> {
  const log = (line: string) => console.error(line);
  if (TEST_WORKER_BIN === null) {
    throw new Error('--media needs a mediasoup worker: set MEDIASOUP_WORKER_BIN');
  }
  log(`media bridges side by side on ${cpus().length} cores, worker ${TEST_WORKER_BIN}`);
  const werift = await benchBridge(log, 'werift', sizes);
  const mediasoup = await benchBridge(log, 'mediasoup', sizes, TEST_WORKER_BIN);
  const summary = (run: BridgeRun) => ({
    cpuPer100Points: run.cpuPer100Points,
    pointsPerCore: run.pointsPerCore,
    pointsMeasured: run.pointsMeasured,
    extrapolated: run.extrapolated,
    steps: run.steps,
  });
  const media = { date: new Date().toISOString(), werift: summary(werift), mediasoup: summary(mediasoup) };
  const latestPath = join(RESULTS, 'latest.json');
  const latest = JSON.parse(await readFile(latestPath, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  await writeFile(latestPath, JSON.stringify({ ...latest, media }, null, 2) + '\n');
  const row = (run: BridgeRun, name: string) =>
    `| ${name} | ${run.cpuPer100Points ?? '—'} | ${run.pointsMeasured} | ${run.pointsPerCore}${run.extrapolated ? ' (extrapolated)' : ''} |`;
  const table = [
    `Measured ${media.date.slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), receivers in the bench process.`,
    '',
    '| bridge | bridge CPU per 100 points (% of a core) | points carried at ≥ 98 % here | points per core |',
    '| --- | --- | --- | --- |',
    row(werift, 'embedded (werift)'),
    row(mediasoup, 'mediasoup (1 worker)'),
    '',
    ...[werift, mediasoup].map(
      (run) =>
        `${run.bridge}: ${run.steps.map((s) => `${s.points}: ${s.delivered} %, CPU ${s.bridgeCpuPercent} %`).join('; ')}`,
    ),
    '',
  ].join('\n');
  await writeFile(join(RESULTS, 'latest-media.md'), table);
  console.log(table);
}

/**
 * `npm run bench -- --media --plain`: mediasoup measured to 2,000 receiving points (test/bench/plainMedia.ts), one
 * worker and two. Writes `media.mediasoup` in results/latest.json from the measurement (`extrapolated: false`) and the
 * table to results/latest-media-plain.md.
 */
export async function benchPlainMediaToResults(log: (line: string) => void, sizes?: number[]): Promise<void> {
  const { steps, carried } = await benchPlainMedia(log, sizes);
  const oneWorker = steps.filter((s) => s.workers === 1);
  const latestPath = join(RESULTS, 'latest.json');
  const latest = JSON.parse(await readFile(latestPath, 'utf8').catch(() => '{}')) as {
    media?: Record<string, unknown> & { mediasoup?: Record<string, unknown> };
  };
  const date = new Date().toISOString();
  // Only what this run measured: nothing of an earlier estimate is carried into it.
  const mediasoup = {
    bridge: 'mediasoup',
    method: 'plain SRTP receivers (test/bench/plainMedia.ts)',
    date,
    pointsMeasured: carried[1] ?? 0,
    pointsMeasuredTwoWorkers: carried[2] ?? 0,
    /** Receiving points one worker carried by the bench's rule (≥ 98 % delivered, gaps ≤ 2 %): the per-core figure. */
    pointsPerCore: carried[1] ?? 0,
    extrapolated: false,
    steps: oneWorker.map(({ points, delivered, workerCpuPercent }) => ({
      points,
      delivered,
      bridgeCpuPercent: workerCpuPercent,
    })),
    plainSteps: steps,
  };
  await writeFile(latestPath, JSON.stringify({ ...latest, media: { ...latest.media, mediasoup } }, null, 2) + '\n');
  const row = (s: PlainStep) =>
    `| ${s.workers} | ${s.points} | ${s.sampled} | ${s.delivered} % | ${s.gapsPct} % | ${s.workerCpuPercent} % | ${s.packetsPerSecondOut} | ${s.mbitPerSecondOut} |`;
  const table = [
    `Measured ${date.slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}): the program's top layer (600 kbit/s of a 1.05 Mbit/s three-layer camera, 75 packets/s) and its sound (Opus, 50 packets/s) to N points over SRTP, plus a page of 24 thumbnails to the hub's two consoles. Every point's consumer encrypts and sends; a sample's packets are counted, the others' dropped by the kernel unread.`,
    '',
    '| workers | points | points counted | delivered | gaps | worker CPU (% of a core) | packets/s out | Mbit/s out |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...steps.map(row),
    '',
    `Carried at ≥ 98 % delivered (gaps ≤ 2 %): ${carried[1] ?? 0} points on one worker, ${carried[2] ?? 0} on two.`,
    '',
  ].join('\n');
  await writeFile(join(RESULTS, 'latest-media-plain.md'), table);
  console.log(table);
}
