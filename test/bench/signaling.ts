import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { createPhaseProfiler, percentile, round, spawnChild, until, wait, type Seeded } from './harness.js';

interface Stats {
  heapUsed: number;
  cpuPercent: number;
  lagP99Ms: number;
  seqs: Record<string, number>;
}

export interface SignalingResult {
  points: number;
  joinStormMs: number;
  /** The bare socket.io server's join storm in the same run (connections only), and ours ÷ it. */
  baselineJoinMs: number;
  joinRatio: number;
  rollCallTallyP50Ms: number;
  rollCallTallyP99Ms: number;
  /** With --upload-during-rollcall: the median p99 of three roll calls held while a 50 MB document was uploaded… */
  rollCallTallyP99WithUploadMs?: number;
  /** …and of three without, alternating with them in the same run. */
  rollCallTallyP99WithoutUploadMs?: number;
  /** …and that p99 over the first's, in the same run. */
  rollCallUploadRatio?: number;
  rollCallLastToFinalMs: number;
  floorFanoutP50Ms: number;
  floorFanoutP99Ms: number;
  floorAllNotifiedP50Ms: number;
  baselineFanoutP50Ms: number;
  baselineFanoutP99Ms: number;
  fanoutRatio: number;
  fanoutMessageBytes: number;
  heapPerPointKB: number;
  eventsPerSecond: number;
  /** Acked commands per second, every point in a closed loop. */
  commandsPerSec: number;
  /** The bare socket.io server's acks per second, same harness, same run. */
  baselineAcksPerSec: number;
  /** commandsPerSec ÷ baselineAcksPerSec. */
  throughputRatio: number;
  joinCpuPercent: number;
  telemetryCpuPercent: number;
  telemetryLagP99Ms: number;
}

const ROUNDS = 20;

/** One signaling run at N points: our server and the bare socket.io baseline, driven by the same client harness. */
export async function benchSignaling(
  n: number,
  log: (line: string) => void,
  serverEnv: Record<string, string> = {},
  nodes = 1,
): Promise<SignalingResult> {
  const scenario = n > 1000 ? 'national-2026' : n > 219 ? 'stress-1000' : 'bac-giang-2021-09-28';
  // With several nodes (on one Redis), the first owns the meeting; points alternate between nodes and the chair
  // sits on the last, so its commands are forwarded to the owner and every broadcast crosses the adapter.
  const servers = Array.from({ length: nodes }, (_, i) =>
    spawnChild('./serverProcess.ts', {
      DATA_DIR: `/tmp/diemcau-bench-${process.pid}-${n}`,
      ...serverEnv,
      ...(nodes > 1 ? { NODE_ID: `bench-${i}` } : {}),
    }),
  );
  const server = servers[0] as (typeof servers)[number];
  const sockets: MeetingSocket[] = [];
  const allStats = () => Promise.all(servers.map((s) => s.send<Stats>({ cmd: 'stats' })));
  try {
    const urls = ((await Promise.all(servers.map((s) => s.ready))) as { url: string }[]).map((r) => r.url);
    const before = await allStats();
    const seeded = await server.send<Seeded>({ cmd: 'seed', scenario, points: n });

    // `--profile-phase NAME`: every server, and the clients here, profile that phase alone.
    const clientProfiler = createPhaseProfiler();
    const phase = async (name: string, action: 'start' | 'stop') => {
      const dir = process.env.BENCH_CPU_PROFILE_DIR;
      if (dir !== undefined && process.env.BENCH_PROFILE_PHASE === name) {
        const file = (who: string) => join(dir, `${name}-${n}-${who}.cpuprofile`);
        await Promise.all([
          ...servers.map((s, i) => s.send({ cmd: 'profile', action, file: file(`node${i}`) })),
          action === 'start' ? clientProfiler.start() : clientProfiler.stop(file('clients')),
        ]);
      }
    };
    // Join storm: every point connects at once; done when each holds its snapshot.
    await phase('join', 'start');
    const joinStart = performance.now();
    const connections = await Promise.all(
      seeded.points.map((p, i) => connectMeeting(urls[i % nodes] as string, p.token, { reconnection: false })),
    );
    const joinStormMs = performance.now() - joinStart;
    await phase('join', 'stop');
    sockets.push(...connections.map((c) => c.socket));
    const chair = (await connectMeeting(urls.at(-1) as string, seeded.chair, { reconnection: false })).socket;
    sockets.push(chair);
    const joinStats = sumStats(await allStats());
    await wait(500);
    const settled = await allStats();
    const heapPerPointKB = settled.reduce((sum, s, i) => sum + s.heapUsed - (before[i]?.heapUsed ?? 0), 0) / n / 1024;
    log(`  N=${n}: join storm ${round(joinStormMs)} ms, heap ${round(heapPerPointKB)} KB/point`);

    // Roll call: confirmations spread over 2 s; latency from each confirmation to a chair tally that counts it.
    const rollCall = async (label: string) => {
      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      const counted = new Set<string>();
      let finalAt = 0;
      chair.on('rollcall:changed', (view) => {
        const now = performance.now();
        const outcomes = view.outcomes ?? {};
        for (const [pointId, outcome] of Object.entries(outcomes)) {
          if (outcome === 'present' && !counted.has(pointId) && sentAt.has(pointId)) {
            counted.add(pointId);
            latencies.push(now - (sentAt.get(pointId) as number));
          }
        }
        if (counted.size === n) {
          finalAt ||= now;
        }
      });
      await phase('rollcall', 'start');
      const started = await request(chair, 'rollcall:start', { deadlineSec: 120 });
      if (!started.ok) {
        throw new Error(`rollcall:start: ${started.error.code}`);
      }
      await Promise.all(
        connections.map(async ({ socket }, i) => {
          await wait((i / n) * 2000);
          sentAt.set(seeded.points[i]!.pointId, performance.now());
          await request(socket, 'rollcall:confirm', {
            headcount: 10,
            presiding: { name: 'Nguyễn Văn An', title: 'Bí thư' },
          });
        }),
      );
      const lastSent = Math.max(...sentAt.values());
      await until(() => counted.size === n, 30_000, 'the final tally');
      await phase('rollcall', 'stop');
      chair.off('rollcall:changed');
      await request(chair, 'rollcall:close', {});
      log(
        `  N=${n}: roll-call tally${label} p50 ${round(percentile(latencies, 50))} ms, p99 ${round(percentile(latencies, 99))} ms`,
      );

      return { latencies, lastToFinalMs: finalAt - lastSent };
    };
    const { latencies, lastToFinalMs } = await rollCall('');
    // BENCH_UPLOAD_DURING_ROLLCALL=1 (--upload-during-rollcall): roll calls while the office uploads a 50 MB document
    // to the meeting's owner, alternating with roll calls without (three of each, the first above): the ratio of their
    // median p99s, so that a slow spell of the machine weighs on both sides.
    let upload: { withP99: number; withoutP99: number } | null = null;
    if (process.env.BENCH_UPLOAD_DURING_ROLLCALL === '1') {
      const body = Buffer.alloc(50 * 1024 * 1024 - 1024, 0x20);
      Buffer.from('%PDF-1.4\n').copy(body);
      const file = join(tmpdir(), `diemcau-bench-upload-${process.pid}.pdf`);
      await writeFile(file, body);
      const without = [percentile(latencies, 99)];
      const withs: number[] = [];
      for (let pair = 0; pair < 3; pair += 1) {
        // Sent by another process, as an office's browser would: the 50 MB do not go through this process's event
        // loop, which is timing the roll call.
        const uploading = uploadFromAnotherProcess(
          `${urls[0]}/api/meetings/${encodeURIComponent(seeded.meetingId)}/documents?name=bao-cao-${pair}.pdf`,
          file,
        );
        withs.push(percentile((await rollCall(' with a 50 MB upload')).latencies, 99));
        const status = await uploading;
        if (status !== 201) {
          throw new Error(`the upload during the roll call was answered ${status}`);
        }
        // The document's preparation (it is no PDF: refused by poppler) is over before the next roll call.
        await wait(3000);
        if (pair < 2) {
          without.push(percentile((await rollCall('')).latencies, 99));
        }
      }
      await rm(file, { force: true });
      const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
      upload = { withP99: median(withs), withoutP99: median(without) };
      log(
        `  N=${n}: tally p99, median of three: ${round(upload.withP99)} ms with the upload, ${round(upload.withoutP99)} ms without (ratio ${round(upload.withP99 / upload.withoutP99, 2)})`,
      );
    }

    // Floor fan-out: the chair grants; every point's floor:changed naming the speaker is one sample.
    const fanout: number[] = [];
    const allNotified: number[] = [];
    let messageBytes = 0;
    for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
      const speaker = seeded.points[(round_ * 37) % n]!.pointId;
      const got: number[] = [];
      const t0 = performance.now();
      const listeners = connections.map(({ socket }) => {
        const listener = (floor: { holder: { pointId: string } | null }) => {
          if (floor.holder?.pointId === speaker) {
            got.push(performance.now() - t0);
            if (messageBytes === 0) {
              messageBytes = Buffer.byteLength(JSON.stringify(floor));
            }
          }
        };
        socket.on('floor:changed', listener);

        return () => socket.off('floor:changed', listener);
      });
      await request(chair, 'floor:grant', { pointId: speaker, limitSec: 300 });
      await until(() => got.length === n, 30_000, 'floor fan-out');
      listeners.forEach((off) => off());
      fanout.push(...got);
      allNotified.push(Math.max(...got));
      await request(chair, 'floor:revoke', {});
      await wait(50);
    }
    log(
      `  N=${n}: floor fan-out p50 ${round(percentile(fanout, 50))} ms, p99 ${round(percentile(fanout, 99))} ms (${messageBytes} B)`,
    );

    // Sustained commands: every point sends a cheap acked command (its readiness) in a closed loop for 3 s; the bare
    // socket.io server answers the same requests from the same harness below.
    const seqBefore = (await server.send<Stats>({ cmd: 'stats' })).seqs[seeded.meetingId] ?? 0;
    await phase('throughput', 'start');
    const load = await closedLoop(
      connections.map(
        ({ socket }) =>
          () =>
            request(socket, 'point:readiness', { camera: true, microphone: true, network: true }).then((ack) => ack.ok),
      ),
    );
    const seqAfter = (await server.send<Stats>({ cmd: 'stats' })).seqs[seeded.meetingId] ?? 0;
    await phase('throughput', 'stop');
    const eventsPerSecond = ((seqAfter - seqBefore) / load.ms) * 1000;
    if (load.refused > 0) {
      throw new Error(`${load.refused} readiness commands refused under load`);
    }
    log(`  N=${n}: ${round(load.perSecond, 0)} commands/s acked, ${round(eventsPerSecond, 0)} events/s stored`);
    // Telemetry ingest: every point sends one sample per 2 s, staggered, for 10 s; CPU and lag of the server alone.
    const sample = {
      lossPct: 0.4,
      rttMs: 45,
      jitterMs: 6,
      fpsIn: 25,
      fpsOut: 25,
      kbpsIn: 900,
      kbpsOut: 700,
      audioLevel: 0.1,
    };
    await allStats();
    const timers = connections.map(({ socket }, i) =>
      setTimeout(
        () => {
          // Samples still unanswered when the sockets close at the end are dropped, not raised.
          const send = () => void request(socket, 'telemetry:sample', sample).catch(() => undefined);
          send();
          timers.push(setInterval(send, 2000));
        },
        (i / n) * 2000,
      ),
    );
    await wait(10_000);
    timers.forEach((timer) => clearInterval(timer));
    const telemetry = sumStats(await allStats());
    log(
      `  N=${n}: telemetry ingest CPU ${round(telemetry.cpuPercent)} %, event-loop lag p99 ${round(telemetry.lagP99Ms)} ms`,
    );
    sockets.forEach((s) => s.close());
    sockets.length = 0;

    const baseline = await benchBaseline(n, messageBytes);
    log(`  N=${n}: baseline fan-out p50 ${round(baseline.p50)} ms, p99 ${round(baseline.p99)} ms`);
    log(
      `  N=${n}: baseline join storm ${round(baseline.joinMs)} ms (ratio ${round(joinStormMs / baseline.joinMs, 2)})`,
    );
    log(
      `  N=${n}: baseline ${round(baseline.acksPerSec, 0)} acks/s (ratio ${round(load.perSecond / baseline.acksPerSec, 2)})`,
    );
    const floorFanoutP99Ms = percentile(fanout, 99);

    return {
      points: n,
      joinStormMs: round(joinStormMs),
      baselineJoinMs: round(baseline.joinMs),
      joinRatio: round(joinStormMs / baseline.joinMs, 2),
      rollCallTallyP50Ms: round(percentile(latencies, 50)),
      rollCallTallyP99Ms: round(percentile(latencies, 99)),
      rollCallLastToFinalMs: round(lastToFinalMs),
      ...(upload === null
        ? {}
        : {
            rollCallTallyP99WithUploadMs: round(upload.withP99),
            rollCallTallyP99WithoutUploadMs: round(upload.withoutP99),
            rollCallUploadRatio: round(upload.withP99 / upload.withoutP99, 2),
          }),
      floorFanoutP50Ms: round(percentile(fanout, 50)),
      floorFanoutP99Ms: round(floorFanoutP99Ms),
      floorAllNotifiedP50Ms: round(percentile(allNotified, 50)),
      baselineFanoutP50Ms: round(baseline.p50),
      baselineFanoutP99Ms: round(baseline.p99),
      fanoutRatio: round(floorFanoutP99Ms / baseline.p99, 2),
      fanoutMessageBytes: messageBytes,
      heapPerPointKB: round(heapPerPointKB),
      eventsPerSecond: round(eventsPerSecond, 0),
      commandsPerSec: round(load.perSecond, 0),
      baselineAcksPerSec: round(baseline.acksPerSec, 0),
      throughputRatio: round(load.perSecond / baseline.acksPerSec, 2),
      joinCpuPercent: round(joinStats.cpuPercent),
      telemetryCpuPercent: round(telemetry.cpuPercent),
      telemetryLagP99Ms: round(telemetry.lagP99Ms),
    };
  } finally {
    sockets.forEach((s) => s.close());
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Several nodes' figures as one: CPU adds up (percent of one core), lag is the worst node's. */
function sumStats(stats: Stats[]): Stats {
  return {
    heapUsed: stats.reduce((sum, s) => sum + s.heapUsed, 0),
    cpuPercent: stats.reduce((sum, s) => sum + s.cpuPercent, 0),
    lagP99Ms: Math.max(...stats.map((s) => s.lagP99Ms)),
    seqs: Object.assign({}, ...stats.map((s) => s.seqs)) as Record<string, number>,
  };
}

/** The same client harness against a bare socket.io broadcast of a same-size message. */
async function benchBaseline(
  n: number,
  bytes: number,
): Promise<{ p50: number; p99: number; acksPerSec: number; joinMs: number }> {
  const baseline = spawnChild('./baselineServer.ts');
  const clients: Socket[] = [];
  try {
    const { url } = (await baseline.ready) as { url: string };
    // The bare join storm: every client connects at once (no token, no meeting, no snapshot).
    const joinStart = performance.now();
    for (let i = 0; i <= n; i += 1) {
      clients.push(io(url, { transports: ['websocket'], reconnection: false }));
    }
    await until(() => clients.every((c) => c.connected), 30_000, 'baseline clients');
    const joinMs = performance.now() - joinStart;
    const [chair, ...points] = clients as [Socket, ...Socket[]];
    const samples: number[] = [];
    const body = 'x'.repeat(Math.max(0, bytes - 12));
    for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
      const got: number[] = [];
      const t0 = performance.now();
      const offs = points.map((socket) => {
        const listener = () => got.push(performance.now() - t0);
        socket.once('msg', listener);

        return () => socket.off('msg', listener);
      });
      await chair.timeout(10_000).emitWithAck('go', { body });
      await until(() => got.length === points.length, 30_000, 'baseline fan-out');
      offs.forEach((off) => off());
      samples.push(...got);
      await wait(50);
    }

    const load = await closedLoop(
      points.map(
        (socket) => () =>
          socket
            .timeout(10_000)
            .emitWithAck('point:readiness', { camera: true, microphone: true, network: true })
            .then((ack: { ok: boolean }) => ack.ok),
      ),
    );

    return { p50: percentile(samples, 50), p99: percentile(samples, 99), acksPerSec: load.perSecond, joinMs };
  } finally {
    clients.forEach((c) => c.close());
    baseline.kill();
  }
}

/** Each sender sends its next request as soon as the last is acked, for `ms`; acks per second over all of them. */
async function closedLoop(
  senders: (() => Promise<boolean>)[],
  ms = 3000,
): Promise<{ perSecond: number; ms: number; refused: number }> {
  const started = performance.now();
  let acked = 0;
  let refused = 0;
  await Promise.all(
    senders.map(async (send) => {
      while (performance.now() - started < ms) {
        if (await send()) {
          acked += 1;
        } else {
          refused += 1;
        }
      }
    }),
  );
  const elapsed = performance.now() - started;

  return { perSecond: (acked / elapsed) * 1000, ms: elapsed, refused };
}

/** POSTs a file from a child process (Node's own fetch, streaming it); resolves with the HTTP status. */
function uploadFromAnotherProcess(url: string, file: string): Promise<number> {
  const script = `
    const { createReadStream, statSync } = require('node:fs');
    const { Readable } = require('node:stream');
    fetch(process.argv[1], {
      method: 'POST',
      duplex: 'half',
      headers: { 'x-api-key': process.env.ADMIN_API_KEY ?? 'diemcau-dev-admin', 'content-type': 'application/pdf',
        'content-length': String(statSync(process.argv[2]).size) },
      body: Readable.toWeb(createReadStream(process.argv[2])),
    }).then((r) => process.stdout.write(String(r.status)), (e) => { process.stderr.write(String(e)); process.exit(1); });`;

  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script, url, file], (error, stdout) =>
      error === null ? resolve(Number(stdout)) : reject(error),
    );
  });
}
