import { createHmac } from 'node:crypto';
import type { MeetingState } from '../domain/core/model.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import { assignPins, pinnedPoints } from '../domain/sip/pins.js';

/**
 * The PINs of a meeting's rooms, derived from the coordinator's secret (JWT_SECRET): every node of a cluster gives the
 * same PIN, none is stored, and a PIN says nothing of another meeting's.
 */
export function meetingPins(secret: string, meetingId: string, state: MeetingState): Map<string, string> {
  return assignPins(pinnedPoints(state), (pointId, round, length) => {
    const digest = createHmac('sha256', secret).update(`sip-pin\u0000${meetingId}\u0000${pointId}\u0000${round}`);
    const value = BigInt(`0x${digest.digest('hex').slice(0, 16)}`) % 10n ** BigInt(length);

    return value.toString().padStart(length, '0');
  });
}

/** Each meeting's PINs, made once and again only when its invitations change. */
export class PinBook {
  readonly #secret: string;
  readonly #made = new Map<string, { invited: readonly string[]; pins: Map<string, string> }>();

  constructor(secret: string) {
    this.#secret = secret;
  }

  of(runtime: MeetingRuntime): ReadonlyMap<string, string> {
    const invited = runtime.state.def.invitedPointIds;
    const known = this.#made.get(runtime.id);
    if (known?.invited === invited) {
      return known.pins;
    }
    const pins = meetingPins(this.#secret, runtime.id, runtime.state);
    this.#made.set(runtime.id, { invited, pins });

    return pins;
  }
}
