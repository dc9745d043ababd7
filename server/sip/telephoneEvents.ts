/**
 * RFC 4733 telephone-events in RTP, as a room system sends the keys of its remote: one event is several packets with
 * the same RTP timestamp (the last three marked "end"). A key is reported once, on the first packet of its event.
 */
const KEYS = '0123456789*#ABCD';

export class TelephoneEvents {
  readonly #payloadType: number;
  #lastTimestamp: number | null = null;

  constructor(payloadType: number) {
    this.#payloadType = payloadType;
  }

  /** The key a packet starts, or `null` (another payload type, a repeat of the same event, or not RTP). */
  keyOf(packet: Buffer): string | null {
    if (packet.length < 16 || packet[0] === undefined || packet[0] >> 6 !== 2) {
      return null;
    }
    const payloadType = (packet[1] ?? 0) & 0x7f;
    if (payloadType !== this.#payloadType) {
      return null;
    }
    const csrcCount = packet[0] & 0x0f;
    const extension = (packet[0] & 0x10) !== 0;
    let offset = 12 + csrcCount * 4;
    if (extension) {
      if (packet.length < offset + 4) {
        return null;
      }
      offset += 4 + packet.readUInt16BE(offset + 2) * 4;
    }
    if (packet.length < offset + 4) {
      return null;
    }
    const timestamp = packet.readUInt32BE(4);
    const event = packet[offset] ?? 255;
    if (timestamp === this.#lastTimestamp || event >= KEYS.length) {
      return null;
    }
    this.#lastTimestamp = timestamp;

    return KEYS[event] ?? null;
  }
}
