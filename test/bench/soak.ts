import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectMeeting, type MeetingSocket } from '../../server/protocol/client.js';
import { seedScenario } from '../../server/scenarios/seed.js';

/**
 * `npm run soak -- [--meetings 20] [--scenario bac-giang-2021-09-28] [--snapshots DIR]`: one coordinator holds whole
 * meetings one after another (every point joins, a roll call every point answers, three turns at the floor, the end,
 * every point leaves), and the heap is measured after a forced collection once the first meeting has warmed the
 * process up and after each of the rest. An ended meeting's work must be let go: the heap after the last stays within
 * 10 % of the heap after the first, both measured once socket.io has swept the broadcasts it keeps for recovering
 * sockets (`--settle-sec`, 70). Ten points of each meeting also join the media bridge (`--bridge werift|mediasoup`;
 * mediasoup needs MEDIASOUP_WORKER_BIN): once the meeting is let go, its media rooms must be closed too. Writes
 * test/bench/results/soak.json.
 */
const { values } = parseArgs({
  options: {
    meetings: { type: 'string', default: '20' },
    scenario: { type: 'string', default: 'bac-giang-2021-09-28' },
    snapshots: { type: 'string' },
    'settle-sec': { type: 'string', default: '70' },
    bridge: { type: 'string', default: 'werift' },
  },
});
/** Long enough for socket.io's once-a-minute sweep of broadcasts kept for recovering sockets. */
const SETTLE_MS = Number(values['settle-sec']) * 1000;
const MEETINGS = Number(values.meetings);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  throw new Error('run with --expose-gc (npm run soak does)');
}

const presiding = { name: 'Lê Thị Hoa', title: 'Chủ tịch UBND xã' };
const CHAIR = { role: 'chair' } as const;

async function heapAfterCollection(): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc?.();
  }

  // Samples are kept in typed arrays, outside the JavaScript heap: both count.
  const { heapUsed, arrayBuffers } = process.memoryUsage();

  return heapUsed + arrayBuffers;
}

const openMediaRooms = (server: AppServer): number => server.media.bridge.meetingCount;

/** One whole meeting, from its seeding to its end and every point gone; returns how many points took part. */
async function holdMeeting(server: AppServer, round: number): Promise<number> {
  const { meeting } = await seedScenario(server.meetings, values.scenario, { meetingId: `soak-${round}` });
  await meeting.execute({ type: 'meeting.start' }, CHAIR);
  const pointIds = meeting.state.def.invitedPointIds.filter((id) => id !== meeting.state.def.hubPointId);
  const sockets: MeetingSocket[] = [];
  for (let i = 0; i < pointIds.length; i += 50) {
    const batch = await Promise.all(
      pointIds.slice(i, i + 50).map(async (pointId) => {
        const { token } = await server.tokens.issue({ meetingId: meeting.id, role: 'point', pointId, ttlSec: 600 });

        return (await connectMeeting(server.url, token, { reconnection: false })).socket;
      }),
    );
    sockets.push(...batch);
  }
  // Some rooms on the bridge as well (the offer or transports made; no browser answers them here).
  await Promise.all(sockets.slice(0, 10).map((socket) => socket.timeout(10_000).emitWithAck('media:join', {})));
  if (openMediaRooms(server) !== 1) {
    throw new Error(`media rooms of ${openMediaRooms(server)} meetings open during meeting ${round + 1}`);
  }
  // Link-quality samples, as every console sends them (each point's history is kept while the meeting runs).
  const sample = { lossPct: 0.5, rttMs: 40, jitterMs: 5, fpsIn: 25, fpsOut: 25, kbpsIn: 900, kbpsOut: 700 };
  for (let i = 0; i < 20; i += 1) {
    await Promise.all(sockets.map((socket) => socket.timeout(10_000).emitWithAck('telemetry:sample', sample)));
  }
  const { events } = await meeting.execute({ type: 'rollcall.start', deadlineSec: 120 }, CHAIR);
  const rollCallId = (events[0] as { rollCallId: string }).rollCallId;
  await Promise.all(
    sockets.map((socket) =>
      socket.timeout(10_000).emitWithAck('rollcall:confirm', { rollCallId, headcount: 12, presiding }),
    ),
  );
  for (const socket of sockets.slice(0, 3)) {
    await socket.timeout(10_000).emitWithAck('floor:request', { kind: 'speech', topic: 'Phát biểu' });
    await meeting.execute({ type: 'floor.next', limitSec: 120 }, CHAIR);
    await meeting.execute({ type: 'floor.revoke' }, CHAIR);
  }
  await meeting.execute({ type: 'meeting.end' }, CHAIR);
  sockets.forEach((socket) => socket.close());
  for (let waited = 0; server.meetings.loaded(meeting.id) !== undefined; waited += 100) {
    if (waited > 30_000) {
      throw new Error(`meeting ${meeting.id} still in memory 30 s after its end`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (openMediaRooms(server) !== 0) {
    throw new Error(`meeting ${meeting.id} let go but its media rooms are still open`);
  }

  return sockets.length;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'diemcau-soak-'));
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      STORE_FSYNC: 'never',
      LOG_LEVEL: 'silent',
      MEDIA_BRIDGE: values.bridge,
      ...(process.env.MEDIASOUP_WORKER_BIN === undefined
        ? {}
        : { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }),
      MEDIASOUP_WORKERS: '1',
      RATE_LIMIT_MULTIPLIER: '1000',
      MEDIA_LISTEN_IP: '127.0.0.1',
      // An ended meeting leaves memory as soon as nobody uses it (a second later), as it would ten minutes later.
      ENDED_MEETING_KEEP_SEC: '0',
      // socket.io keeps every broadcast for the recovery window (and sweeps once a minute): a short window here, and
      // the heap compared once it has been swept.
      RECOVERY_WINDOW_SEC: '5',
    }),
  );
  const heaps: number[] = [];
  try {
    for (let round = 0; round < MEETINGS; round += 1) {
      const started = Date.now();
      // In a function of its own: nothing of the meeting is held here while the heap is measured.
      const points = await holdMeeting(server, round);
      if (round === 0 || round === MEETINGS - 1) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
      const heap = await heapAfterCollection();
      heaps.push(heap);
      process.stderr.write(
        `meeting ${round + 1}/${MEETINGS}: ${points} points, ${Date.now() - started} ms, heap ${(heap / 1e6).toFixed(1)} MB\n`,
      );
      if (values.snapshots !== undefined && (round === 1 || round === MEETINGS - 1)) {
        await mkdir(values.snapshots, { recursive: true });
        writeHeapSnapshot(join(values.snapshots, `after-${round + 1}.heapsnapshot`));
      }
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  const first = heaps[0] as number;
  const last = heaps.at(-1) as number;
  const growth = (last - first) / first;
  const result = {
    at: new Date().toISOString(),
    command: `npm run soak -- --meetings ${MEETINGS} --scenario ${values.scenario} --bridge ${values.bridge}`,
    meetings: MEETINGS,
    heapAfterFirstMB: +(first / 1e6).toFixed(1),
    heapAfterLastMB: +(last / 1e6).toFixed(1),
    growthPct: +(growth * 100).toFixed(1),
    heapsMB: heaps.map((h) => +(h / 1e6).toFixed(1)),
    pass: growth <= 0.1,
  };
  await mkdir('test/bench/results', { recursive: true });
  await writeFile('test/bench/results/soak.json', `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stderr.write(
    `soak: heap ${result.heapAfterFirstMB} MB after the first meeting, ${result.heapAfterLastMB} MB after the ${MEETINGS}th (${result.growthPct} %)\n`,
  );
  process.exitCode = result.pass ? 0 : 1;
}

await main();
