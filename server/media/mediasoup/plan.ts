import type { Layer, RoutingPlan } from '../routing.js';

/**
 * The routing decisions the mediasoup bridge executes, kept pure so they are unit-tested without a worker:
 * which consumers must exist, which to create and close, and where a meeting's next consumers go.
 */

export interface ConsumerSpec {
  /** The participant receiving. */
  consumer: string;
  /** The participant whose producer is consumed. */
  producer: string;
  kind: 'audio' | 'video';
  /** Simulcast layer wanted: thumbnails take the lowest, the program the highest. */
  layer: Layer;
  purpose: 'hub' | 'speaker' | 'content' | 'grid' | 'audio';
}

/** The producer a consumer takes: the shared screen for content, else the camera or microphone. */
export const producerKey = (spec: Pick<ConsumerSpec, 'kind' | 'purpose'>): 'audio' | 'video' | 'screen' =>
  spec.purpose === 'content' ? 'screen' : spec.kind;

export const consumerKey = (c: Pick<ConsumerSpec, 'consumer' | 'producer' | 'kind' | 'purpose'>): string =>
  `${c.consumer}|${c.producer}|${c.kind}|${c.purpose}`;

/** Every consumer the plan needs: program video high, grid video low, audio of open microphones. */
export function desiredConsumers(plan: RoutingPlan): ConsumerSpec[] {
  const out: ConsumerSpec[] = [];
  for (const [consumer, routing] of plan.byParticipant) {
    const [hub, speaker] = routing.program;
    if (hub !== null) {
      out.push({ consumer, producer: hub, kind: 'video', layer: 'high', purpose: 'hub' });
    }
    if (speaker !== null) {
      out.push({ consumer, producer: speaker, kind: 'video', layer: 'high', purpose: 'speaker' });
    }
    if (routing.content !== null) {
      out.push({ consumer, producer: routing.content, kind: 'video', layer: 'high', purpose: 'content' });
    }
    for (const source of routing.grid) {
      if (source !== null && source !== consumer) {
        out.push({ consumer, producer: source, kind: 'video', layer: 'low', purpose: 'grid' });
      }
    }
    for (const source of routing.audio) {
      if (source !== null) {
        out.push({ consumer, producer: source, kind: 'audio', layer: 'high', purpose: 'audio' });
      }
    }
  }

  return out;
}

/** What to create and what to close to go from the current consumers to the desired ones. */
export function diffConsumers(
  current: ReadonlySet<string>,
  desired: ConsumerSpec[],
): { create: ConsumerSpec[]; close: string[] } {
  const wanted = new Map(desired.map((d) => [consumerKey(d), d]));

  return {
    create: [...wanted].filter(([key]) => !current.has(key)).map(([, spec]) => spec),
    close: [...current].filter((key) => !wanted.has(key)),
  };
}

/**
 * The router a new participant's consumers go to: the meeting's first router with room under the per-worker budget,
 * else a new router on the least-loaded worker (`-1` router index), from which producers are piped.
 */
export function placeConsumers(
  meetingRouters: { worker: number; consumers: number }[],
  workerLoads: number[],
  budget: number,
): { router: number } | { newRouterOnWorker: number } {
  const roomy = meetingRouters.findIndex((r) => r.consumers < budget);
  if (roomy !== -1) {
    return { router: roomy };
  }
  const used = new Set(meetingRouters.map((r) => r.worker));
  const candidates = workerLoads.map((load, worker) => ({ load, worker }));
  // Prefer a worker the meeting does not use yet, so one meeting spreads over cores; then the least loaded.
  candidates.sort((a, b) => Number(used.has(a.worker)) - Number(used.has(b.worker)) || a.load - b.load);

  return { newRouterOnWorker: candidates[0]?.worker ?? 0 };
}

/** Preferred simulcast layers for a consumer by the layer the plan wants (3 spatial layers, 3 temporal). */
export function preferredLayers(layer: Layer): { spatialLayer: number; temporalLayer: number } {
  return layer === 'low' ? { spatialLayer: 0, temporalLayer: 1 } : { spatialLayer: 2, temporalLayer: 2 };
}
