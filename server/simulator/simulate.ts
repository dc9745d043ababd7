import { cpus } from 'node:os';
import { buildProvince, scenarioMeetingInput } from '../scenarios/buildProvince.js';
import { seededRandom } from '../scenarios/names.js';
import { floorScript, loadScenario } from '../scenarios/scenarios.js';
import { ChairScript } from './ChairScript.js';
import { startCoordinators, type Coordinators } from './coordinators.js';
import { startLinked, type LinkedSetup } from './linked.js';
import type { PointPlan, RollCallAnswer, TurnPlan } from './fleetMessages.js';
import { api } from './http.js';
import { PointFleet } from './PointFleet.js';
import { parseProfileMix, pickProfile } from './profiles.js';
import { connectMeeting, request, type MeetingSocket } from '../protocol/client.js';
import { remoteId } from '../domain/linking/linking.js';

export interface SimulateOptions {
  /** A scenario id (server/scenarios/data) or the path of a scenario file of the same schema. */
  scenario: string;
  /** Connect only the first N invited points. Default: all. */
  points?: number | undefined;
  chairScript?: boolean;
  /** A running server; default: start coordinators of our own on loopback (`nodes`), each in its own process. */
  url?: string | undefined;
  /** Coordinators to start when there is no `url`: one (files), or several on one local redis-server. Default 1. */
  nodes?: number;
  /** Worker processes for the simulated points. Default: one per core. */
  workers?: number;
  adminKey?: string;
  /** Roll-call deadline used by the chair script. Default 5 s (the shortest allowed). */
  rollCallDeadlineSec?: number;
  /** Speaking time per turn, ms (random in [min, max]). Default 400–800. */
  speakMs?: [number, number];
  /** The scripted chair grants the floor at most this often, ms, as a person would. Default 2000. */
  grantGapMs?: number;
  /** Share of points that drop their network once during the meeting. Default 0.03. */
  dropShare?: number;
  seed?: string;
  /** Link profile mix, e.g. `lossy=0.1,flapping=0.05,dead=0.02` (the rest are good). Speakers stay good. */
  profiles?: string | undefined;
  /** A unit whose points all suffer an upstream outage from 3 s after joining, for 15 s. */
  unitOutage?: string | undefined;
  /**
   * Linked meetings: a coordinator for the top level and one for each second-level unit, each child's meeting linked
   * into the top one; points join their own child. The chair script runs on the top.
   */
  linked?: boolean;
  /** With `linked`: only the first N second-level units. Default all. */
  children?: number | undefined;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface SimulationSummary {
  scenario: string;
  points: number;
  joined: number;
  /** From the first point's connection to the last point's snapshot, ms (workers starting included). */
  joinMs: number;
  /** Connections that failed before a coordinator answered and were made again, as a browser does. */
  connectRetries: number;
  rollCall: { present: number; late: number; absent: number; noSignal: number; ms: number };
  /** With a chair script: how long the first roll call took to reach the points and their answers the chair. */
  rollCallLatency?: RollCallLatency;
  floorTurns: number;
  attendanceRows: number;
  /** Chair commands refused as too fast and retried after a pause (a person's pace never is). */
  rateLimited: number;
  errors: number;
  /** With profiles or a unit outage: what the technician saw. */
  link?: { unstable: number; disconnected: number; alerts: number };
  nodes: number;
  workers: number;
  /** With `linked`: the child meetings and the top's tally by child. */
  linkedMeetings?: { unitId: string; meetingId: string; state: string; points: number; connectedPoints: number }[];
  tallyByChild?: { unitId: string; counts: Record<string, number> }[];
  meetingId: string;
  durationMs: number;
  errorSamples: string[];
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs N simulated points (and optionally a scripted chair) through a scenario's meeting. The points live in worker
 * processes, one per core, never on a coordinator's event loop; the chair and a technician run here.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationSummary> {
  const began = Date.now();
  const log = options.log ?? (() => undefined);
  const scenario = loadScenario(options.scenario);
  const random = seededRandom(options.seed ?? `${scenario.id}:sim`);
  const errors: string[] = [];
  const onError = (what: string) => errors.push(what);
  const adminKey = options.adminKey ?? 'diemcau-dev-admin';
  const nodes = options.url === undefined ? (options.nodes ?? 1) : 1;
  const workers = options.workers ?? cpus().length;
  let coordinators: Coordinators | null = null;
  let urls = options.url === undefined ? [] : [options.url];
  const [speakMin, speakMax] = options.speakMs ?? [400, 800];
  const fleet = new PointFleet({
    workers,
    setup: { seed: `${scenario.id}:points`, speakMs: [speakMin, speakMax] },
    onError,
  });
  let chair: ChairScript | null = null;
  let technician: MeetingSocket | null = null;
  let linked: LinkedSetup | null = null;
  try {
    if (options.linked === true) {
      linked = await startLinked({
        built: buildProvince(scenario),
        input: scenarioMeetingInput(scenario, buildProvince(scenario), Date.now(), `sim-${scenario.id}`.slice(0, 40)),
        adminKey,
        children: options.children,
        log,
      });
      urls = [linked.topUrl];
    } else if (options.url === undefined) {
      log(`starting ${nodes} coordinator${nodes > 1 ? 's on one redis-server' : ''}`);
      coordinators = await startCoordinators({ nodes, adminKey });
      urls = coordinators.urls;
    }
    // The meeting is made on the first coordinator (which owns it); the chair sits on the last, points on all.
    const home = urls[0] as string;
    const chairUrl = urls.at(-1) as string;
    // A fresh meeting per run, over the scenario's province (imported when the server does not have it yet).
    const built = buildProvince(scenario);
    let meetingId: string;
    let chosen: { pointId: string; token: string; url?: string }[];
    const remoteIdOf = new Map<string, string>();
    let chairToken: { token: string };
    if (linked !== null) {
      meetingId = linked.meetingId;
      const all = linked.children.flatMap((c) => c.links);
      for (const child of linked.children) {
        child.links.forEach((l) => remoteIdOf.set(l.pointId, remoteId(child.unitId, l.pointId)));
      }
      chosen = all.slice(0, options.points ?? all.length);
      chairToken = { token: linked.chairToken };
    } else {
      const directory = await api<{ points: { code: string }[] }>(home, adminKey, 'GET', '/api/directory');
      if (!directory.points.some((p) => p.code === built.hubPointId)) {
        await api(home, adminKey, 'POST', '/api/directory', built.directory);
      }
      meetingId = `sim-${scenario.id}-${Date.now().toString(36)}`;
      await api(home, adminKey, 'POST', '/api/meetings', scenarioMeetingInput(scenario, built, Date.now(), meetingId));
      const links = await api<{ points: { pointId: string; token: string }[] }>(
        home,
        adminKey,
        'POST',
        `/api/meetings/${meetingId}/tokens/points`,
      );
      chosen = links.points.slice(0, options.points ?? links.points.length);
      chairToken = await api<{ token: string }>(home, adminKey, 'POST', `/api/meetings/${meetingId}/tokens`, {
        role: 'chair',
      });
    }
    const script = floorScript(scenario);
    const deadlineSec = options.rollCallDeadlineSec ?? 5;

    // Speakers are drawn first and stay on good links and online; a few others drop their network once.
    const shuffled = [...chosen].sort(() => random() - 0.5);
    const speakers = shuffled.slice(0, Math.min(script.turns, shuffled.length));
    const speakerIds = new Set(speakers.map((l) => l.pointId));
    const droppers = new Set(
      shuffled
        .slice(speakers.length, speakers.length + Math.round(chosen.length * (options.dropShare ?? 0.03)))
        .map((l) => l.pointId),
    );
    const mix = options.profiles === undefined ? [] : parseProfileMix(options.profiles);
    const groupOf = new Map(
      built.directory.points.map((p) => [
        p.code,
        built.directory.units.find((u) => u.code === p.unitCode)?.parentCode ?? p.unitCode,
      ]),
    );
    const outageStart = Date.now() + 3000;
    const inOutage = (pointId: string) =>
      options.unitOutage !== undefined &&
      (groupOf.get(pointId) === options.unitOutage || pointId === `DC-${options.unitOutage}`);
    let dropIndex = 0;
    const plans: PointPlan[] = chosen.map((link, i) => ({
      pointId: link.pointId,
      token: link.token,
      url: link.url ?? (urls[i % urls.length] as string),
      profile: speakerIds.has(link.pointId) ? 'good' : pickProfile(mix, random),
      drop: droppers.has(link.pointId)
        ? { atMs: 500 + random() * deadlineSec * 1000, awayMs: dropIndex++ % 3 === 2 ? 9000 : null }
        : null,
      outage: inOutage(link.pointId) ? { from: outageStart, until: outageStart + 15_000 } : null,
      ...(linked === null ? {} : { remoteId: remoteIdOf.get(link.pointId) ?? link.pointId }),
    }));

    const turns: TurnPlan[] = speakers.map((link, i) => {
      const kind = script.kinds[i % script.kinds.length] ?? 'speech';
      const topic =
        kind === 'petition'
          ? script.petitions[i % Math.max(1, script.petitions.length)]?.text
          : script.topics[i % Math.max(1, script.topics.length)];

      return {
        pointId: link.pointId,
        kind,
        topic: topic?.slice(0, 300),
        delayMs: random() * 3000,
        ...(linked === null ? {} : { toParent: true }),
      };
    });
    chair = new ChairScript({
      url: chairUrl,
      token: chairToken.token,
      script,
      rollCallDeadlineSec: deadlineSec,
      lateWaitMs: 1500,
      grantGapMs: options.grantGapMs ?? 2000,
      onDiscussion: () => fleet.requestTurns(turns),
      onError,
      log,
    });
    await chair.connect();
    // Points may only join an open meeting: the chair opens it (without a script, the simulator does so for it).
    await chairOpen(chairUrl, chairToken.token);

    const watching = mix.length > 0 || options.unitOutage !== undefined;
    const seenLink = { unstable: new Set<string>(), disconnected: new Set<string>(), alerts: 0 };
    if (watching) {
      const techToken = await api<{ token: string }>(home, adminKey, 'POST', `/api/meetings/${meetingId}/tokens`, {
        role: 'technician',
      });
      const { socket } = await connectMeeting(home, techToken.token);
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

    log(
      `connecting ${plans.length} points to ${urls.join(', ')} from ${Math.min(workers, plans.length)} worker processes (meeting ${meetingId})`,
    );
    const joinStart = Date.now();
    const { joined, connectRetries } = await fleet.connect(plans);
    const joinMs = Date.now() - joinStart;
    log(`joined ${joined}/${plans.length} in ${joinMs} ms (${connectRetries} connection attempts made again)`);
    fleet.startDrops();

    let result = { rollCall: { present: 0, late: 0, absent: 0, noSignal: 0, ms: 0 }, floorTurns: 0 };
    let attendanceRows = 0;
    let latency: RollCallLatency | undefined;
    if (options.chairScript) {
      result = await chair.run();
      latency = rollCallLatency(await fleet.answers(), chair.tallyArrivals, chair.firstRollCall);
      await wait(300);
      attendanceRows = (await chair.end()).length;
    } else {
      // Without a chair script a person chairs; the simulator keeps the points online for the roll-call window.
      fleet.requestTurns(turns);
      await wait((deadlineSec + 2) * 1000);
    }

    const linkedReport = linked === null ? {} : await linkedSummary(linked, adminKey);

    return {
      scenario: scenario.id,
      points: plans.length,
      joined,
      joinMs,
      connectRetries,
      rollCall: result.rollCall,
      ...(latency === undefined ? {} : { rollCallLatency: latency }),
      floorTurns: result.floorTurns,
      attendanceRows,
      rateLimited: chair.rateLimited,
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
      nodes: linked === null ? nodes : 1 + linked.children.length,
      workers: Math.min(workers, plans.length),
      ...linkedReport,
      meetingId,
      durationMs: Date.now() - began,
      errorSamples: errors.slice(0, 5),
    };
  } finally {
    await fleet.close();
    chair?.close();
    technician?.close();
    await coordinators?.close();
    await linked?.close();
  }
}

/** The top meeting's links and its last roll call by child, as its office would read them. */
async function linkedSummary(
  linked: LinkedSetup,
  adminKey: string,
): Promise<Pick<SimulationSummary, 'linkedMeetings' | 'tallyByChild'>> {
  const detail = await api<{
    links: { unitId: string; state: string; points: number; connectedPoints: number }[];
    rollCalls: { byChild?: { unitId: string; counts: Record<string, number> }[] }[];
  }>(linked.topUrl, adminKey, 'GET', `/api/meetings/${linked.meetingId}`);

  return {
    linkedMeetings: detail.links.map((l) => ({
      ...l,
      meetingId: linked.children.find((c) => c.unitId === l.unitId)?.meetingId ?? '',
    })),
    tallyByChild: (detail.rollCalls.at(-1)?.byChild ?? []).map(({ unitId, counts }) => ({ unitId, counts })),
  };
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

export interface RollCallLatency {
  /** Answers sent by the points, and of those the chair's tally showed. */
  sent: number;
  counted: number;
  /** From a point's answer to the chair's tally showing it, ms. */
  answerToTally: { p50: number; p95: number; p99: number; max: number };
  /** From the roll call's start to a point hearing of it, ms. */
  startToPoint: { p50: number; p95: number; p99: number; max: number };
  /** Sent before the deadline but shown late or never: what the way up cost. */
  sentInTimeNotCountedInTime: number;
}

/** The first roll call's way down to the points and their answers' way up to the chair, from both ends' clocks. */
function rollCallLatency(
  answers: RollCallAnswer[],
  arrivals: ReadonlyMap<string, number>,
  rollCall: { startedAt: number; deadlineAt: number } | null,
): RollCallLatency | undefined {
  if (rollCall === null) {
    return undefined;
  }
  const up: number[] = [];
  const down: number[] = [];
  let sent = 0;
  let lost = 0;
  for (const { pointId, heardAt, sentAt } of answers) {
    if (heardAt !== null) {
      down.push(heardAt - rollCall.startedAt);
    }
    if (sentAt === null) {
      continue;
    }
    sent += 1;
    const arrived = arrivals.get(pointId);
    if (arrived !== undefined) {
      up.push(arrived - sentAt);
    }
    if (sentAt <= rollCall.deadlineAt && (arrived === undefined || arrived > rollCall.deadlineAt)) {
      lost += 1;
    }
  }

  return {
    sent,
    counted: up.length,
    answerToTally: spread(up),
    startToPoint: spread(down),
    sentInTimeNotCountedInTime: lost,
  };
}

function spread(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);

  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}
