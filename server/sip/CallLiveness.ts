import { KEEPALIVE_MS, MEDIA_TIMEOUT_MS, type CallState } from '../domain/sip/callState.js';
import { createLogger } from '../logger.js';
import { inDialog, type Call } from './calls.js';
import type { SipUserAgent } from './SipUserAgent.js';

const logger = createLogger('CallLiveness');

/**
 * Whether connected rooms are still there, two ways: their media (a room whose media stopped for `MEDIA_TIMEOUT_MS`
 * is gone: power or network lost, no BYE ever comes) and their signalling (an OPTIONS in the call's dialog every
 * `KEEPALIVE_MS`: 481 from a room that restarted and forgot the call, or no answer). Either ends the call as a drop
 * (`lost`): an outage in the attendance, and the room is called back.
 */
export class CallLiveness {
  readonly #host: CallLivenessHost;
  /** Each connected call's bytes received from its room, and when they last grew. */
  readonly #received = new Map<string, { bytes: number; at: number }>();

  constructor(host: CallLivenessHost) {
    this.#host = host;
  }

  /** What a connected call's room has sent so far (sampled with the rooms' health). */
  mediaReceived(callId: string, bytes: number): void {
    const call = this.#host.calls.get(callId);
    if (call?.state !== 'connected') {
      return;
    }
    const now = this.#host.now();
    const seen = this.#received.get(callId);
    if (seen === undefined || bytes > seen.bytes) {
      this.#received.set(callId, { bytes, at: now });
    } else if (now - seen.at >= MEDIA_TIMEOUT_MS) {
      logger.warn({ callId, pointId: call.pointId }, 'no media from the room: the call is lost');
      this.#host.hangUp(callId, 'lost');
    }
  }

  /** Asks each room connected for `everyMs` (since its call or its last question) whether the call still stands. */
  keepAlive(everyMs = KEEPALIVE_MS): void {
    const agent = this.#host.agent;
    if (agent === null) {
      return;
    }
    const now = this.#host.now();
    for (const call of this.#host.calls.values()) {
      if (call.state !== 'connected' || now - Math.max(call.since, call.keptAliveAt) < everyMs) {
        continue;
      }
      call.keptAliveAt = now;
      inDialog(agent, call, 'OPTIONS', {}, '', undefined, (response) => {
        const status = response?.status;
        if (this.#host.calls.get(call.callId) === call && (status === 481 || status === 408)) {
          logger.warn({ callId: call.callId, pointId: call.pointId, status }, 'the room no longer has the call');
          this.#host.hangUp(call.callId, 'lost');
        }
      });
    }
  }

  forget(callId: string): void {
    this.#received.delete(callId);
  }
}

/** What the liveness checks need of the call registry (SipCalls). */
export interface CallLivenessHost {
  readonly calls: Map<string, Call>;
  readonly agent: SipUserAgent | null;
  now(): number;
  hangUp(callId: string, state?: CallState): void;
}
