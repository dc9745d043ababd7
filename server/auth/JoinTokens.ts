import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import type { Role } from '../domain/model.js';
import { role } from '../protocol/common.js';

/** The claims of a join token. */
export interface JoinClaims {
  meetingId: string;
  role: Role;
  /** Set for role `point`: the point the holder acts for. */
  pointId: string | null;
  tokenId: string;
  expiresAt: number;
}

const claimsSchema = z.object({
  mid: z.string().min(1),
  role,
  pid: z.string().min(1).optional(),
  jti: z.string(),
  exp: z.number(),
});

const ISSUER = 'diemcau';

/** Issues and verifies join tokens (HS256 JWTs). */
export class JoinTokens {
  readonly #key: Uint8Array;

  constructor({ secret }: { secret: string }) {
    this.#key = new TextEncoder().encode(secret);
  }

  async issue({
    meetingId,
    role,
    pointId,
    ttlSec,
  }: {
    meetingId: string;
    role: Role;
    pointId?: string | null;
    ttlSec: number;
  }): Promise<{ token: string; expiresAt: number }> {
    const jwt = new SignJWT({ mid: meetingId, role, ...(pointId ? { pid: pointId } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSec}s`);
    const token = await jwt.sign(this.#key);
    const expiresAt = (Math.floor(Date.now() / 1000) + ttlSec) * 1000;

    return { token, expiresAt };
  }

  /** Throws `UNAUTHENTICATED` or `TOKEN_EXPIRED`. */
  async verify(token: unknown): Promise<JoinClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new DomainError('UNAUTHENTICATED', 'Thiếu mã tham dự (missing join token)');
    }
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, algorithms: ['HS256'] });
      const claims = claimsSchema.parse(payload);
      if ((claims.role === 'point') !== (claims.pid !== undefined)) {
        throw new DomainError('UNAUTHENTICATED', 'Mã tham dự không hợp lệ (invalid join token)');
      }

      return {
        meetingId: claims.mid,
        role: claims.role,
        pointId: claims.pid ?? null,
        tokenId: claims.jti,
        expiresAt: claims.exp * 1000,
      };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new DomainError('TOKEN_EXPIRED', 'Mã tham dự đã hết hạn (join token expired)');
      }
      if (error instanceof DomainError) {
        throw error;
      }
      throw new DomainError('UNAUTHENTICATED', 'Mã tham dự không hợp lệ (invalid join token)');
    }
  }
}
