import type { Health, HealthReason } from '../domain/core/model.js';

/** A link-quality sample as the server keeps it (validated from `telemetry:sample`). */
export interface LinkSample {
  lossPct: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  fpsIn: number | null;
  fpsOut: number | null;
  kbpsIn: number | null;
  kbpsOut: number | null;
  freezeCount: number | null;
  freezeMs: number | null;
  audioLevel: number | null;
  qualityLimitation: 'none' | 'cpu' | 'bandwidth' | 'other' | null;
}

export interface LinkThresholds {
  /** Bad above this loss, %. Default 5. */
  lossPct: number;
  /** Bad above this RTT, ms. Default 400. */
  rttMs: number;
  /** Bad below this fps while video flows. Default 10. */
  minFps: number;
  /** Consecutive bad samples to become unstable. Default 3. */
  badSamples: number;
  /** Consecutive good samples to recover. Default 3. */
  goodSamples: number;
  /** No sample and no socket for longer: disconnected, ms. Default 6000. */
  disconnectMs: number;
  /** Socket up, no sample for longer: silent, ms. Default 20000. */
  silentMs: number;
}

export const DEFAULT_THRESHOLDS: LinkThresholds = {
  lossPct: 5,
  rttMs: 400,
  minFps: 10,
  badSamples: 3,
  goodSamples: 3,
  disconnectMs: 6000,
  silentMs: 20_000,
};

/** Per-point classifier state. */
export interface LinkState {
  health: Health;
  silent: boolean;
  badStreak: number;
  goodStreak: number;
  /** Last sample time, or when the point was first seen. */
  lastSampleAt: number;
}

export const initialLinkState = (now: number): LinkState => ({
  health: 'stable',
  silent: false,
  badStreak: 0,
  goodStreak: 0,
  lastSampleAt: now,
});

/**
 * The reasons behind an unstable link, for the technician: the latest sample's bad measures, or — when the latest
 * sample is good (0.0 % loss beside "chập chờn") — that the link is recovering and needs a few good samples more.
 */
export function unstableReasons(state: LinkState, sample: LinkSample | null, t: LinkThresholds): HealthReason[] {
  if (state.health !== 'unstable') {
    return [];
  }
  const reasons = sample === null ? [] : badMeasures(sample, t);

  return reasons.length > 0 ? reasons : ['recovering'];
}

/** Whether one sample shows a degraded link. */
export function isBadSample(sample: LinkSample, t: LinkThresholds): boolean {
  return badMeasures(sample, t).length > 0;
}

/** The measures of one sample that are out of bounds. */
function badMeasures(sample: LinkSample, t: LinkThresholds): HealthReason[] {
  const videoFlowing = (sample.fpsIn ?? 0) > 0 || (sample.fpsOut ?? 0) > 0 || (sample.kbpsIn ?? 0) > 100;
  const fps = Math.max(sample.fpsIn ?? 0, sample.fpsOut ?? 0);
  const bad: HealthReason[] = [];
  if ((sample.lossPct ?? 0) > t.lossPct) {
    bad.push('loss');
  }
  if ((sample.rttMs ?? 0) > t.rttMs) {
    bad.push('rtt');
  }
  if (videoFlowing && (sample.fpsIn !== null || sample.fpsOut !== null) && fps < t.minFps) {
    bad.push('fps');
  }

  return bad;
}

/**
 * Folds a sample into the state with hysteresis: `badSamples` bad in a row make a stable link unstable,
 * `goodSamples` good in a row make it stable again; a disconnected link that sends again is unstable until it
 * proves itself.
 */
export function onSample(state: LinkState, sample: LinkSample, now: number, t: LinkThresholds): LinkState {
  const bad = isBadSample(sample, t);
  const badStreak = bad ? state.badStreak + 1 : 0;
  const goodStreak = bad ? 0 : state.goodStreak + 1;
  let health = state.health;
  if (health === 'disconnected') {
    health = 'unstable';
  }
  if (health === 'stable' && badStreak >= t.badSamples) {
    health = 'unstable';
  } else if (health === 'unstable' && goodStreak >= t.goodSamples) {
    health = 'stable';
  }

  return { ...state, health, silent: false, badStreak, goodStreak, lastSampleAt: now };
}

/**
 * Time-driven changes: disconnected after `disconnectMs` with neither a sample nor a socket; silent while the socket
 * is up and no sample came for `silentMs`. `socketLostAt` is when the socket went away (`null` while it is up).
 */
export function onSweep(state: LinkState, socketLostAt: number | null, now: number, t: LinkThresholds): LinkState {
  const sinceSample = now - state.lastSampleAt;
  const dead = socketLostAt !== null && sinceSample > t.disconnectMs && now - socketLostAt > t.disconnectMs;
  const silent = socketLostAt === null && sinceSample > t.silentMs;
  if (dead === (state.health === 'disconnected') && silent === state.silent) {
    return state;
  }

  return dead ? { ...state, health: 'disconnected', silent: false, goodStreak: 0, badStreak: 0 } : { ...state, silent };
}
