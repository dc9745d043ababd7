import type { IceServer, IceServers } from '../protocol/mediaWire.js';
import { createHmac } from 'node:crypto';
import { turnExpiry, turnUsername } from './turnRules.js';

/** An entry of RTCConfiguration.iceServers. */

/**
 * Hands each console time-limited TURN credentials (TURN REST: coturn `use-auth-secret` with the same secret). STUN
 * addresses need none; with no TURN configured, consoles get no servers and reach the bridge directly or over ICE-TCP.
 */
export class TurnCredentials {
  readonly #turn: string[];
  readonly #stun: string[];
  readonly #secret: string | null;
  readonly #ttlMs: number;

  constructor({ urls, secret, ttlSec }: { urls: readonly string[]; secret: string | null; ttlSec: number }) {
    this.#turn = urls.filter((u) => u.startsWith('turn'));
    this.#stun = urls.filter((u) => u.startsWith('stun:'));
    this.#secret = secret;
    this.#ttlMs = ttlSec * 1000;
  }

  /** Credentials for one console of a meeting (named in the relay's log by meeting and point or role), bounded by its link. */
  for(meetingId: string, actor: { role: string; pointId?: string }, linkExpiresAt: number, now: number): IceServers {
    const iceServers: IceServer[] = this.#stun.length === 0 ? [] : [{ urls: this.#stun }];
    if (this.#turn.length === 0 || this.#secret === null) {
      return { iceServers, expiresAt: null };
    }
    const expiresAt = turnExpiry(now, this.#ttlMs, linkExpiresAt);
    const username = turnUsername(expiresAt, `${meetingId}.${actor.pointId ?? actor.role}`);
    const credential = createHmac('sha1', this.#secret).update(username).digest('base64');

    return { iceServers: [...iceServers, { urls: this.#turn, username, credential }], expiresAt };
  }
}
