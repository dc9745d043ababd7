import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { LINK_NAMESPACE, LINK_PATH } from '../../server/protocol/link.js';

/** A request a child sent up, as the fake parent received it. */
export interface Received {
  event: string;
  body: unknown;
}

/**
 * A parent coordinator that is not diemcau: a bare socket.io server on the link's path and namespace, for tests of
 * what a child does with a parent of another version, or a hostile one. `answer` decides each request's ack (return
 * `undefined` to leave it unanswered); every request is kept in `received`.
 */
export async function startFakeParent(
  host: string,
  answer: (event: string, body: unknown, socket: Socket) => unknown,
): Promise<{
  url: string;
  received: Received[];
  sockets: () => Socket[];
  close(): Promise<void>;
}> {
  const http: HttpServer = createServer();
  const io = new Server(http, { path: LINK_PATH, transports: ['websocket'], serveClient: false });
  const received: Received[] = [];
  io.of(LINK_NAMESPACE).on('connection', (socket) => {
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      received.push({ event, body: args[0] });
      const reply = answer(event, args[0], socket);
      if (reply !== undefined && typeof ack === 'function') {
        (ack as (value: unknown) => void)(reply);
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    received,
    sockets: () => [...io.of(LINK_NAMESPACE).sockets.values()],
    async close() {
      io.of(LINK_NAMESPACE).disconnectSockets(true);
      await io.close();
    },
  };
}

/** A well-formed answer to `link:hello`, as a parent of this version gives it; `overrides` change any part. */
export function helloAnswerBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ok: true,
    parentMeetingId: 'tw',
    parentTitle: 'Hội nghị trực tuyến toàn quốc',
    unitId: 'P1',
    status: 'in_session',
    rollCall: null,
    turn: null,
    queued: [],
    slides: null,
    screen: null,
    ...overrides,
  };
}
