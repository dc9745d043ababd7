import { createHmac, timingSafeEqual } from 'node:crypto';
import type * as sip from 'sip';
import { calculateDigest, kd } from 'sip/digest.js';
import { z } from 'zod';
import { MIN_EXPIRES_SEC, registrationExpires } from '../domain/sip/registration.js';
import { normaliseSipAddress } from '../domain/sip/sipAddress.js';
import { createLogger } from '../logger.js';
import type { SipRequest } from './sipWire.js';
import { WrongGuesses } from './WrongGuesses.js';

const logger = createLogger('Registrar');

/** Where a registered room is: the address its REGISTER came from (a NAT's outside), and until when. */
export interface Binding {
  pointId: string;
  /** The Contact it registered, for the record. */
  contact: string;
  /** Where requests to it go: its contact's user at the address and port the REGISTER came from. */
  target: string;
  address: string;
  expiresAt: number;
}

/** A nonce is good this long; an older one is answered `stale=true` and the unit answers the new one at once. */
const NONCE_LIFE_MS = 5 * 60_000;
export const REALM = 'diemcau';

/** The Authorization header as the `sip` package parsed it (values still quoted), checked before it is read. */
const digestAnswer = z.looseObject({
  scheme: z.string().max(16),
  username: z.string().min(1).max(130),
  realm: z.string().max(130),
  nonce: z.string().min(1).max(200),
  uri: z.string().min(1).max(512),
  response: z.string().min(1).max(130),
  qop: z.string().max(40).optional(),
  nc: z.string().max(16).optional(),
  cnonce: z.string().max(200).optional(),
});
const authorization = z.array(digestAnswer).min(1).max(4);

const unquote = (text: string) =>
  text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
const equal = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

export interface RegistrarOptions {
  /** The coordinator's secret (JWT_SECRET): each point's password is derived from it, so none is stored. */
  secret: string;
  /** Whether a directory point has this code. */
  isPoint(code: string): boolean;
  /** Wrong passwords counted per address (shared with the calls' wrong PINs). */
  guesses?: WrongGuesses;
  now?: () => number;
}

/**
 * The rooms that register (RFC 3261 §10) so that they can be called behind NAT. A room registers as its point's code
 * (`sip:DC-X1@<coordinator>`) with the point's password, checked by digest (RFC 2617, MD5 with qop=auth: what room
 * systems speak) against nonces this coordinator signed; wrong passwords are counted per address. Bindings live in
 * this process and expire; a room registers again within its interval.
 */
export class Registrar {
  readonly #options: RegistrarOptions;
  readonly #bindings = new Map<string, Binding>();
  readonly #guesses: WrongGuesses;

  constructor(options: RegistrarOptions) {
    this.#options = options;
    this.#guesses = options.guesses ?? new WrongGuesses(() => this.#now());
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** A point's password for registering (16 characters from the secret; the office gives it to the room's technician). */
  passwordOf(pointId: string): string {
    return createHmac('sha256', this.#options.secret)
      .update(`sip-register\u0000${pointId}`)
      .digest('base64url')
      .replace(/[-_]/g, '')
      .slice(0, 16);
  }

  /** Where a registered point's room is now, or `null` (never registered, or expired). */
  bindingOf(pointId: string): Binding | null {
    const binding = this.#bindings.get(pointId);
    if (binding === undefined || binding.expiresAt <= this.#now()) {
      this.#bindings.delete(pointId);

      return null;
    }

    return binding;
  }

  /** The point a registered room calls from: its From user is the point's code, from the address it registered. */
  pointCalling(from: string, address: string): string | null {
    const user = /^([^@]+)@/.exec(normaliseSipAddress(from) ?? '')?.[1];
    const binding = [...this.#bindings.values()].find((b) => b.pointId.toLowerCase() === user);

    return binding !== undefined && binding.address === address && this.bindingOf(binding.pointId) !== null
      ? binding.pointId
      : null;
  }

  /** Answers a REGISTER: 401 with a challenge, 403 for a wrong password or point, 200 with the binding kept. */
  register(
    request: SipRequest,
    remote: sip.Remote,
  ): { status: number; reason: string; headers?: Record<string, unknown> } {
    const challenge = (stale = false) => ({
      status: 401,
      reason: 'Unauthorized',
      headers: {
        'www-authenticate': [
          {
            scheme: 'Digest',
            realm: `"${REALM}"`,
            nonce: `"${this.#nonce()}"`,
            algorithm: 'MD5',
            qop: '"auth"',
            ...(stale ? { stale: 'true' } : {}),
          },
        ],
      },
    });
    if (!this.#guesses.left(remote.address)) {
      return { status: 403, reason: 'Forbidden' };
    }
    const parsed = authorization.safeParse(request.headers.authorization);
    const answer = parsed.success
      ? parsed.data.find((a) => a.scheme.toLowerCase() === 'digest' && unquote(a.realm) === REALM)
      : undefined;
    if (answer === undefined) {
      return challenge();
    }
    const nonce = unquote(answer.nonce);
    const age = this.#nonceAge(nonce);
    if (age === null) {
      return challenge();
    }
    const username = unquote(answer.username);
    const pointId = this.#options.isPoint(username) ? username : null;
    const qop = answer.qop === undefined ? undefined : unquote(answer.qop).toLowerCase();
    const expected =
      pointId === null
        ? ''
        : calculateDigest({
            ha1: kd(username, REALM, this.passwordOf(pointId)),
            method: 'REGISTER',
            nonce,
            nc: answer.nc,
            cnonce: answer.cnonce === undefined ? undefined : unquote(answer.cnonce),
            qop,
            uri: unquote(answer.uri),
          });
    if (pointId === null || !equal(expected, unquote(answer.response).toLowerCase())) {
      this.#guesses.add(remote.address);
      logger.info({ username, address: remote.address }, 'a registration was refused');

      return { status: 403, reason: 'Forbidden' };
    }
    if (age > NONCE_LIFE_MS) {
      return challenge(true);
    }
    const contact = request.headers.contact?.[0];
    const decision = registrationExpires(contact?.params.expires, request.headers.expires);
    if (decision.kind === 'tooBrief') {
      return { status: 423, reason: 'Interval Too Brief', headers: { 'min-expires': MIN_EXPIRES_SEC } };
    }
    if (decision.kind === 'remove' || contact === undefined) {
      this.#bindings.delete(pointId);

      return { status: 200, reason: 'OK' };
    }
    const user = /^sips?:([^@;?]+)@/i.exec(contact.uri)?.[1] ?? pointId;
    const host = remote.address.includes(':') ? `[${remote.address}]` : remote.address;
    this.#bindings.set(pointId, {
      pointId,
      contact: contact.uri,
      target: `sip:${user}@${host}:${remote.port}${remote.protocol.toUpperCase() === 'UDP' ? '' : ';transport=tcp'}`,
      address: remote.address,
      expiresAt: this.#now() + decision.seconds * 1000,
    });
    logger.info({ pointId, address: remote.address, seconds: decision.seconds }, 'a room registered');

    return {
      status: 200,
      reason: 'OK',
      headers: { contact: [{ uri: contact.uri, params: { expires: decision.seconds } }] },
    };
  }

  /** A nonce that says when it was made, signed: no state kept between the challenge and the answer. */
  #nonce(): string {
    const at = this.#now().toString(36);

    return `${at}.${createHmac('sha256', this.#options.secret).update(`sip-nonce\u0000${at}`).digest('hex').slice(0, 24)}`;
  }

  /** How old a nonce of ours is, or `null` when it is not one. */
  #nonceAge(nonce: string): number | null {
    const [at, signature] = nonce.split('.');
    if (at === undefined || signature === undefined) {
      return null;
    }
    const expected = createHmac('sha256', this.#options.secret)
      .update(`sip-nonce\u0000${at}`)
      .digest('hex')
      .slice(0, 24);
    if (!equal(expected, signature)) {
      return null;
    }

    return this.#now() - Number.parseInt(at, 36);
  }
}
