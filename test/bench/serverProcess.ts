import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { buildProvince, scenarioMeetingInput } from '../../server/scenarios/buildProvince.js';
import { loadScenario } from '../../server/scenarios/scenarios.js';
import { createPhaseProfiler } from './harness.js';

/**
 * The server under benchmark, in its own process (so its CPU and heap are its own), driven over IPC:
 * `seed` builds a meeting of N points and returns join tokens; `stats` returns heap (after a full GC), CPU and
 * event-loop lag since the last `stats`.
 */
type Message =
  | { id: number; cmd: 'seed'; scenario: string; points: number }
  | { id: number; cmd: 'profile'; action: 'start' | 'stop'; file?: string }
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'exit' };

const server = await startServer(
  loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    // The benchmark measures capacity, not the per-socket throttles.
    RATE_LIMIT_MULTIPLIER: '1000',
    STORE_FSYNC: process.env.STORE_FSYNC ?? 'always',
  }),
);
const phaseProfiler = createPhaseProfiler();
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let cpuMark = process.cpuUsage();
let timeMark = performance.now();
let seeded = 0;

process.on('message', (message: Message) => {
  if (message.cmd === 'exit') {
    // A normal exit, so that --cpu-prof writes its profile.
    process.exit(0);
  }
  void handle(message).then(
    (result) => process.send?.({ id: message.id, ok: true, result }),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: String(error) }),
  );
});

async function handle(message: Message): Promise<unknown> {
  if (message.cmd === 'profile') {
    return message.action === 'start' ? phaseProfiler.start() : phaseProfiler.stop(message.file ?? 'phase.cpuprofile');
  }
  if (message.cmd === 'seed') {
    const scenario = loadScenario(message.scenario);
    const built = buildProvince(scenario);
    await server.meetings.replaceDirectory(built.directory);
    const invited = built.directory.points
      .map((p) => p.code)
      .filter((code) => code !== built.hubPointId)
      .slice(0, message.points);
    seeded += 1;
    const input = {
      ...scenarioMeetingInput(scenario, built, Date.now(), `bench-${seeded}`),
      invite: { points: invited },
    };
    const meeting = await server.meetings.createMeeting(input);
    await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
    await meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    const token = async (role: 'chair' | 'point', pointId?: string) =>
      (await server.tokens.issue({ meetingId: meeting.id, role, pointId: pointId ?? null, ttlSec: 3600 })).token;

    return {
      url: server.url,
      meetingId: meeting.id,
      chair: await token('chair'),
      points: await Promise.all(invited.map(async (pointId) => ({ pointId, token: await token('point', pointId) }))),
    };
  }
  const workerCpuPercent = mediaWorkerCpuPercent();
  const seqs = server.meetings.list().map((m) => [m.id, m.state.seq]);
  (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage(cpuMark);
  const elapsedMs = performance.now() - timeMark;
  const result = {
    heapUsed: process.memoryUsage().heapUsed,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    lagP99Ms: lag.percentile(99) / 1e6,
    workerCpuPercent,
    seqs: Object.fromEntries(seqs),
  };
  lag.reset();
  cpuMark = process.cpuUsage();
  timeMark = performance.now();

  return result;
}

process.send?.({ id: 0, ok: true, result: { ready: true, url: server.url } });

/** CPU ticks (user + system) of a process from /proc, at the kernel's 100 Hz. */
function processTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];

    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  } catch {
    return 0;
  }
}

let workerMark: { ticks: number; at: number } | null = null;

/** The mediasoup worker processes' CPU since the last `stats`, in percent of one core (null on the embedded bridge). */
function mediaWorkerCpuPercent(): number | null {
  const bridge = server.media.bridge as { workerPids?: number[] };
  if (bridge.workerPids === undefined) {
    return null;
  }
  const now = { ticks: bridge.workerPids.reduce((sum, pid) => sum + processTicks(pid), 0), at: performance.now() };
  const last = workerMark;
  workerMark = now;

  return last === null ? 0 : ((now.ticks - last.ticks) * 10 * 100) / (now.at - last.at);
}
