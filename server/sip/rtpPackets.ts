/** Reading RTP and RTCP packets' headers, as a room's relay needs (RFC 3550, RFC 5761, RFC 4585). */

/** RTCP packet types 192–223 sit where an RTP header has its marker and payload type (RFC 5761). */
export function isRtcp(packet: Buffer): boolean {
  const type = packet[1] ?? 0;

  return type >= 192 && type <= 223;
}

/**
 * Calls `visit` with each report of a compound RTCP packet: where it starts, its type, its count (or feedback format)
 * field and where it ends. Stops at a report whose length runs past the packet.
 */
export function forEachReport(
  packet: Buffer,
  visit: (at: number, type: number, count: number, end: number) => void,
): void {
  let at = 0;
  while (at + 4 <= packet.length) {
    const end = at + (packet.readUInt16BE(at + 2) + 1) * 4;
    if (end > packet.length) {
      return;
    }
    visit(at, packet[at + 1] ?? 0, (packet[at] ?? 0) & 0x1f, end);
    at = end;
  }
}

/** Where an RTP packet's payload starts (after CSRCs and a header extension); `null` for a padded or short one. */
export function payloadStart(packet: Buffer): number | null {
  const first = packet[0] ?? 0;
  if ((first & 0x20) !== 0 || packet.length < 12) {
    return null;
  }
  let start = 12 + 4 * (first & 0x0f);
  if ((first & 0x10) !== 0) {
    if (start + 4 > packet.length) {
      return null;
    }
    start += 4 + 4 * packet.readUInt16BE(start + 2);
  }

  return start <= packet.length ? start : null;
}

export function isEvent(packet: Buffer, payloadType: number | null): boolean {
  return payloadType !== null && ((packet[1] ?? 0) & 0x7f) === payloadType;
}
