import type { types as ms } from 'mediasoup';
import {
  NO_VIDEO,
  TOP_LAYER,
  changed,
  initialDownlink,
  layerUnder,
  nextDownlink,
  type DownlinkState,
} from './downlinkPolicy.js';
import { createLogger } from '../../logger.js';
import type { DownlinkView } from '../../protocol/mediaWire.js';
import type { Participant } from './participants.js';

const logger = createLogger('DownlinkControl');

/**
 * How often each receiver's main picture is looked at: the score and layer mediasoup last reported (no worker call),
 * so that a failed try up is undone within a second or two.
 */
const LOOK_EVERY_MS = 1000;
/**
 * A resumed picture the bridge forwards no layer of, while its sender sends, for this long: mediasoup's own estimate
 * gave the picture up (the link cannot carry even the lowest layer). Shorter waits are a first key frame on its way.
 */
const STARVED_AFTER_MS = 5000;
/** A point that has left is remembered this long, so that a reload on a weak link starts where it was. */
const REMEMBER_MS = 5 * 60_000;

/** What a consumer's plan asked for, kept in its appData by the routing. */
export interface PlannedLayers {
  spatialLayer: number;
  temporalLayer: number;
}

/** A camera picture (a shared screen is one layer sent for legibility: not governed here). */
export const isCameraPicture = (consumer: ms.Consumer): boolean =>
  consumer.kind === 'video' && consumer.appData.purpose !== 'content';

/** The camera pictures a receiver gets. */
const cameraVideo = (participant: Participant): ms.Consumer[] =>
  [...participant.consumers.values()].filter((c) => isCameraPicture(c) && !c.closed);

/**
 * Keeps each receiver's pictures within what its link showed it carries (server/domain/downlink.ts): looks at its
 * main picture's score every two seconds, lowers or raises the preferred simulcast layer of its camera pictures, and
 * pauses them (the sound goes on) when even the lowest layer does not get through. Kept per point, not per page.
 */
export class DownlinkControl {
  readonly #participants: ReadonlyMap<string, Participant>;
  readonly #now: () => number;
  readonly #onChange: (participantId: string, view: DownlinkView) => void;
  readonly #states = new Map<string, { state: DownlinkState; seenAt: number }>();
  /** Participants told their link's state at least once (a reloaded page learns it at once, not at the next change). */
  readonly #told = new Set<string>();
  /** When each picture was first seen resumed. */
  readonly #resumedAt = new WeakMap<ms.Consumer, number>();
  /** Which layers each picture's sender sent at the last look, and since when. */
  readonly #sourceSeen = new WeakMap<ms.Consumer, { layers: string; since: number }>();
  readonly #timer: NodeJS.Timeout;

  constructor({
    participants,
    now = Date.now,
    onChange,
  }: {
    participants: ReadonlyMap<string, Participant>;
    now?: () => number;
    onChange: (participantId: string, view: DownlinkView) => void;
  }) {
    this.#participants = participants;
    this.#now = now;
    this.#onChange = onChange;
    this.#timer = setInterval(() => this.look(), LOOK_EVERY_MS);
    this.#timer.unref();
  }

  /** The layers a new consumer of this receiver starts with: the plan's, under the link's ceiling. */
  preferredFor(participant: Participant, planned: PlannedLayers): PlannedLayers {
    const state = this.#stateOf(participant);
    const spatialLayer = Math.max(0, layerUnder(planned.spatialLayer, state));

    return spatialLayer === planned.spatialLayer ? planned : { spatialLayer, temporalLayer: TOP_LAYER };
  }

  /** Whether the receiver's camera pictures are held back (a consumer it asks to resume stays paused). */
  withoutVideo(participant: Participant): boolean {
    return this.#stateOf(participant).ceiling === NO_VIDEO;
  }

  /** What the receiver gets now and why, for the technician. */
  viewOf(participant: Participant): DownlinkView {
    const { ceiling, reason } = this.#stateOf(participant);
    const pictures = cameraVideo(participant);
    const layers = pictures.map((c) => c.currentLayers?.spatialLayer ?? -1);
    const main = mainPicture(pictures);

    return {
      ceiling,
      reason,
      layer: layers.length === 0 ? null : Math.max(...layers),
      source: main === null ? null : sentLayer(main),
    };
  }

  /** One look at every receiver; the timer calls it, tests may too. */
  look(): void {
    const now = this.#now();
    for (const participant of this.#participants.values()) {
      const pictures = cameraVideo(participant);
      if (pictures.length === 0) {
        continue;
      }
      const key = keyOf(participant);
      const before = this.#stateOf(participant);
      const main = mainPicture(pictures) as ms.Consumer;
      if (!main.paused && !this.#resumedAt.has(main)) {
        this.#resumedAt.set(main, now);
      }
      const flowing = !main.paused && main.currentLayers !== undefined;
      // Nothing forwarded though the sender sends, and has sent the same layers for a while: as bad as the lowest
      // layer can be. A sender that has just dropped or restored a layer (a loaded browser) leaves the bridge
      // waiting for the other layer's key frame: that is not the receiver's link.
      const starved =
        !main.paused &&
        !main.producerPaused &&
        main.currentLayers === undefined &&
        main.score.producerScores.some((score) => score > 0) &&
        now - (this.#resumedAt.get(main) ?? now) >= STARVED_AFTER_MS &&
        now - this.#sourceSince(main, now) >= STARVED_AFTER_MS;
      const after = nextDownlink(before, {
        at: now,
        score: flowing ? main.score.score : starved ? 0 : null,
        layer: main.currentLayers?.spatialLayer ?? (starved ? 0 : null),
      });
      this.#states.set(key, { state: after, seenAt: now });
      if (after.ceiling !== before.ceiling) {
        logger.info({ participantId: participant.info.id, from: before.ceiling, to: after.ceiling }, 'downlink layer');
        this.#apply(participant, pictures, after, before);
      }
      if (changed(before, after) || !this.#told.has(participant.info.id)) {
        this.#told.add(participant.info.id);
        this.#onChange(participant.info.id, this.viewOf(participant));
      }
    }
    for (const id of this.#told) {
      if (!this.#participants.has(id)) {
        this.#told.delete(id);
      }
    }
    for (const [key, { seenAt }] of this.#states) {
      if (now - seenAt > REMEMBER_MS) {
        this.#states.delete(key);
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }

  /** Since when the picture's sender has sent the layers it sends now. */
  #sourceSince(consumer: ms.Consumer, now: number): number {
    const layers = consumer.score.producerScores.map((score) => (score > 0 ? '1' : '0')).join('');
    const seen = this.#sourceSeen.get(consumer);
    if (seen?.layers === layers) {
      return seen.since;
    }
    this.#sourceSeen.set(consumer, { layers, since: now });

    return now;
  }

  #stateOf(participant: Participant): DownlinkState {
    return this.#states.get(keyOf(participant))?.state ?? initialDownlink(this.#now());
  }

  #apply(participant: Participant, pictures: ms.Consumer[], state: DownlinkState, before: DownlinkState): void {
    for (const consumer of pictures) {
      const work =
        state.ceiling === NO_VIDEO
          ? consumer.pause()
          : consumer
              .setPreferredLayers(this.preferredFor(participant, planned(consumer)))
              // Back from no video: the pictures the receiver had resumed flow again.
              .then(() =>
                before.ceiling === NO_VIDEO && consumer.appData.resumed === true ? consumer.resume() : null,
              );
      work.catch((error: unknown) => logger.debug({ err: error }, 'downlink layer not applied'));
    }
  }
}

/** A point's receivers share one state (a reload keeps it); the hub's consoles each have their own. */
const keyOf = (participant: Participant): string =>
  `${participant.meetingId}/${participant.info.pointId ?? participant.info.id}`;

const planned = (consumer: ms.Consumer): PlannedLayers =>
  (consumer.appData.planned as PlannedLayers | undefined) ?? { spatialLayer: TOP_LAYER, temporalLayer: TOP_LAYER };

/** The main picture: the one the plan wants highest (the program rather than a thumbnail). */
const mainPicture = (pictures: ms.Consumer[]): ms.Consumer | null =>
  pictures.length === 0 ? null : pictures.reduce((a, b) => (planned(b).spatialLayer > planned(a).spatialLayer ? b : a));

/** The highest layer the picture's sender sends now (its encodings in order, lowest first), -1 for none. */
const sentLayer = (consumer: ms.Consumer): number => {
  const scores = consumer.score.producerScores;
  for (let layer = scores.length - 1; layer >= 0; layer -= 1) {
    if ((scores[layer] ?? 0) > 0) {
      return Math.min(layer, 2);
    }
  }

  return -1;
};
