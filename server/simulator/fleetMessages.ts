import type { FloorKind } from '../domain/model.js';
import type { Profile } from './profiles.js';

/** What the simulator tells one worker process about each of its points (server/simulator/pointWorker.ts). */
export interface PointPlan {
  pointId: string;
  token: string;
  /** The coordinator this point connects to. */
  url: string;
  profile: Profile;
  /** Drops its network once, `atMs` after the drops begin: a transport cut, or away for `awayMs`. */
  drop: { atMs: number; awayMs: number | null } | null;
  /** An upstream outage of its unit, epoch ms. */
  outage: { from: number; until: number } | null;
}

export interface WorkerSetup {
  seed: string;
  /** Speaking time per turn, ms, random in [min, max]. */
  speakMs: [number, number];
}

/** A floor request to make `delayMs` after the discussion opens. */
export interface TurnPlan {
  pointId: string;
  kind: FloorKind;
  topic: string | undefined;
  delayMs: number;
  /** Linked meetings: the point asks to speak to the top meeting (its own chair forwards it). */
  toParent?: boolean;
}

export type ToWorker =
  | { type: 'connect'; setup: WorkerSetup; plans: PointPlan[] }
  | { type: 'drops' }
  | { type: 'turns'; turns: TurnPlan[] }
  | { type: 'close' };

export type FromWorker =
  | { type: 'connected'; joined: number; connectRetries: number }
  | { type: 'error'; what: string }
  | { type: 'closed'; turnsSpoken: number };
