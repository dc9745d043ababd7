import { seededRandom } from '../scenarios/names.js';
import type { FromWorker, PointPlan, ToWorker, WorkerSetup } from './fleetMessages.js';
import { SimPoint } from './SimPoint.js';

/**
 * A process that runs a share of the simulated points (server/simulator/PointFleet.ts starts one per core), so a
 * thousand clients never share an event loop with a coordinator or with each other's parser work.
 */
const points = new Map<string, { sim: SimPoint; plan: PointPlan }>();
const send = (message: FromWorker) => process.send?.(message);
const onError = (what: string) => send({ type: 'error', what });

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'connect': {
      void connect(message.setup, message.plans);
      break;
    }
    case 'drops': {
      startDrops();
      break;
    }
    case 'turns': {
      for (const turn of message.turns) {
        setTimeout(
          () => void points.get(turn.pointId)?.sim.requestFloor(turn.kind, turn.topic, turn.toParent),
          turn.delayMs,
        );
      }
      break;
    }
    case 'answers': {
      send({
        type: 'answers',
        answers: [...points.values()].map(({ sim, plan }) => ({
          pointId: plan.remoteId ?? plan.pointId,
          ...sim.firstAnswer,
        })),
      });
      break;
    }
    case 'close': {
      let turnsSpoken = 0;
      points.forEach(({ sim }) => {
        turnsSpoken += sim.turnsSpoken;
        sim.close();
      });
      send({ type: 'closed', turnsSpoken });
      setTimeout(() => process.exit(0), 50);
      break;
    }
    default: {
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));

async function connect(setup: WorkerSetup, plans: PointPlan[]): Promise<void> {
  const random = seededRandom(setup.seed);
  const [speakMin, speakMax] = setup.speakMs;
  for (const plan of plans) {
    const sim = new SimPoint({
      url: plan.url,
      pointId: plan.pointId,
      token: plan.token,
      random,
      speakMs: () => speakMin + random() * (speakMax - speakMin),
      rollCallDelayMs: (view) => {
        // Most confirm within the deadline, some late, a few never (absent).
        const r = random();
        const window = view.deadlineAt - Date.now();
        if (r < 0.8) {
          return 100 + random() * Math.max(200, window * 0.7);
        }

        return r < 0.92 ? window + 200 + random() * 800 : null;
      },
      onError,
      profile: plan.profile,
      inOutage: () => plan.outage !== null && Date.now() >= plan.outage.from && Date.now() < plan.outage.until,
    });
    points.set(plan.pointId, { sim, plan });
  }
  const results = await Promise.allSettled([...points.values()].map(({ sim }) => sim.connect()));
  results.forEach((result, i) => {
    if (result.status === 'rejected') {
      onError(`connect ${plans[i]?.pointId}: ${(result.reason as Error).message}`);
    }
  });
  const sims = [...points.values()].map(({ sim }) => sim);
  send({
    type: 'connected',
    joined: sims.filter((sim) => sim.joined).length,
    connectRetries: sims.reduce((sum, sim) => sum + sim.connectRetries, 0),
  });
}

/** Short drops (a transport cut, recovered within the grace) and long ones (a real leave and return). */
function startDrops(): void {
  for (const { sim, plan } of points.values()) {
    const drop = plan.drop;
    if (drop !== null) {
      setTimeout(() => (drop.awayMs === null ? sim.dropNetwork() : void sim.dropFor(drop.awayMs)), drop.atMs);
    }
  }
}
