import type { MeetingState } from '../core/model.js';
import { normaliseSipAddress } from './sipAddress.js';

/**
 * Which room is calling a meeting's conference number, and whether it may enter. Pure: the user agent gives the
 * meeting's state and the caller's From address (and later the PIN it keyed); the answer is a point, a PIN to ask
 * for, or a refusal with the SIP status to send and the words for the audit trail.
 */
export type CallerDecision =
  { kind: 'point'; pointId: string } | { kind: 'askPin' } | { kind: 'refuse'; status: number; reason: RefusalReason };

export const REFUSAL_REASONS = [
  'unknown-meeting',
  'ended',
  'not-invited',
  'hub',
  'wrong-pin',
  'pin-timeout',
  'busy',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The SIP status each refusal is answered with. */
export const REFUSAL_STATUS: Record<RefusalReason, number> = {
  // No meeting has this conference number.
  'unknown-meeting': 404,
  // The meeting is over: the room may try another number, not this one later.
  ended: 410,
  'not-invited': 403,
  // The hub is the chair's hall: it joins from the chair's console, never as a point.
  hub: 403,
  'wrong-pin': 403,
  // No PIN keyed in the time given (the call was answered: the status goes in the BYE's Reason).
  'pin-timeout': 408,
  // The point's room is already in the meeting (another call or a browser).
  busy: 486,
};

export const REFUSAL_WORDS: Record<RefusalReason, string> = {
  'unknown-meeting': 'không có hội nghị mang số này',
  ended: 'hội nghị đã kết thúc',
  'not-invited': 'điểm cầu không được mời',
  hub: 'điểm cầu trung tâm không vào như một điểm cầu',
  'wrong-pin': 'nhập sai mã PIN ba lần',
  'pin-timeout': 'không nhập mã PIN trong thời gian cho phép',
  busy: 'điểm cầu đã có mặt trong hội nghị',
};

const refuse = (reason: RefusalReason): CallerDecision => ({ kind: 'refuse', status: REFUSAL_STATUS[reason], reason });

/**
 * A room calls in: recognised by its From address among the meeting's points; a room whose address is not on file is
 * asked for its point's PIN. A known room that is not invited is refused outright (asking it for a PIN would invite a
 * guess). A room may call before the meeting opens: it waits, as a browser point does.
 */
export function identifyCaller(
  state: MeetingState,
  from: string,
  directoryPointOf: (address: string) => string | null,
): CallerDecision {
  if (state.status === 'ended') {
    return refuse('ended');
  }
  const address = normaliseSipAddress(from);
  if (address === null) {
    return { kind: 'askPin' };
  }
  const invited = state.def.points.find((p) => p.sipUri != null && normaliseSipAddress(p.sipUri) === address);
  if (invited !== undefined) {
    return invited.code === state.def.hubPointId ? refuse('hub') : { kind: 'point', pointId: invited.code };
  }

  // The directory may have learned the room's address after the meeting was made (its copy of the points is older).
  const onFile = directoryPointOf(address);
  if (onFile === null) {
    return { kind: 'askPin' };
  }
  if (onFile === state.def.hubPointId) {
    return refuse('hub');
  }

  return state.points[onFile] === undefined ? refuse('not-invited') : { kind: 'point', pointId: onFile };
}

/** Most PIN attempts per call. */
export const PIN_TRIES = 3;

export type PinDecision =
  | { kind: 'point'; pointId: string }
  | { kind: 'retry'; triesLeft: number }
  | { kind: 'refuse'; status: number; reason: RefusalReason };

/**
 * A PIN keyed by a room (the digits before "#"). `pins` maps each invited point to its PIN for this meeting; `tries`
 * counts this attempt (from 1).
 */
export function checkPin(
  state: MeetingState,
  pins: ReadonlyMap<string, string>,
  keyed: string,
  tries: number,
): PinDecision {
  if (state.status === 'ended') {
    return { kind: 'refuse', status: REFUSAL_STATUS.ended, reason: 'ended' };
  }
  const digits = keyed.replace(/[^0-9]/g, '');
  const match = digits === '' ? undefined : [...pins].find(([, pin]) => pin === digits);
  if (match !== undefined && state.points[match[0]] !== undefined && match[0] !== state.def.hubPointId) {
    return { kind: 'point', pointId: match[0] };
  }
  if (tries >= PIN_TRIES) {
    return { kind: 'refuse', status: REFUSAL_STATUS['wrong-pin'], reason: 'wrong-pin' };
  }

  return { kind: 'retry', triesLeft: PIN_TRIES - tries };
}
