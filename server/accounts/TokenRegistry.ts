import type { Role } from '../domain/core/model.js';

/** A join link or session token as issued: whose, for what, until when. */
export interface IssuedToken {
  tokenId: string;
  /** The link a session token was refreshed from (its own id for a link). Revoking a link revokes its sessions. */
  linkId: string;
  meetingId: string;
  role: Role;
  pointId: string | null;
  /** Epoch ms. */
  expiresAt: number;
  /** A linked-hub invitation: the unit whose meeting may link in. */
  linkedUnitId?: string;
  /** A viewer link of the meeting's internal live stream. */
  viewer?: boolean;
  /** A link (not a session token) has a short code, `/l/<code>`, for printed sheets; it leads to `token`. */
  shortCode?: string;
  token?: string;
}

export interface Revocation {
  tokenId: string;
  meetingId: string;
  /** Epoch ms. */
  revokedAt: number;
  /** Kept until then: a revoked token past its expiry is refused as expired anyway. */
  expiresAt: number;
}

/**
 * The tokens a deployment issued and the ones revoked since, shared by every coordinator (embedded: a file;
 * Redis: a hash and a channel), so that a link revoked on one node is refused by all and its sockets are closed
 * wherever they are.
 */
export interface TokenRegistry {
  /** Records tokens as issued. */
  recordIssued(tokens: IssuedToken[]): Promise<void>;
  /** The issued token, or null when this deployment never issued it (or it expired and was forgotten). */
  issued(tokenId: string): Promise<IssuedToken | null>;
  /** A meeting's links still valid (not session tokens), as issued, revoked ones included. */
  linksOf(meetingId: string): Promise<IssuedToken[]>;
  /** The link a short code stands for, or null (unknown, or expired and forgotten). */
  byShortCode(shortCode: string): Promise<IssuedToken | null>;
  /** Revokes a token for good; idempotent (a second revocation keeps the first's time). */
  revoke(revocation: Revocation): Promise<Revocation>;
  /** Whether the link is revoked, answered from memory so every handshake can ask. */
  isRevoked(linkId: string): boolean;
  /** Called on every node when a link is revoked on any. Returns the unsubscribe function. */
  onRevoked(listener: (linkId: string) => void): () => void;
  readonly closed: boolean;
  close(): Promise<void>;
}
