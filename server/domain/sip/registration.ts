/**
 * A room system that registers (REGISTER, RFC 3261 §10) so that it can be called behind NAT: how long its binding
 * lasts. Pure: the coordinator keeps the bindings, these say for how long and whether the request asks to be forgotten.
 */

/** Registrations are kept at least this long (a unit asking for less is told the minimum: 423 Interval Too Brief). */
export const MIN_EXPIRES_SEC = 60;
/** And at most this long; a unit asking for more gets this. */
export const MAX_EXPIRES_SEC = 3600;
export const DEFAULT_EXPIRES_SEC = 600;

export type ExpiresDecision = { kind: 'keep'; seconds: number } | { kind: 'remove' } | { kind: 'tooBrief' };

/** The Expires a REGISTER asked for (its Contact's parameter first, then its header; neither: the default). */
export function registrationExpires(contactExpires: unknown, headerExpires: unknown): ExpiresDecision {
  const asked = [contactExpires, headerExpires]
    .map((value) => (typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN))
    .find((value) => Number.isInteger(value) && value >= 0);
  if (asked === undefined) {
    return { kind: 'keep', seconds: DEFAULT_EXPIRES_SEC };
  }
  if (asked === 0) {
    return { kind: 'remove' };
  }
  if (asked < MIN_EXPIRES_SEC) {
    return { kind: 'tooBrief' };
  }

  return { kind: 'keep', seconds: Math.min(asked, MAX_EXPIRES_SEC) };
}
