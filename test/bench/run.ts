import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis } from '../helpers/redis.js';
import { benchBridge } from './bridge.js';
import { benchMediaSideBySide, benchPlainMediaToResults } from './media.js';
import { benchLinkedMedia } from './linkedMedia.js';
import { benchSlides } from './slides.js';
import { benchNetwork } from './network.js';
import { benchSignaling, type SignalingResult } from './signaling.js';
import { benchSipToResults } from './sip.js';
import { benchStreamToResults } from './stream.js';

/**
 * `npm run bench [-- --quick] [--redis] [--nodes 2] [--points N] [--profile DIR [--profile-phase join|rollcall|throughput]] [--media [--linked | --slides | --plain]] [--network] [--sip] [--stream]`: signaling at N = 220, 500, 1000 (quick: 1000 only) against the
 * bare socket.io baseline in the same run. Writes test/bench/results/latest.json and latest.md (latest-redis,
 * latest-2-nodes for the variants).
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    points: { type: 'string' },
    redis: { type: 'boolean', default: false },
    nodes: { type: 'string', default: '1' },
    media: { type: 'boolean', default: false },
    linked: { type: 'boolean', default: false },
    slides: { type: 'boolean', default: false },
    plain: { type: 'boolean', default: false },
    network: { type: 'boolean', default: false },
    sip: { type: 'boolean', default: false },
    stream: { type: 'boolean', default: false },
    'media-points': { type: 'string' },
    'upload-during-rollcall': { type: 'boolean', default: false },
    profile: { type: 'string' },
    'profile-phase': { type: 'string' },
  },
});
if (values.profile !== undefined) {
  // The server processes write a CPU profile each when they stop (test/bench/harness.ts).
  process.env.BENCH_CPU_PROFILE_DIR = values.profile;
  if (values['profile-phase'] !== undefined) {
    // Only that phase of the signaling run: join, rollcall or throughput.
    process.env.BENCH_PROFILE_PHASE = values['profile-phase'];
  }
}
if (values.stream) {
  // --stream: the live stream's latency glass to glass, its CPU with one and two renditions, the bytes per viewer.
  await benchStreamToResults((line) => console.error(line));
  process.exit(0);
}
if (values.sip) {
  // --sip: the program encoder and the bridge with 1, 10 and 50 SIP rooms (needs baresip and a mediasoup worker).
  await benchSipToResults((line) => console.error(line));
  process.exit(0);
}
if (values.network) {
  // --network: a commune behind each link profile and firewall, on mediasoup (needs root: network namespaces).
  await benchNetwork((line) => console.error(line));
  process.exit(0);
}
if (values.media && values.slides) {
  // --media --slides: the bytes per point per minute of a report as slides vs as a shared screen.
  await benchSlides((line) => console.error(line));
  process.exit(0);
}
if (values.media && values.plain) {
  // --media --plain: mediasoup to 2,000 points whose receiving costs almost nothing; merged into latest.json.
  await benchPlainMediaToResults(
    (line) => console.error(line),
    values['media-points'] === undefined ? undefined : values['media-points'].split(',').map(Number),
  );
  process.exit(0);
}
if (values.media && values.linked) {
  // --media --linked: the delay a relayed picture adds per level and the bytes each link carries.
  await benchLinkedMedia((line) => console.error(line));
  process.exit(0);
}
if (values.media) {
  // --media: the program-feed load against each bridge in one run; merged into latest.json as `media`.
  await benchMediaSideBySide(
    values['media-points'] === undefined ? undefined : values['media-points'].split(',').map(Number),
  );
  process.exit(0);
}
const nodes = Number(values.nodes);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 8) {
  console.error('--nodes takes 1 to 8');
  process.exit(2);
}
// --redis: the same runs with the meeting log in a real redis-server (AOF, appendfsync always). Several nodes share
// one Redis, so --nodes implies it.
const redis = values.redis || nodes > 1 ? await startRedis() : null;
const serverEnv: Record<string, string> =
  redis === null ? {} : { STORE: 'redis', REDIS_URL: redis.url, NODE_ID: 'bench' };
if (values['upload-during-rollcall']) {
  // Read by benchSignaling in this process: a second roll call while a 50 MB document is uploaded.
  process.env.BENCH_UPLOAD_DURING_ROLLCALL = '1';
}

const sizes = values.points !== undefined ? [Number(values.points)] : values.quick ? [1000] : [220, 500, 1000];
const log = (line: string) => console.error(line);
const began = Date.now();
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  date: new Date().toISOString(),
};
log(`diemcau bench on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}`);

const runs: SignalingResult[] = [];
for (const n of sizes) {
  runs.push(await benchSignaling(n, log, serverEnv, nodes));
}
const headline = runs.at(-1) as SignalingResult;
// The quick run measures signaling only.
const bridge = values.quick || redis !== null ? null : await benchBridge(log);
await redis?.stop();
const result = {
  ...headline,
  embeddedBridgePointsPerCore: bridge?.pointsPerCore ?? null,
  embeddedBridgeSteps: bridge?.steps ?? [],
  mode: values.quick ? 'quick' : 'full',
  store: redis === null ? 'embedded' : 'redis',
  nodes,
  durationSec: Math.round((Date.now() - began) / 1000),
  machine,
  runs,
};

const columns: [keyof SignalingResult, string][] = [
  ['points', 'points'],
  ['joinStormMs', 'join storm (ms)'],
  ['baselineJoinMs', 'bare join (ms)'],
  ['rollCallTallyP50Ms', 'tally p50 (ms)'],
  ['rollCallTallyP99Ms', 'tally p99 (ms)'],
  ['floorFanoutP50Ms', 'fan-out p50 (ms)'],
  ['floorFanoutP99Ms', 'fan-out p99 (ms)'],
  ['baselineFanoutP99Ms', 'baseline p99 (ms)'],
  ['fanoutRatio', 'ratio'],
  ['heapPerPointKB', 'heap/point (KB)'],
  ['eventsPerSecond', 'events/s'],
  ['commandsPerSec', 'commands/s'],
  ['baselineAcksPerSec', 'bare acks/s'],
  ['throughputRatio', 'throughput ratio'],
  ['telemetryCpuPercent', 'telemetry CPU (%)'],
  ['telemetryLagP99Ms', 'telemetry lag p99 (ms)'],
];
const table = [
  `Measured ${machine.date.slice(0, 10)} on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${
    redis === null ? 'embedded store with fdatasync' : 'Redis store (AOF, appendfsync always)'
  }${nodes > 1 ? `, ${nodes} coordinators (points spread over them, the chair on a node that does not own the meeting)` : ''}.`,
  '',
  `| ${columns.map(([, title]) => title).join(' | ')} |`,
  `| ${columns.map(() => '---').join(' | ')} |`,
  ...runs.map((run) => `| ${columns.map(([key]) => String(run[key])).join(' | ')} |`),
  '',
  ...(headline.rollCallUploadRatio === undefined
    ? []
    : [
        `A 50 MB document uploaded during a roll call, three times, alternating with three roll calls without: median tally p99 ${headline.rollCallTallyP99WithUploadMs} ms with the upload against ${headline.rollCallTallyP99WithoutUploadMs} ms without, in the same run (ratio ${headline.rollCallUploadRatio}).`,
        '',
      ]),
  bridge === null
    ? 'Embedded media bridge capacity: not measured in this run (the full run on the embedded store measures it).'
    : `Embedded media bridge (werift, one process = one core): ${bridge.pointsPerCore} points receiving the program ` +
      `with ≥ 98 % of packets delivered (${bridge.steps.map((s) => `${s.points}: ${s.delivered} %, CPU ${s.bridgeCpuPercent} %`).join('; ')}).`,
  '',
].join('\n');

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const base = nodes > 1 ? `latest-${nodes}-nodes` : redis === null ? 'latest' : 'latest-redis';
// A run at one chosen size keeps its own file, so the national-scale run does not replace the province's table.
const sized = values.points === undefined ? base : `${base}-${values.points}`;
// An upload during a roll call disturbs the phases after it too (the document is prepared): a file of its own.
const name = values['upload-during-rollcall'] ? `${sized}-upload` : sized;
await mkdir(dir, { recursive: true });
// The media side-by-side (`--media`) is measured in a run of its own and kept in latest.json across signaling runs.
const previous = await readFile(join(dir, `${name}.json`), 'utf8').then(
  (text) => JSON.parse(text) as { media?: unknown },
  () => ({}) as { media?: unknown },
);
await writeFile(
  join(dir, `${name}.json`),
  JSON.stringify(previous.media === undefined ? result : { ...result, media: previous.media }, null, 2) + '\n',
);
await writeFile(join(dir, `${name}.md`), table);
console.log(table);
process.exit(0);
