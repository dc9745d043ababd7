import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MediasoupBridge } from '../../server/media/mediasoup/MediasoupBridge.js';
import { inviteUnit, linkUp, startCommune, startNation, startProvince, type Coordinator } from '../helpers/linked.js';
import { bridgeEnv, TEST_WORKER_BIN } from '../helpers/mediasoup.js';
import { cameraPacket } from './bridge.js';
import { mediasoupPeer, type BenchPeer } from './mediasoupPeer.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `npm run bench -- --media --linked`: three linked meetings on three coordinators, each with its own mediasoup
 * worker on its own loopback address (nation 127.0.0.2 → province 127.0.0.3 → commune 127.0.0.4). The nation's
 * chair sends a synthetic camera (25 fps, 3 packets of 1,000 bytes a frame, each packet numbered); a console at each
 * level receives the program. Reported: what each level adds to a packet's arrival over the level above (median and
 * p95), the share delivered, and the bytes each link's pipe carried per second.
 */
export async function benchLinkedMedia(log: (line: string) => void, seconds = 10): Promise<object> {
  if (TEST_WORKER_BIN === null) {
    throw new Error('--media --linked needs a mediasoup worker: set MEDIASOUP_WORKER_BIN');
  }
  const env = async (host: string) => bridgeEnv('mediasoup', { MEDIA_LISTEN_IP: host, MEDIASOUP_WORKERS: '1' });
  const coordinators: Coordinator[] = [];
  const peers: BenchPeer[] = [];
  try {
    const nation = await startNation('127.0.0.2', await env('127.0.0.2'));
    coordinators.push(nation);
    const province = await startProvince('127.0.0.3', 'tinh', await env('127.0.0.3'));
    coordinators.push(province);
    const commune = await startCommune('127.0.0.4', await env('127.0.0.4'));
    coordinators.push(commune);
    await must(linkUp(province, 'tinh', nation, await inviteUnit(nation, 'P1')));
    await must(linkUp(commune, 'xa', province, await inviteUnit(province, 'X1', 'tinh')));
    log('linked: nation → province → commune, each on its own coordinator and mediasoup worker');

    const arrivals: Map<number, number>[] = [new Map(), new Map(), new Map()];
    const receiver = (level: number) => (payload: Buffer) => {
      if (payload.length >= 20) {
        arrivals[level]?.set(payload.readUInt32BE(16), performance.now());
      }
    };
    const chair = await mediasoupPeer(nation.url, await nation.token('tw', 'chair'), true);
    peers.push(chair);
    peers.push(await mediasoupPeer(nation.url, await nation.token('tw', 'observer'), false, receiver(0)));
    peers.push(await mediasoupPeer(province.url, await province.token('tinh', 'point', 'DC-X1'), false, receiver(1)));
    peers.push(await mediasoupPeer(commune.url, await commune.token('xa', 'point', 'DC-T1'), false, receiver(2)));

    let seq = 0;
    let mark = 0;
    const frame = () => {
      const timestamp = (Date.now() * 90) >>> 0;
      for (let i = 0; i < 3; i += 1) {
        chair.writeRtp(cameraPacket(seq++ & 0xffff, timestamp, i, i === 2, mark++));
      }
    };
    // Until every level receives (ICE, DTLS, the pipes and their consumers), then measure afresh.
    const warm = setInterval(frame, 40);
    const began = Date.now();
    while (arrivals.some((a) => a.size === 0) && Date.now() - began < 60_000) {
      await wait(200);
    }
    clearInterval(warm);
    if (arrivals.some((a) => a.size === 0)) {
      throw new Error(`a level received nothing: ${arrivals.map((a) => a.size).join(', ')}`);
    }
    await wait(500);
    arrivals.forEach((a) => a.clear());
    const trafficBefore = await traffic(coordinators);
    const first = mark;
    const timer = setInterval(frame, 40);
    await wait(seconds * 1000);
    clearInterval(timer);
    const sent = mark - first;
    await wait(1000);
    const trafficAfter = await traffic(coordinators);

    const added = (level: number) => {
      const deltas: number[] = [];
      for (const [id, at] of arrivals[level] ?? []) {
        const above = arrivals[level - 1]?.get(id);
        if (above !== undefined) {
          deltas.push(at - above);
        }
      }

      return percentiles(deltas);
    };
    const delivered = arrivals.map((a) => round((a.size / sent) * 100));
    const kbps = (i: number) => round((((trafficAfter[i] ?? 0) - (trafficBefore[i] ?? 0)) * 8) / 1000 / (seconds + 1));
    const result = {
      date: new Date().toISOString(),
      cores: cpus().length,
      seconds,
      packetsSent: sent,
      deliveredPercent: { nation: delivered[0], province: delivered[1], commune: delivered[2] },
      addedDelayMs: { provinceOverNation: added(1), communeOverProvince: added(2) },
      linkKbps: { nationToProvince: kbps(0), provinceToCommune: kbps(1) },
      cameraKbps: round((3 * 1000 * 8 * 25) / 1000),
    };
    await report(result);

    return result;
  } finally {
    await Promise.allSettled(peers.map((p) => p.close()));
    for (const c of coordinators.reverse()) {
      await c.close().catch(() => undefined);
    }
  }
}

/** Bytes the pipes of each parent (nation, province) have sent down so far. */
async function traffic(coordinators: Coordinator[]): Promise<number[]> {
  const out: number[] = [];
  for (const c of coordinators.slice(0, 2)) {
    const pipes = await (c.server.media.bridge as MediasoupBridge).pipes.traffic();
    out.push(pipes.filter((p) => p.pipeId.startsWith('down:')).reduce((sum, p) => sum + p.bytesSent, 0));
  }

  return out;
}

async function must(linking: Promise<{ status: number; body: unknown }>): Promise<void> {
  const { status, body } = await linking;
  if (status !== 200) {
    throw new Error(`linking failed: ${status} ${JSON.stringify(body)}`);
  }
}

function percentiles(values: number[]): { median: number | null; p95: number | null; samples: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? null : round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

  return { median: at(0.5), p95: at(0.95), samples: sorted.length };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function report(result: {
  date: string;
  addedDelayMs: Record<string, { median: number | null; p95: number | null }>;
  linkKbps: Record<string, number>;
  deliveredPercent: Record<string, number | undefined>;
  cameraKbps: number;
}): Promise<void> {
  const latestPath = join(RESULTS, 'latest.json');
  const latest = JSON.parse(await readFile(latestPath, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  const media = (latest.media ?? {}) as Record<string, unknown>;
  await writeFile(latestPath, JSON.stringify({ ...latest, media: { ...media, linked: result } }, null, 2) + '\n');
  const d = result.addedDelayMs;
  const table = [
    `Linked meetings, measured ${result.date.slice(0, 10)} on ${cpus().length} cores: nation → province → commune, three coordinators and three mediasoup workers on loopback, a ${result.cameraKbps} kbit/s synthetic camera.`,
    '',
    '| level | delay added over the level above (median / p95) | packets delivered | link carries |',
    '| --- | --- | --- | --- |',
    `| nation (chair's own bridge) | — | ${result.deliveredPercent.nation} % | — |`,
    `| province | ${d.provinceOverNation?.median} / ${d.provinceOverNation?.p95} ms | ${result.deliveredPercent.province} % | ${result.linkKbps.nationToProvince} kbit/s nation → province |`,
    `| commune | ${d.communeOverProvince?.median} / ${d.communeOverProvince?.p95} ms | ${result.deliveredPercent.commune} % | ${result.linkKbps.provinceToCommune} kbit/s province → commune |`,
    '',
  ].join('\n');
  await writeFile(join(RESULTS, 'latest-linked.md'), table);
  console.log(table);
}
