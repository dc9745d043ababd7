import dgram from 'node:dgram';
import { once } from 'node:events';
import { isIPv6 } from 'node:net';
import { TelephoneEvents } from './telephoneEvents.js';

/**
 * A plain-RTP room's stream passes through this process on its way to and from the bridge. On its sound, the keys of
 * its remote (RFC 4733 telephone-events) are read here: mediasoup forwards media codecs only and drops them. On the way
 * down, the payload type the bridge sends with (its own numbering) is rewritten to the one the room asked for in its
 * offer (RFC 3264: a room receives with the numbers it offered). The room talks to `outer` (RTP, and RTCP on the next
 * socket unless multiplexed); the bridge's PlainTransport talks to `inner` on loopback, multiplexed. An SRTP room's
 * streams go straight to the bridge (their payloads and headers are protected): its keys come by SIP INFO.
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

  private constructor(
    outer: dgram.Socket,
    outerRtcp: dgram.Socket | null,
    inner: dgram.Socket,
    room: { address: string; port: number; rtcpPort: number | null } | null,
  ) {
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
  }: {
    listenIp: string;
    ports: { min: number; max: number };
    rtcpMux: boolean;
    room: { address: string; port: number; rtcpPort: number | null } | null;
    telephoneEvent: number | null;
    onKey: (key: string) => void;
  }): Promise<RtpRelay> {
    const type = isIPv6(listenIp) ? 'udp6' : 'udp4';
    const [outer, outerRtcp] = await bindPair(type, listenIp, ports, !rtcpMux);
    const inner = dgram.createSocket('udp4');
    inner.on('error', () => undefined);
    inner.bind(0, '127.0.0.1');
    await once(inner, 'listening');
    const relay = new RtpRelay(outer, outerRtcp, inner, room);
    const events = telephoneEvent === null ? null : new TelephoneEvents(telephoneEvent);
    outer.on('message', (packet, from) => {
      // Comedia: the room's packets say where it is (a NAT's outside address), and its sound is answered there.
      relay.#room = { address: from.address, port: from.port };
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
      relay.#toBridge(packet);
    });
    outerRtcp?.on('message', (packet, from) => {
      relay.#roomRtcp = { address: from.address, port: from.port };
      relay.#toBridge(packet);
    });
    inner.on('message', (packet, from) => {
      relay.#bridge ??= { address: from.address, port: from.port };
      if (isRtcp(packet)) {
        relay.#send(outerRtcp ?? outer, packet, relay.#roomRtcp);
      } else {
        relay.#send(outer, relay.#renumber(packet), relay.#room);
      }
    });

    return relay;
  }

  /** Where the room sends: the answer's port (and RTCP port, or `null` when multiplexed). */
  get roomFacing(): { port: number; rtcpPort: number | null } {
    return { port: this.#outer.address().port, rtcpPort: this.#outerRtcp?.address().port ?? null };
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

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
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

  #toBridge(packet: Buffer): void {
    this.#send(this.#inner, packet, this.#bridge);
  }

  #send(socket: dgram.Socket, packet: Buffer, to: { address: string; port: number } | null): void {
    if (to !== null && !this.#closed) {
      socket.send(packet, to.port, to.address, () => undefined);
    }
  }
}

/** RTCP packet types 192–223 sit where an RTP header has its marker and payload type (RFC 5761). */
function isRtcp(packet: Buffer): boolean {
  const type = packet[1] ?? 0;

  return type >= 192 && type <= 223;
}

function isEvent(packet: Buffer, payloadType: number | null): boolean {
  return payloadType !== null && ((packet[1] ?? 0) & 0x7f) === payloadType;
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
