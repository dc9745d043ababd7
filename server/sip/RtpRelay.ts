import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { isIPv6 } from 'node:net';
import type { SrtpKey } from '../media/MediaBridge.js';
import { forEachReport, isEvent, isRtcp, payloadStart } from './rtpPackets.js';
import { SrtpCrypto } from './srtp.js';
import { TelephoneEvents } from './telephoneEvents.js';

/** A room silent this long from where it was latched may be latched again elsewhere (a NAT rebinding). */
const RELATCH_AFTER_MS = 3000;

/** The bridge's sound comes every 20 ms; this long without it, words are said in a stream of our own. */
const BRIDGE_SILENT_AFTER_MS = 500;

/**
 * A plain-RTP room's stream passes through this process on its way to and from the bridge. On its sound, the keys of
 * its remote (RFC 4733 telephone-events) are read here: mediasoup forwards media codecs only and drops them. On the way
 * down, the payload type the bridge sends with (its own numbering) is rewritten to the one the room asked for in its
 * offer (RFC 3264: a room receives with the numbers it offered). The room talks to `outer` (RTP, and RTCP on the next
 * socket unless multiplexed); the bridge's PlainTransport talks to `inner` on loopback, multiplexed. An SRTP room's
 * stream is authenticated and decrypted as it arrives and protected again with our key as it leaves (the bridge's
 * side is plain RTP on loopback), so that all of the above holds for it too.
 */
export class RtpRelay {
  readonly #outer: dgram.Socket;
  readonly #outerRtcp: dgram.Socket | null;
  readonly #inner: dgram.Socket;
  #room: { address: string; port: number } | null;
  #roomRtcp: { address: string; port: number } | null;
  #bridge: { address: string; port: number } | null = null;
  /** Payload type from the bridge → the room's own, on the way down. */
  readonly #downlink = new Map<number, number>();
  #closed = false;
  /**
   * The SSRC the bridge knows this stream by: every packet of the room is renumbered to it. Room systems often leave
   * SSRCs out of their SDP, and change them (after a hold, a re-INVITE, a camera switch); mediasoup needs one it was
   * told. The room's own, last seen, is put back in what the bridge says about the stream (RTCP reports, key-frame
   * and retransmission requests).
   */
  readonly upstreamSsrc = randomBytes(4).readUInt32BE(0) || 1;
  #roomSsrc: number | null = null;
  /** When the room's packets last came from where it is latched (0: none yet). */
  #latchedAt = 0;
  readonly #now: () => number;
  /** Words being said to the room (a prompt): the bytes left, in the room's codec. */
  #saying: { bytes: Buffer; payloadType: number; done: () => void } | null = null;
  /** When the bridge last sent sound down: while it does, a prompt takes the place of its payloads. */
  #bridgeSoundAt = 0;
  /** Our own stream, for words said while the bridge sends no sound (before the room has entered). */
  readonly #own = { ssrc: randomBytes(4).readUInt32BE(0), seq: randomBytes(2).readUInt16BE(0), ts: 0, first: true };
  /** SRTP with the room (its key and ours), or `null` for plain RTP. */
  readonly #srtp: SrtpCrypto | null;

  private constructor(
    outer: dgram.Socket,
    outerRtcp: dgram.Socket | null,
    inner: dgram.Socket,
    room: { address: string; port: number; rtcpPort: number | null } | null,
    now: () => number,
    srtp: SrtpCrypto | null,
  ) {
    this.#now = now;
    this.#srtp = srtp;
    this.#outer = outer;
    this.#outerRtcp = outerRtcp;
    this.#inner = inner;
    this.#room = room === null ? null : { address: room.address, port: room.port };
    this.#roomRtcp = room === null ? null : { address: room.address, port: room.rtcpPort ?? room.port };
  }

  /**
   * Binds the room-facing sockets on `listenIp` within `ports` (an even port for RTP, the next for RTCP) and the
   * bridge-facing one on loopback. `room` is where to send before the room has sent anything (its stated address),
   * or `null` to answer only where its packets come from.
   */
  static async open({
    listenIp,
    ports,
    rtcpMux,
    room,
    telephoneEvent,
    onKey,
    srtp = null,
    now = Date.now,
  }: {
    /** The room's SDES key when it sends SRTP (a suite `relayable` accepts). */
    srtp?: SrtpKey | null;
    listenIp: string;
    ports: { min: number; max: number };
    rtcpMux: boolean;
    room: { address: string; port: number; rtcpPort: number | null } | null;
    telephoneEvent: number | null;
    onKey: (key: string) => void;
    now?: () => number;
  }): Promise<RtpRelay> {
    const type = isIPv6(listenIp) ? 'udp6' : 'udp4';
    const crypto = srtp === null ? null : new SrtpCrypto(srtp);
    const [outer, outerRtcp] = await bindPair(type, listenIp, ports, !rtcpMux);
    const inner = dgram.createSocket('udp4');
    inner.on('error', () => undefined);
    inner.bind(0, '127.0.0.1');
    await once(inner, 'listening');
    const relay = new RtpRelay(outer, outerRtcp, inner, room, now, crypto);
    const events = telephoneEvent === null ? null : new TelephoneEvents(telephoneEvent);
    outer.on('message', (received, from) => {
      // An SRTP room's packets are its own only once authenticated: nothing else may latch or reach the bridge.
      const packet = relay.#unprotect(received);
      // Comedia: the room's packets say where it is (a NAT's outside address), and its sound is answered there.
      if (packet === null || !relay.#latch(from.address, from.port)) {
        return;
      }
      if (rtcpMux) {
        relay.#roomRtcp = relay.#room;
      }
      if (events !== null && !isRtcp(packet)) {
        const key = events.keyOf(packet);
        if (key !== null) {
          onKey(key);

          return;
        }
        if (isEvent(packet, telephoneEvent)) {
          return;
        }
      }
      relay.#toBridge(relay.#fromRoom(packet));
    });
    outerRtcp?.on('message', (received, from) => {
      const packet = relay.#unprotect(received);
      // The room's RTCP comes from the host its RTP is latched to.
      if (packet === null || (relay.#room !== null && relay.#latchedAt !== 0 && from.address !== relay.#room.address)) {
        return;
      }
      relay.#roomRtcp = { address: from.address, port: from.port };
      relay.#toBridge(relay.#fromRoom(packet));
    });
    inner.on('message', (packet, from) => {
      relay.#bridge ??= { address: from.address, port: from.port };
      if (isRtcp(packet)) {
        relay.#send(outerRtcp ?? outer, relay.#toRoomRtcp(packet), relay.#roomRtcp);
      } else {
        relay.#bridgeSoundAt = Date.now();
        relay.#send(outer, relay.#sayInstead(relay.#renumber(packet)), relay.#room);
      }
    });

    return relay;
  }

  /** Where the room sends: the answer's port (and RTCP port, or `null` when multiplexed). */
  get roomFacing(): { port: number; rtcpPort: number | null } {
    return { port: this.#outer.address().port, rtcpPort: this.#outerRtcp?.address().port ?? null };
  }

  /** Our SDES key for the answer, when the room sends SRTP. */
  get srtpAnswer(): SrtpKey | null {
    return this.#srtp?.ours ?? null;
  }

  /** Where the bridge's PlainTransport sends (it connects here). */
  get bridgeFacing(): { ip: string; port: number } {
    return { ip: '127.0.0.1', port: this.#inner.address().port };
  }

  /** The bridge's PlainTransport listens here: what the room sends goes to it. */
  connectBridge(port: number): void {
    this.#bridge = { address: '127.0.0.1', port };
  }

  /** Where the room said it receives (its answer), until its own packets say otherwise. */
  sendTo(room: { address: string; port: number; rtcpPort: number | null } | null): void {
    if (room !== null && this.#room === null) {
      this.#room = { address: room.address, port: room.port };
      this.#roomRtcp = { address: room.address, port: room.rtcpPort ?? room.port };
    }
  }

  /** What the bridge sends with `from` reaches the room as `to`. */
  rewriteDownlink(from: number, to: number): void {
    this.#downlink.set(from, to);
  }

  /**
   * Says words to the room (bytes of a prompt in the room's codec, 8 bytes a millisecond: G.722 or G.711). While the
   * bridge sends sound down, the words take the place of its payloads (the stream, its numbering and timing stay the
   * bridge's); otherwise they go in a stream of our own, a packet every 20 ms. Resolves when said, or cut short by
   * other words or the end of the call.
   */
  say(bytes: Buffer, payloadType: number): Promise<void> {
    this.#saying?.done();

    return new Promise((resolve) => {
      const saying = { bytes, payloadType, done: () => undefined as void };
      saying.done = () => {
        if (this.#saying === saying) {
          this.#saying = null;
        }
        resolve();
      };
      this.#saying = saying;
      const started = Date.now();
      const tick = (n: number) => {
        if (this.#saying !== saying || this.#closed) {
          saying.done();

          return;
        }
        if (Date.now() - this.#bridgeSoundAt > BRIDGE_SILENT_AFTER_MS) {
          this.#sendOwn(saying);
        }
        if (saying.bytes.length === 0) {
          saying.done();

          return;
        }
        setTimeout(() => tick(n + 1), Math.max(0, started + (n + 1) * 20 - Date.now())).unref();
      };
      tick(0);
    });
  }

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#saying?.done();
    for (const socket of [this.#outer, this.#outerRtcp, this.#inner]) {
      socket?.close();
    }
  }

  #renumber(packet: Buffer): Buffer {
    const second = packet[1];
    const to = second === undefined ? undefined : this.#downlink.get(second & 0x7f);
    if (to !== undefined && second !== undefined && to !== (second & 0x7f)) {
      packet[1] = (second & 0x80) | to;
    }

    return packet;
  }

  /** A bridge packet whose payload is the next stretch of the words being said (the rest kept when they end). */
  #sayInstead(packet: Buffer): Buffer {
    const saying = this.#saying;
    const start = payloadStart(packet);
    if (saying === null || start === null) {
      return packet;
    }
    const taken = saying.bytes.subarray(0, packet.length - start);
    taken.copy(packet, start);
    saying.bytes = saying.bytes.subarray(taken.length);

    return packet;
  }

  /** 20 ms of the words in our own stream. */
  #sendOwn(saying: { bytes: Buffer; payloadType: number }): void {
    const payload = saying.bytes.subarray(0, 160);
    saying.bytes = saying.bytes.subarray(payload.length);
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (this.#own.first ? 0x80 : 0) | (saying.payloadType & 0x7f);
    header.writeUInt16BE(this.#own.seq, 2);
    header.writeUInt32BE(this.#own.ts >>> 0, 4);
    header.writeUInt32BE(this.#own.ssrc, 8);
    this.#own.first = false;
    this.#own.seq = (this.#own.seq + 1) & 0xffff;
    this.#own.ts = (this.#own.ts + 160) >>> 0;
    this.#send(this.#outer, Buffer.concat([header, payload]), this.#room);
  }

  /** A room's RTP or RTCP packet with its SSRC the one the bridge knows. */
  #fromRoom(packet: Buffer): Buffer {
    if (!isRtcp(packet)) {
      if (packet.length < 12) {
        return packet;
      }
      this.#roomSsrc = packet.readUInt32BE(8);
      packet.writeUInt32BE(this.upstreamSsrc, 8);

      return packet;
    }
    // Each report of a compound RTCP packet names its sender right after its header.
    forEachReport(packet, (at) => {
      if (this.#roomSsrc !== null && at + 8 <= packet.length && packet.readUInt32BE(at + 4) === this.#roomSsrc) {
        packet.writeUInt32BE(this.upstreamSsrc, at + 4);
      }
    });

    return packet;
  }

  /** The bridge's RTCP about the room's stream, naming the room's own SSRC again. */
  #toRoomRtcp(packet: Buffer): Buffer {
    const room = this.#roomSsrc;
    if (room === null) {
      return packet;
    }
    const swap = (offset: number) => {
      if (offset + 4 <= packet.length && packet.readUInt32BE(offset) === this.upstreamSsrc) {
        packet.writeUInt32BE(room, offset);
      }
    };
    forEachReport(packet, (at, type, count, end) => {
      if (type === 200 || type === 201) {
        // Report blocks (24 bytes) after a sender report's 28 bytes or a receiver report's 8.
        for (let block = 0, first = at + (type === 200 ? 28 : 8); block < count; block++) {
          if (first + 24 * block + 24 <= end) {
            swap(first + 24 * block);
          }
        }
      } else if (type === 205 || type === 206) {
        // Feedback (NACK, PLI, FIR): the media source it is about; a FIR names it again in its entry.
        swap(at + 8);
        if (type === 206 && count === 4) {
          swap(at + 12);
        }
      }
    });

    return packet;
  }

  /**
   * Whether a packet from `address:port` is the room's. The first packets latch the room where they come from (a
   * NAT's outside); packets from anywhere else are dropped (someone on the network cannot take a room's call over),
   * unless the room has been silent from its latched place for a while (its NAT gave it another port).
   */
  #latch(address: string, port: number): boolean {
    const now = this.#now();
    const here = this.#room !== null && this.#room.address === address && this.#room.port === port;
    if (!here && this.#latchedAt !== 0 && now - this.#latchedAt < RELATCH_AFTER_MS) {
      return false;
    }
    this.#room = { address, port };
    this.#latchedAt = now;

    return true;
  }

  #toBridge(packet: Buffer): void {
    this.#send(this.#inner, packet, this.#bridge);
  }

  #unprotect(packet: Buffer): Buffer | null {
    return this.#srtp === null ? packet : this.#srtp.unprotect(packet);
  }

  #send(socket: dgram.Socket, packet: Buffer, to: { address: string; port: number } | null): void {
    if (to === null || this.#closed) {
      return;
    }
    // What leaves for the room is protected with our key when the room speaks SRTP.
    let out = packet;
    if (this.#srtp !== null && socket !== this.#inner) {
      try {
        out = this.#srtp.protect(packet);
      } catch {
        // A packet that cannot be read as RTP is not sent (never thrown from a socket's handler).
        return;
      }
    }
    socket.send(out, to.port, to.address, () => undefined);
  }
}

/** Two sockets on consecutive ports (RTP even, RTCP odd) within a range, or one when RTCP is multiplexed. */
async function bindPair(
  type: 'udp4' | 'udp6',
  ip: string,
  ports: { min: number; max: number },
  pair: boolean,
): Promise<[dgram.Socket, dgram.Socket | null]> {
  const evenMin = ports.min + (ports.min % 2);
  const span = Math.max(1, Math.floor((ports.max - evenMin) / 2));
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = evenMin + ((start + i) % span) * 2;
    const rtp = await bindOne(type, ip, port);
    if (rtp === null) {
      continue;
    }
    if (!pair) {
      return [rtp, null];
    }
    const rtcp = await bindOne(type, ip, port + 1);
    if (rtcp !== null) {
      return [rtp, rtcp];
    }
    rtp.close();
  }
  throw new Error(`no free port pair for a room's sound in ${ports.min}–${ports.max}`);
}

async function bindOne(type: 'udp4' | 'udp6', ip: string, port: number): Promise<dgram.Socket | null> {
  const socket = dgram.createSocket(type);
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(null);
    });
    socket.bind(port, ip, () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
