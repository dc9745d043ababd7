import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach } from 'vitest';
import { RtpRelay } from '../../server/sip/RtpRelay.js';
import { freePort } from './poll.js';

type RelayOptions = Partial<Parameters<typeof RtpRelay.open>[0]>;

/**
 * Rooms' media relays and plain sockets on loopback for a test file, each closed after its test: `openRelay` (rtcp-mux,
 * no keys unless told) and `bound` (a socket keeping what it hears).
 */
export function relayKit() {
  const sockets: dgram.Socket[] = [];
  const relays: RtpRelay[] = [];
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
    relays.splice(0).forEach((r) => r.close());
  });

  return {
    async openRelay(options: RelayOptions = {}): Promise<RtpRelay> {
      const port = await freePort();
      const relay = await RtpRelay.open({
        listenIp: '127.0.0.1',
        ports: { min: port - (port % 2), max: port - (port % 2) + 40 },
        rtcpMux: true,
        room: null,
        telephoneEvent: null,
        onKey: () => undefined,
        ...options,
      });
      relays.push(relay);

      return relay;
    },
    async bound(): Promise<{ socket: dgram.Socket; heard: Buffer[] }> {
      const socket = dgram.createSocket('udp4');
      sockets.push(socket);
      socket.bind(0, '127.0.0.1');
      await once(socket, 'listening');
      const heard: Buffer[] = [];
      socket.on('message', (p: Buffer) => heard.push(p));

      return { socket, heard };
    },
  };
}
