import { createSocket, type Socket } from 'node:dgram';

/**
 * A receiver process of the plain media benchmark (test/bench/plainMedia.ts): opens UDP sockets on loopback, one per
 * receiving point, and only counts the RTP packets and bytes each gets and the gaps in their sequence numbers (the RTP header
 * is not encrypted by SRTP). Driven over IPC: `open` (n sockets → their ports), `mark` (zero the counts), `report`.
 */
type Message =
  | { id: number; cmd: 'open'; count: number }
  | { id: number; cmd: 'mark' }
  | { id: number; cmd: 'report' }
  | { id: number; cmd: 'exit' };

interface Counter {
  socket: Socket;
  packets: number;
  bytes: number;
  lost: number;
  /** The last sequence number per SSRC (a point gets the program's picture and its sound on one socket). */
  last: Map<number, number>;
}

const counters: Counter[] = [];

function open(count: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number>((resolve, reject) => {
          const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
          const counter: Counter = { socket, packets: 0, bytes: 0, lost: 0, last: new Map() };
          socket.on('message', (packet) => {
            if (packet.length < 12 || packet[0] === undefined || packet[0] >> 6 !== 2) {
              return;
            }
            // RTCP (payload types 200-204 with the mux) is not media.
            const type = packet[1] ?? 0;
            if (type >= 200 && type <= 204) {
              return;
            }
            const seq = packet.readUInt16BE(2);
            const ssrc = packet.readUInt32BE(8);
            const last = counter.last.get(ssrc);
            if (last !== undefined) {
              const step = (seq - last + 0x10000) & 0xffff;
              if (step > 1 && step < 0x8000) {
                counter.lost += step - 1;
              }
            }
            counter.last.set(ssrc, seq);
            counter.packets += 1;
            counter.bytes += packet.length;
          });
          socket.once('error', reject);
          socket.bind(0, '127.0.0.1', () => {
            counters.push(counter);
            resolve(socket.address().port);
          });
        }),
    ),
  );
}

process.on('message', (message: Message) => {
  const reply = (result: unknown) => process.send?.({ id: message.id, ok: true, result });
  switch (message.cmd) {
    case 'open':
      void open(message.count).then(reply, (error: unknown) =>
        process.send?.({ id: message.id, ok: false, error: String(error) }),
      );
      break;
    case 'mark':
      counters.forEach((c) => {
        c.packets = 0;
        c.bytes = 0;
        c.lost = 0;
      });
      reply(null);
      break;
    case 'report':
      reply(counters.map((c) => ({ packets: c.packets, bytes: c.bytes, lost: c.lost })));
      break;
    case 'exit':
      process.exit(0);
  }
});
process.send?.({ id: 0, ok: true, result: 'ready' });
