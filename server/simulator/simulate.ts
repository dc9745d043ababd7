import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type AppServer } from '../app.js';
import { loadConfig } from '../config.js';
import { buildProvince, scenarioMeetingInput } from '../scenarios/buildProvince.js';
import { seededRandom } from '../scenarios/names.js';
import { floorScript, loadScenario } from '../scenarios/scenarios.js';
import { ChairScript } from './ChairScript.js';
import { api } from './http.js';
import { SimPoint } from './SimPoint.js';

export interface SimulateOptions {
  scenario: string;
  /** Connect only the first N invited points. Default: all. */
  points?: number | undefined;
  chairScript?: boolean;
  /** A running server; default: start an embedded one on loopback with a temporary data dir. */
  url?: string | undefined;
  adminKey?: string;
  /** Roll-call deadline used by the chair script. Default 5 s (the shortest allowed). */
  rollCallDeadlineSec?: number;
  /** Speaking time per turn, ms (random in [min, max]). Default 400–800. */
  speakMs?: [number, number];
  /** Share of points that drop their network once during the meeting. Default 0.03. */
  dropShare?: number;
  seed?: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface SimulationSummary {
  scenario: string;
  points: number;
  joined: number;
  rollCall: { present: number; late: number; absent: number; noSignal: number; ms: number };
  floorTurns: number;
  attendanceRows: number;
  errors: number;
  meetingId: string;
  durationMs: number;
  errorSamples: string[];
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs N simulated points (and optionally a scripted chair) through a scenario's meeting. */
export async function simulate(options: SimulateOptions): Promise<SimulationSummary> {
  const began = Date.now();
  const log = options.log ?? (() => undefined);
  const scenario = loadScenario(options.scenario);
  const random = seededRandom(options.seed ?? `${scenario.id}:sim`);
  const errors: string[] = [];
  const onError = (what: string) => errors.push(what);
  let embedded: AppServer | null = null;
  let dataDir: string | null = null;
  const adminKey = options.adminKey ?? 'diemcau-dev-admin';
  let url = options.url;
  if (url === undefined) {
    dataDir = await mkdtemp(join(tmpdir(), 'diemcau-sim-'));
    embedded = await startServer(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        STORE_FSYNC: 'never',
        ADMIN_API_KEY: adminKey,
        LOG_LEVEL: 'warn',
      }),
    );
    url = embedded.url;
  }
  const points: SimPoint[] = [];
  let chair: ChairScript | null = null;
  try {
    // A fresh meeting per run, over the scenario's province (imported when the server does not have it yet).
    const built = buildProvince(scenario);
    const directory = await api<{ points: { code: string }[] }>(url, adminKey, 'GET', '/api/directory');
    if (!directory.points.some((p) => p.code === built.hubPointId)) {
      await api(url, adminKey, 'POST', '/api/directory', built.directory);
    }
    const meetingId = `sim-${scenario.id}-${Date.now().toString(36)}`;
    await api(url, adminKey, 'POST', '/api/meetings', scenarioMeetingInput(scenario, built, Date.now(), meetingId));
    const links = await api<{ points: { pointId: string; token: string }[] }>(
      url,
      adminKey,
      'POST',
      `/api/meetings/${meetingId}/tokens/points`,
    );
    const chosen = links.points.slice(0, options.points ?? links.points.length);
    const chairToken = await api<{ token: string }>(url, adminKey, 'POST', `/api/meetings/${meetingId}/tokens`, {
      role: 'chair',
    });
    const script = floorScript(scenario);
    const deadlineSec = options.rollCallDeadlineSec ?? 5;
    const [speakMin, speakMax] = options.speakMs ?? [400, 800];

    chair = new ChairScript({
      url,
      token: chairToken.token,
      script,
      rollCallDeadlineSec: deadlineSec,
      lateWaitMs: 1500,
      onDiscussion: () => requestTurns(),
      onError,
    });
    await chair.connect();
    // Points may only join an open meeting: the chair opens it (without a script, the simulator does so for it).
    await chairOpen(url, chairToken.token);

    for (const link of chosen) {
      points.push(
        new SimPoint({
          url,
          pointId: link.pointId,
          token: link.token,
          random,
          speakMs: () => speakMin + random() * (speakMax - speakMin),
          rollCallDelayMs: (view) => {
            const r = random();
            const window = view.deadlineAt - Date.now();
            if (r < 0.8) {
              return 100 + random() * Math.max(200, window * 0.7);
            }

            return r < 0.92 ? window + 200 + random() * 800 : null;
          },
          onError,
        }),
      );
    }
    log(`connecting ${points.length} points to ${url} (meeting ${meetingId})`);
    const joinResults = await Promise.allSettled(points.map((p) => p.connect()));
    joinResults.forEach((r, i) => {
      if (r.status === 'rejected') {
        onError(`connect ${points[i]?.pointId}: ${(r.reason as Error).message}`);
      }
    });
    const joined = points.filter((p) => p.joined).length;
    log(`joined ${joined}/${points.length}`);

    // Speakers are drawn from points that stay connected; a few others drop their network during the meeting.
    const order = [...points].sort(() => random() - 0.5);
    const speakers = order.slice(0, Math.min(script.turns, order.length));
    const droppers = order.slice(
      speakers.length,
      speakers.length + Math.round(points.length * (options.dropShare ?? 0.03)),
    );
    function requestTurns(): void {
      speakers.forEach((point, i) => {
        const kind = script.kinds[i % script.kinds.length] ?? 'speech';
        const topic =
          kind === 'petition'
            ? script.petitions[i % Math.max(1, script.petitions.length)]?.text
            : script.topics[i % Math.max(1, script.topics.length)];
        setTimeout(() => void point.requestFloor(kind, topic?.slice(0, 300)), random() * 3000);
      });
    }
    droppers.forEach((point, i) => {
      // Short drops (transport cut, recovered within the grace) and a few long ones (a real leave and return).
      setTimeout(
        () => (i % 3 === 2 ? void point.dropFor(9000) : point.dropNetwork()),
        500 + random() * deadlineSec * 1000,
      );
    });

    let result = { rollCall: { present: 0, late: 0, absent: 0, noSignal: 0, ms: 0 }, floorTurns: 0 };
    let attendanceRows = 0;
    if (options.chairScript) {
      result = await chair.run();
      await wait(300);
      attendanceRows = (await chair.end()).length;
    } else {
      // Without a chair script a person chairs; the simulator keeps the points online for the roll-call window.
      requestTurns();
      await wait((deadlineSec + 2) * 1000);
    }

    return {
      scenario: scenario.id,
      points: points.length,
      joined,
      rollCall: result.rollCall,
      floorTurns: result.floorTurns,
      attendanceRows,
      errors: errors.length,
      meetingId,
      durationMs: Date.now() - began,
      errorSamples: errors.slice(0, 5),
    };
  } finally {
    points.forEach((p) => p.close());
    chair?.close();
    await embedded?.close();
    if (dataDir !== null) {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

async function chairOpen(url: string, token: string): Promise<void> {
  const { connectMeeting, request } = await import('../protocol/client.js');
  const { socket } = await connectMeeting(url, token);
  try {
    const snapshot = await request(socket, 'meeting:snapshot', {});
    if (snapshot.ok && snapshot.snapshot.status.status === 'scheduled') {
      await request(socket, 'meeting:open', {});
    }
  } finally {
    socket.close();
  }
}
