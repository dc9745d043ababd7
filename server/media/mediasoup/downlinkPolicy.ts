import type { DownlinkReason } from '../../protocol/mediaWire.js';
/**
 * What a point's link can carry to it (pure). The bridge forwards each picture in one of three simulcast layers; its
 * own bandwidth estimate probes upward and, on a 4G link that loses packets, swings between layers, freezing the
 * picture and drowning the sound each time it overshoots. These rules keep a ceiling per receiver from what its link
 * showed: a layer down at once when losses go beyond what retransmission repairs, a layer up only after the link has
 * been clean for a while (longer after each failed try), and no video at all, the sound kept, when even the lowest
 * layer does not get through.
 */

/** The highest simulcast layer (three layers: 0, 1, 2). */
export const TOP_LAYER = 2;
/** The ceiling when no picture is sent. */
export const NO_VIDEO = -1;

/**
 * The bridge's stream score (0–10, from the receiver's reports: the share of packets delivered, to the fourth power).
 * At or below this, losses are more than random loss a retransmission repairs: the link is overrun.
 */
export const BAD_SCORE = 7;
/** At or above this the link is clean enough to try a layer up. */
export const GOOD_SCORE = 9;
/** At or below this at the lowest layer (a quarter of the packets lost), the picture is not worth its sound's loss. */
export const NO_VIDEO_SCORE = 4;
/**
 * Scores lag (the receiver reports each second and the bridge smooths them): after a step down, the overrun that
 * caused it is still being reported this long. A try up needs no such grace: the scores before it were good.
 */
export const SETTLE_MS = 4000;
/** How long the link must be clean before the first try a layer up. */
export const FIRST_WAIT_MS = 15_000;
/** The longest wait between tries (it doubles after each try that failed). */
export const MAX_WAIT_MS = 240_000;
/** How long the lowest layer may fail before the picture is given up for the sound's sake. */
export const NO_VIDEO_AFTER_MS = 8000;
/**
 * A new receiver starts a layer below the top and tries the top after the first wait: the top layer (1.2 Mbit/s)
 * overruns a poor 4G link, and finding that out costs seconds of frozen picture and lost sound.
 */
export const START_LAYER = TOP_LAYER - 1;

export interface DownlinkState {
  /** The highest layer the link is trusted with, or `NO_VIDEO`. */
  ceiling: number;
  reason: DownlinkReason;
  /** When the ceiling last changed. */
  changedAt: number;
  /** Clean time wanted before the next try a layer up. */
  waitMs: number;
  /** Since when the lowest layer has been failing (`null` while it is not). */
  failingSince: number | null;
}

/** One look at a receiver's main picture: its stream score and the layer forwarded (`null`: none yet). */
export interface DownlinkSample {
  at: number;
  /** `null` while no picture is forwarded (no video, or nothing to receive). */
  score: number | null;
  layer: number | null;
}

export const initialDownlink = (now: number): DownlinkState => ({
  ceiling: START_LAYER,
  reason: 'starting',
  changedAt: now,
  waitMs: FIRST_WAIT_MS,
  failingSince: null,
});

/** The next state after a look at the receiver's main picture. */
export function nextDownlink(state: DownlinkState, { at, score, layer }: DownlinkSample): DownlinkState {
  const settled = state.reason === 'trying' || state.reason === 'starting' || at - state.changedAt >= SETTLE_MS;
  if (state.ceiling === NO_VIDEO) {
    // Nothing to measure but time: the lowest layer is tried again after the wait.
    return at - state.changedAt >= state.waitMs ? { ...state, ceiling: 0, reason: 'trying', changedAt: at } : state;
  }
  if (score === null || !settled) {
    return state;
  }
  // A failure soon after a try up means the try failed: the next one waits twice as long.
  const failedTry = state.reason === 'trying';
  const longerWait = failedTry ? Math.min(MAX_WAIT_MS, state.waitMs * 2) : state.waitMs;
  // While a layer up is tried, the scores before it were good: any dip is the try's doing, and is undone at once.
  const bad = failedTry ? score < GOOD_SCORE : score <= BAD_SCORE;
  if (bad) {
    const from = Math.min(state.ceiling, layer ?? state.ceiling);
    if (from > 0) {
      return { ceiling: from - 1, reason: 'loss', changedAt: at, waitMs: longerWait, failingSince: null };
    }
    // Only a lowest layer that loses a quarter of its packets is failing; less is borne for the picture's sake.
    const failingSince = score <= NO_VIDEO_SCORE ? (state.failingSince ?? at) : null;
    if (state.ceiling > 0) {
      // The bridge's own estimate had already brought it to the lowest layer: it stays there.
      return { ceiling: 0, reason: 'loss', changedAt: at, waitMs: longerWait, failingSince };
    }
    if (failingSince !== null && at - failingSince >= NO_VIDEO_AFTER_MS) {
      return { ceiling: NO_VIDEO, reason: 'loss', changedAt: at, waitMs: longerWait, failingSince: null };
    }

    return failingSince === state.failingSince ? state : { ...state, failingSince };
  }
  if (state.reason === 'loss' && layer !== null && layer < state.ceiling) {
    // On a link that has lost packets, the bridge's own estimate came down below the ceiling: the ceiling follows it,
    // so that the estimate does not swing back up into the same losses (each swing costs a key frame and a freeze).
    return { ...state, ceiling: layer, changedAt: at, failingSince: null };
  }
  if (score < GOOD_SCORE) {
    return state.failingSince === null ? state : { ...state, failingSince: null };
  }
  const clean = state.failingSince === null ? state : { ...state, failingSince: null };
  // Only a ceiling the link has actually carried for the whole wait proves anything (the bridge's own estimate may
  // forward less than the ceiling allows).
  const proven = at - state.changedAt >= state.waitMs && (layer ?? -1) >= state.ceiling;
  if (state.ceiling >= TOP_LAYER) {
    // A try that held: the link carries the top layer; the next trouble starts afresh.
    return state.reason === 'trying' && proven ? { ...clean, reason: 'clear', waitMs: FIRST_WAIT_MS } : clean;
  }

  return proven ? { ...clean, ceiling: state.ceiling + 1, reason: 'trying', changedAt: at } : clean;
}

/** The layer to ask for: what the plan wants (thumbnails low, the program high), under the link's ceiling. */
export const layerUnder = (planned: number, state: DownlinkState): number => Math.min(planned, state.ceiling);

/** Whether the change is one the receiver and the technician should hear about. */
export const changed = (before: DownlinkState, after: DownlinkState): boolean =>
  before.ceiling !== after.ceiling || before.reason !== after.reason;
