import { randomBytes } from 'node:crypto';
import { RtpPacket, SrtcpSession, SrtpSession } from 'werift';
import type { SrtpKey } from '../media/MediaBridge.js';
import { isRtcp } from './rtpPackets.js';

/**
 * The SDES suites a room's relay protects and unprotects itself (werift's SRTP, on Node's crypto), with their master
 * key and salt lengths: the two that room systems offer first. Others (the 32-bit tag, AES-256) go straight to
 * mediasoup as before.
 */
const SUITES = {
  AES_CM_128_HMAC_SHA1_80: { profile: 1, keyBytes: 16, saltBytes: 14 },
  AEAD_AES_128_GCM: { profile: 7, keyBytes: 16, saltBytes: 12 },
} as const;

type RelayedSuite = keyof typeof SUITES;

/** Whether a room's SRTP stream can pass through a relay (its suite is one we protect, and it uses no MKI). */
export function relayable(key: SrtpKey): boolean {
  return key.cryptoSuite in SUITES && key.mki !== true;
}

/**
 * SRTP and SRTCP of one room's stream, as its relay sees them: what the room sends is authenticated and decrypted
 * with the room's key (from its offer), what goes to it is protected with ours (in our answer). A packet that fails
 * authentication is `null`: it is dropped, never latched on or passed to the bridge.
 */
export class SrtpCrypto {
  /** Our key, for the answer's `a=crypto` (the room's line's tag echoed). */
  readonly ours: SrtpKey;
  readonly #rtp: SrtpSession;
  readonly #rtcp: SrtcpSession;

  constructor(room: SrtpKey) {
    const suite = SUITES[room.cryptoSuite as RelayedSuite];
    if (suite === undefined) {
      throw new TypeError(`SRTP suite ${room.cryptoSuite} is not relayed`);
    }
    const roomKey = Buffer.from(room.keyBase64, 'base64');
    if (roomKey.length < suite.keyBytes + suite.saltBytes) {
      throw new TypeError('SRTP key too short for its suite');
    }
    const ourKey = randomBytes(suite.keyBytes + suite.saltBytes);
    this.ours = { cryptoSuite: room.cryptoSuite, keyBase64: ourKey.toString('base64'), tag: room.tag };
    const keys = {
      localMasterKey: ourKey.subarray(0, suite.keyBytes),
      localMasterSalt: ourKey.subarray(suite.keyBytes),
      remoteMasterKey: roomKey.subarray(0, suite.keyBytes),
      remoteMasterSalt: roomKey.subarray(suite.keyBytes, suite.keyBytes + suite.saltBytes),
    };
    this.#rtp = new SrtpSession({ keys, profile: suite.profile });
    this.#rtcp = new SrtcpSession({ keys, profile: suite.profile });
  }

  /** A packet from the room, authenticated and decrypted; `null` when it is not the room's (or is damaged). */
  unprotect(packet: Buffer): Buffer | null {
    try {
      return isRtcp(packet) ? this.#rtcp.decrypt(packet) : this.#rtp.decrypt(packet);
    } catch {
      return null;
    }
  }

  /** A packet for the room, protected with our key. */
  protect(packet: Buffer): Buffer {
    if (isRtcp(packet)) {
      return this.#rtcp.encrypt(packet);
    }
    const { header, payload } = RtpPacket.deSerialize(packet);

    return this.#rtp.encrypt(payload, header);
  }
}
