import { DomainError } from '../domain/core/errors.js';

/**
 * Reaching a room through a TURN relay (pure rules). Credentials follow the TURN REST scheme that coturn's
 * `use-auth-secret` checks: the user name is `<expiry in Unix seconds>:<label>`, the password the HMAC of that name
 * with the shared secret; the relay refuses a name whose time has passed, so a credential cannot be replayed later.
 */

/** How long a credential lasts: its own lifetime, never beyond the join link it was given for. */
export function turnExpiry(now: number, ttlMs: number, linkExpiresAt: number): number {
  const expiresAt = Math.min(now + ttlMs, linkExpiresAt);
  if (expiresAt <= now) {
    throw new DomainError('TOKEN_EXPIRED', 'Mã tham dự đã hết hạn (join token expired)');
  }

  return expiresAt;
}

/** The TURN user name for a credential valid until `expiresAt` (epoch ms): who it was for, kept free of separators. */
export function turnUsername(expiresAt: number, label: string): string {
  const safe = label.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);

  return `${Math.floor(expiresAt / 1000)}:${safe}`;
}

/** A TURN or STUN address as browsers take it: `turn:`, `turns:` or `stun:`, a host, an optional port and transport. */
export const ICE_URL = /^(turns?|stun):[A-Za-z0-9.[\]:-]+(\?transport=(udp|tcp))?$/;
