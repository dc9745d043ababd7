import type { FloorKind } from '../domain/core/model.js';
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
  /** Linked meetings: the id the top meeting knows this point by (`<unit>.<point>`). */
  remoteId?: string;
}

/** When one point heard the first roll call and when it sent its answer (epoch ms; `null`: it never did). */
export interface RollCallAnswer {
  pointId: string;
  heardAt: number | null;
  sentAt: number | null;
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
  | { type: 'answers' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'connected'; joined: number; connectRetries: number }
  | { type: 'error'; what: string }
  | { type: 'answers'; answers: RollCallAnswer[] }
  | { type: 'closed'; turnsSpoken: number };
