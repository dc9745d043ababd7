import type { types as ms } from 'mediasoup';
import { createLogger } from '../../logger.js';
import type { ConsumerOptions } from '../../protocol/mediaWire.js';
import type { RoutingPlan } from '../routing.js';
import type { PlannedLayers } from './DownlinkControl.js';
import { routerOf, type MeetingRouters, type Participant } from './participants.js';
import {
  consumerKey,
  desiredConsumers,
  diffConsumers,
  preferredLayers,
  producerKey,
  type ConsumerSpec,
} from './plan.js';

const logger = createLogger('MediasoupBridge');

export interface ConsumerRoutingOptions {
  /** Every participant on the bridge, by id. */
  participants: ReadonlyMap<string, Participant>;
  /** Whether these are still the meeting's routers (a dead worker's are replaced). */
  isCurrent: (meetingId: string, meeting: MeetingRouters) => boolean;
  /** Keeps router and worker loads as consumers come and go. */
  count: (participant: Participant, delta: number) => void;
  onConsumers: (participantId: string, consumers: ConsumerOptions[]) => void;
  onClosed: (participantId: string, consumerIds: string[]) => void;
  /** The layers a receiver's new camera picture starts with: the plan's, under what its link carries. */
  preferredFor: (participant: Participant, planned: PlannedLayers) => PlannedLayers;
}

/**
 * Carries a meeting's routing plan on mediasoup: pauses the microphones the plan keeps closed, closes consumers the
 * plan no longer needs and creates the new ones (paused, simulcast layer by purpose), piping producers between the
 * meeting's routers on other workers. One pass at a time per meeting.
 */
export class ConsumerRouting {
  readonly #options: ConsumerRoutingOptions;
  /** Pipes made or being made: `${producerId}>${routerId}`. */
  readonly #piped = new Map<string, Promise<void>>();

  constructor(options: ConsumerRoutingOptions) {
    this.#options = options;
  }

  /** Carries a meeting's plan: now if no pass runs, else after the running one (only the latest plan is kept). */
  route(meetingId: string, meeting: MeetingRouters, plan: RoutingPlan): void {
    meeting.pendingPlan = plan;
    if (!meeting.routing) {
      void this.#drain(meetingId, meeting);
    }
  }

  /** Forgets the pipes into closed routers (a meeting ended here). */
  forgetRouters(routerIds: string[]): void {
    const closed = new Set(routerIds);
    for (const key of this.#piped.keys()) {
      if (closed.has(key.slice(key.indexOf('>') + 1))) {
        this.#piped.delete(key);
      }
    }
  }

  /** Forgets every pipe (a worker died: its routers and their pipe transports are gone). */
  clearPipes(): void {
    this.#piped.clear();
  }

  async #drain(meetingId: string, meeting: MeetingRouters): Promise<void> {
    meeting.routing = true;
    try {
      while (meeting.pendingPlan !== null && this.#options.isCurrent(meetingId, meeting)) {
        const plan = meeting.pendingPlan;
        meeting.pendingPlan = null;
        await this.#route(meetingId, plan).catch((error: unknown) =>
          logger.error({ err: error, meetingId }, 'route() failed'),
        );
      }
    } finally {
      meeting.routing = false;
    }
  }

  async #route(meetingId: string, plan: RoutingPlan): Promise<void> {
    // Microphones the plan keeps closed are paused at the bridge, for everyone at once.
    const mics: Promise<void>[] = [];
    for (const participant of this.#options.participants.values()) {
      const mic = participant.meetingId === meetingId ? participant.producers.get('audio') : undefined;
      if (mic !== undefined && !mic.closed && mic.paused === plan.openMics.has(participant.info.id)) {
        mics.push((mic.paused ? mic.resume() : mic.pause()).catch(() => undefined));
      }
    }
    await Promise.all(mics);
    const current = new Set<string>();
    for (const participant of this.#options.participants.values()) {
      if (participant.meetingId === meetingId) {
        participant.consumers.forEach((_c, key) => current.add(key));
      }
    }
    const { create, close } = diffConsumers(current, desiredConsumers(plan));
    const closedBy = new Map<string, string[]>();
    for (const key of close) {
      const [consumerId] = key.split('|');
      const participant = this.#options.participants.get(consumerId ?? '');
      const consumer = participant?.consumers.get(key);
      if (participant !== undefined && consumer !== undefined) {
        consumer.close();
        participant.consumers.delete(key);
        this.#options.count(participant, -1);
        closedBy.set(participant.info.id, [...(closedBy.get(participant.info.id) ?? []), consumer.id]);
      }
    }
    closedBy.forEach((ids, participantId) => this.#options.onClosed(participantId, ids));
    const createdBy = new Map<string, ConsumerOptions[]>();
    await Promise.all(
      create.map(async (spec) => {
        const created = await this.#consume(spec).catch((error: unknown) => {
          logger.warn({ err: error, spec }, '#consume() failed');

          return null;
        });
        if (created !== null) {
          createdBy.set(spec.consumer, [...(createdBy.get(spec.consumer) ?? []), created]);
        }
      }),
    );
    createdBy.forEach((consumers, participantId) => this.#options.onConsumers(participantId, consumers));
  }

  async #consume(spec: ConsumerSpec): Promise<ConsumerOptions | null> {
    const consumer = this.#options.participants.get(spec.consumer);
    const producerOwner = this.#options.participants.get(spec.producer);
    const producer = producerOwner?.producers.get(producerKey(spec));
    if (consumer?.rtpCapabilities == null || producer === undefined || producerOwner === undefined) {
      return null;
    }
    const router = routerOf(consumer);
    const source = routerOf(producerOwner);
    if (source.router.id !== router.router.id) {
      await this.#pipe(producer.id, source.router, router.router);
    }
    if (!router.router.canConsume({ producerId: producer.id, rtpCapabilities: consumer.rtpCapabilities })) {
      return null;
    }
    const transport = [...consumer.transports.values()].find((t) => t.appData.direction === 'recv');
    if (transport === undefined) {
      return null;
    }
    const camera = spec.kind === 'video' && spec.purpose !== 'content';
    const planned = preferredLayers(spec.layer);
    const created = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: consumer.rtpCapabilities,
      // Paused until the browser is ready, so the first packets (and the keyframe) are not lost.
      paused: true,
      // A shared screen is one layer, sent for legibility: nothing to prefer.
      ...(camera ? { preferredLayers: this.#options.preferredFor(consumer, planned) } : {}),
      appData: { purpose: spec.purpose, source: spec.producer, sourcePointId: producerOwner.info.pointId, planned },
    });
    if (this.#options.participants.get(spec.consumer) !== consumer) {
      // The receiver left (or joined again) while its consumer was being made.
      created.close();

      return null;
    }
    consumer.consumers.set(consumerKey(spec), created);
    this.#options.count(consumer, 1);
    created.on('producerclose', () => {
      if (consumer.consumers.get(consumerKey(spec)) === created) {
        consumer.consumers.delete(consumerKey(spec));
        this.#options.count(consumer, -1);
        this.#options.onClosed(consumer.info.id, [created.id]);
      }
    });

    return {
      id: created.id,
      producerId: producer.id,
      kind: spec.kind,
      rtpParameters: created.rtpParameters,
      purpose: spec.purpose,
      source: spec.producer,
      sourcePointId: producerOwner.info.pointId,
    };
  }

  /** Pipes a producer to another router of its meeting once; concurrent consumers of it wait for the same pipe. */
  #pipe(producerId: string, from: ms.Router, to: ms.Router): Promise<void> {
    const key = `${producerId}>${to.id}`;
    let piped = this.#piped.get(key);
    if (piped === undefined) {
      piped = from.pipeToRouter({ producerId, router: to }).then(() => undefined);
      piped.catch(() => this.#piped.delete(key));
      this.#piped.set(key, piped);
    }

    return piped;
  }
}
