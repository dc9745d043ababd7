import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { DEFAULT_LISTEN_BACKLOG } from '../../server/config.js';

/**
 * The baseline: a bare socket.io server that only broadcasts a message of a given size to every client when the
 * "chair" asks, and acks each point's request at once. Nothing else: no auth, no state, no log.
 */
let acked = 0;
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 1e6 });
io.on('connection', (socket) => {
  socket.on('go', (payload: { body: string }, ack: () => void) => {
    io.emit('msg', payload);
    ack();
  });
  socket.on('point:readiness', (_payload: unknown, ack: (body: { ok: true; seq: number }) => void) => {
    acked += 1;
    ack({ ok: true, seq: acked });
  });
});
// The coordinators' accept queue, so both join storms meet the same kernel.
httpServer.listen({ port: 0, host: '127.0.0.1', backlog: DEFAULT_LISTEN_BACKLOG }, () => {
  const { port } = httpServer.address() as AddressInfo;
  process.send?.({ id: 0, ok: true, result: { url: `http://127.0.0.1:${port}` } });
});
