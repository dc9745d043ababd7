import type { MeetingState } from '../core/model.js';

/**
 * Each invited room's PIN for a meeting, keyed on its remote when it calls from an address the directory does not
 * hold. Long enough that guessing is hopeless within the tries a caller gets: six digits for a province's meeting, eight
 * once a meeting invites more rooms than a guesser's odds should grow with (a national meeting's 3,400 communes).
 */
export const pinLength = (rooms: number): number => (rooms <= 200 ? 6 : 8);

/** Wrong PINs one address may key within `PIN_GUESS_WINDOW_MS` before its calls are refused outright. */
export const PIN_GUESSES_PER_ADDRESS = 9;
export const PIN_GUESS_WINDOW_MS = 3600_000;

/** The points a PIN admits: the invited points, not the hub (the chair's hall joins from the chair's console). */
export function pinnedPoints(state: MeetingState): string[] {
  return state.def.invitedPointIds.filter((id) => id !== state.def.hubPointId);
}

/**
 * PINs unique within the meeting. `digitsOf(pointId, round, length)` is a keyed digest of the point (made by the
 * caller from a secret, so that PINs are neither stored nor guessable from the ids); a PIN another point already has is
 * drawn again with the next round. Points keep their PINs when others are invited later: the earlier point in the
 * invitation's order keeps a contested PIN, and invitations only ever append.
 */
export function assignPins(
  pointIds: readonly string[],
  digitsOf: (pointId: string, round: number, length: number) => string,
): Map<string, string> {
  const length = pinLength(pointIds.length);
  const taken = new Set<string>();
  const pins = new Map<string, string>();
  for (const pointId of pointIds) {
    let round = 0;
    let pin = digitsOf(pointId, round, length);
    while (taken.has(pin)) {
      pin = digitsOf(pointId, ++round, length);
    }
    taken.add(pin);
    pins.set(pointId, pin);
  }

  return pins;
}
