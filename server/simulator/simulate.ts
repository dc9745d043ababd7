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
import { parseProfileMix, pickProfile } from './profiles.js';
import { SimPoint } from './SimPoint.js';
import { connectMeeting, request, type MeetingSocket } from '../protocol/client.js';

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
  /** Link profile mix, e.g. `lossy=0.1,flapping=0.05,dead=0.02` (the rest are good). Speakers stay good. */
  profiles?: string | undefined;
  /** A unit whose points all suffer an upstream outage from 3 s after joining, for 15 s. */
  unitOutage?: string | undefined;
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
  /** With profiles or a unit outage: what the technician saw. */
  link?: { unstable: number; disconnected: number; alerts: number };
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
  let technician: MeetingSocket | null = null;
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

    // Speakers are drawn first and stay on good links; the others follow the profile mix.
    const shuffled = [...chosen].sort(() => random() - 0.5);
    const speakerIds = new Set(shuffled.slice(0, Math.min(script.turns, shuffled.length)).map((l) => l.pointId));
    const mix = options.profiles === undefined ? [] : parseProfileMix(options.profiles);
    const groupOf = new Map(
      built.directory.points.map((p) => [
        p.code,
        built.directory.units.find((u) => u.code === p.unitCode)?.parentCode ?? p.unitCode,
      ]),
    );
    const outageStart = Date.now() + 3000;
    const inOutage = (pointId: string) => () =>
      options.unitOutage !== undefined &&
      (groupOf.get(pointId) === options.unitOutage || pointId === `DC-${options.unitOutage}`) &&
      Date.now() >= outageStart &&
      Date.now() < outageStart + 15_000;
    const watching = mix.length > 0 || options.unitOutage !== undefined;
    const seenLink = { unstable: new Set<string>(), disconnected: new Set<string>(), alerts: 0 };
    if (watching) {
      const techToken = await api<{ token: string }>(url, adminKey, 'POST', `/api/meetings/${meetingId}/tokens`, {
        role: 'technician',
      });
      const { socket } = await connectMeeting(url, techToken.token);
      technician = socket;
      socket.on('link:changed', (m) => {
        if (m.health !== 'stable') {
          seenLink[m.health].add(m.pointId);
        }
      });
      socket.on('alert:changed', (a) => {
        seenLink.alerts += a.acknowledgedAt === null && a.clearedAt === null ? 1 : 0;
      });
    }

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
          profile: speakerIds.has(link.pointId) ? 'good' : pickProfile(mix, random),
          inOutage: inOutage(link.pointId),
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
      ...(watching
        ? {
            link: {
              unstable: seenLink.unstable.size,
              disconnected: seenLink.disconnected.size,
              alerts: seenLink.alerts,
            },
          }
        : {}),
      meetingId,
      durationMs: Date.now() - began,
      errorSamples: errors.slice(0, 5),
    };
  } finally {
    points.forEach((p) => p.close());
    chair?.close();
    technician?.close();
    await embedded?.close();
    if (dataDir !== null) {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

async function chairOpen(url: string, token: string): Promise<void> {
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
