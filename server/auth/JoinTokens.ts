import { randomInt, randomUUID } from 'node:crypto';
import { createDecoder, createSigner, createVerifier, TokenError } from 'fast-jwt';
import { z } from 'zod';
import { DomainError } from '../domain/core/errors.js';
import type { Person } from '../domain/directory/accounts.js';
import { SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH } from '../domain/directory/invitations.js';
import { formatDateTime } from '../format.js';
import type { Role } from '../domain/core/model.js';
import { role } from '../protocol/common.js';
import type { TokenRegistry } from '../accounts/TokenRegistry.js';

/** The claims of a join token. */
export interface JoinClaims {
  meetingId: string;
  role: Role;
  /** Set for role `point`: the point the holder acts for. */
  pointId: string | null;
  tokenId: string;
  /** The join link this token is, or was refreshed from; revoking it refuses both. */
  linkId: string;
  expiresAt: number;
  /** Staff links issued to a signed-in person: who, so the meeting's record names them. */
  person: Person | null;
  /** A linked-hub invitation: the unit whose own meeting may link into this one (and nothing else). */
  linkedUnitId: string | null;
  /** A viewer link: it plays the meeting's internal live stream, and joins nothing. */
  viewer: boolean;
}

/** What `issue` returns. */
export interface IssuedJoinToken {
  token: string;
  tokenId: string;
  expiresAt: number;
  /** A link's short code (`/l/<code>`); null for a session token. */
  shortCode: string | null;
}

function newShortCode(): string {
  return Array.from(
    { length: SHORT_CODE_LENGTH },
    () => SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)],
  ).join('');
}

const claimsSchema = z.object({
  mid: z.string().min(1),
  role,
  pid: z.string().min(1).optional(),
  jti: z.string(),
  lid: z.string().optional(),
  exp: z.number(),
  per: z.object({ u: z.string().min(1).max(40), n: z.string().min(1).max(120) }).optional(),
  lu: z.string().min(1).max(64).optional(),
  lv: z.literal(1).optional(),
});

const ISSUER = 'diemcau';
const decodePayload = createDecoder();

export const revoked = () =>
  new DomainError('TOKEN_REVOKED', 'Đường dẫn tham dự này đã bị thu hồi; hãy liên hệ ban tổ chức (join link revoked)');

/**
 * Issues and verifies join tokens (HS256 JWTs). With a registry, every token issued is recorded there and a token
 * whose link was revoked is refused with `TOKEN_REVOKED`.
 */
export class JoinTokens {
  // Synchronous HMAC (node:crypto): a join storm verifies thousands at once, and WebCrypto's asynchronous jobs cost
  // several times the hash itself.
  readonly #sign: (payload: Record<string, unknown>) => string;
  readonly #verify: (token: string) => Record<string, unknown>;
  readonly #registry: TokenRegistry | undefined;

  constructor({ secret, registry }: { secret: string; registry?: TokenRegistry | undefined }) {
    this.#sign = createSigner({ key: secret, algorithm: 'HS256', iss: ISSUER });
    this.#verify = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      allowedIss: ISSUER,
      requiredClaims: ['iss', 'exp', 'jti'],
      cache: false,
    });
    this.#registry = registry;
  }

  /** Where issued and revoked tokens are kept (absent in bare unit setups). */
  get registry(): TokenRegistry | undefined {
    return this.#registry;
  }

  /** Issues a token; `linkId` makes it a session token of that link (`auth:refresh`). */
  async issue({
    meetingId,
    role,
    pointId,
    ttlSec,
    window,
    linkId,
    person,
    linkedUnitId,
    viewer,
  }: {
    meetingId: string;
    role: Role;
    pointId?: string | null;
    /** Valid from now for this long; or, with `window`, from `notBefore` (epoch ms) until `expiresAt`. */
    ttlSec?: number;
    window?: { notBefore: number | null; expiresAt: number };
    linkId?: string | undefined;
    person?: Person | null | undefined;
    /** Makes the token a linked-hub invitation for this unit (see JoinClaims.linkedUnitId). */
    linkedUnitId?: string | undefined;
    /** Makes the token a viewer link of the meeting's live stream (see JoinClaims.viewer). */
    viewer?: boolean | undefined;
  }): Promise<IssuedJoinToken> {
    const tokenId = randomUUID();
    const expiresAtSec =
      window === undefined
        ? Math.floor(Date.now() / 1000) + (ttlSec ?? 12 * 3600)
        : Math.floor(window.expiresAt / 1000);
    const token = this.#sign({
      mid: meetingId,
      role,
      ...(pointId ? { pid: pointId } : {}),
      ...(linkId ? { lid: linkId } : {}),
      ...(person ? { per: { u: person.username, n: person.name } } : {}),
      ...(linkedUnitId ? { lu: linkedUnitId } : {}),
      ...(viewer === true ? { lv: 1 } : {}),
      jti: tokenId,
      exp: expiresAtSec,
      ...(window?.notBefore != null ? { nbf: Math.floor(window.notBefore / 1000) } : {}),
    });
    const expiresAt = expiresAtSec * 1000;
    // Only links are printed and typed; a session token lives in its page.
    const shortCode = linkId === undefined && this.#registry !== undefined ? newShortCode() : null;
    await this.#registry?.recordIssued([
      {
        tokenId,
        linkId: linkId ?? tokenId,
        meetingId,
        role,
        pointId: pointId ?? null,
        expiresAt,
        ...(linkedUnitId ? { linkedUnitId } : {}),
        ...(viewer === true ? { viewer: true } : {}),
        ...(shortCode === null ? {} : { shortCode, token }),
      },
    ]);

    return { token, tokenId, expiresAt, shortCode };
  }

  /**
   * A token that joins a meeting (a console, a linked hub). Throws `UNAUTHENTICATED`, `TOKEN_EXPIRED` or
   * `TOKEN_REVOKED`; a viewer link joins nothing.
   */
  async verify(token: unknown): Promise<JoinClaims> {
    const claims = await this.#claims(token);
    if (claims.viewer) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'Đường dẫn này chỉ để xem phát trực tiếp, không để tham dự (a viewer link joins nothing)',
      );
    }

    return claims;
  }

  /** A viewer link of `meetingId`'s live stream; any other token is refused as `UNAUTHENTICATED`. */
  async verifyViewer(token: unknown, meetingId: string): Promise<JoinClaims> {
    const claims = await this.#claims(token);
    if (!claims.viewer || claims.meetingId !== meetingId) {
      throw new DomainError('UNAUTHENTICATED', 'Đường dẫn xem không hợp lệ (invalid viewer link)');
    }

    return claims;
  }

  async #claims(token: unknown): Promise<JoinClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new DomainError('UNAUTHENTICATED', 'Thiếu mã tham dự (missing join token)');
    }
    try {
      const claims = claimsSchema.parse(this.#verify(token));
      if ((claims.role === 'point') !== (claims.pid !== undefined)) {
        throw new DomainError('UNAUTHENTICATED', 'Mã tham dự không hợp lệ (invalid join token)');
      }

      const linkId = claims.lid ?? claims.jti;
      if (this.#registry?.isRevoked(linkId) || this.#registry?.isRevoked(claims.jti)) {
        throw revoked();
      }

      return {
        meetingId: claims.mid,
        role: claims.role,
        pointId: claims.pid ?? null,
        tokenId: claims.jti,
        linkId,
        expiresAt: claims.exp * 1000,
        person: claims.per === undefined ? null : { username: claims.per.u, name: claims.per.n },
        linkedUnitId: claims.lu ?? null,
        viewer: claims.lv === 1,
      };
    } catch (error) {
      if (error instanceof TokenError && error.code === TokenError.codes.expired) {
        throw new DomainError('TOKEN_EXPIRED', 'Mã tham dự đã hết hạn (join token expired)');
      }
      if (error instanceof TokenError && error.code === TokenError.codes.inactive) {
        const opens = Number((decodePayload(token) as { nbf?: number }).nbf ?? 0) * 1000;
        throw new DomainError(
          'TOKEN_NOT_YET_VALID',
          `Đường dẫn tham dự có hiệu lực từ ${formatDateTime(opens)} (join link not valid yet)`,
          // The refusal page says from when, in the reader's language and time format.
          [{ path: 'validFrom', message: String(opens) }],
        );
      }
      if (error instanceof DomainError) {
        throw error;
      }
      throw new DomainError('UNAUTHENTICATED', 'Mã tham dự không hợp lệ (invalid join token)');
    }
  }
}
