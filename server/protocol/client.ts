import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Ack, ErrorBody } from './common.js';
import type { AckResultOf, ClientToServerEvents, ServerToClientEvents } from './events.js';
import type { Snapshot } from './messages.js';
import type { RequestName, RequestPayload } from './requests.js';

/** The typed socket every diemcau client uses (consoles, simulator, tests). */
export type MeetingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface MeetingConnection {
  socket: MeetingSocket;
  /** The snapshot the server sends on connect; deltas follow on the socket. */
  snapshot: Snapshot;
}

/**
 * Connects with a join token and resolves with the socket and its first snapshot. Listeners attached when it
 * resolves miss nothing: deltas follow the snapshot, and those that came in the same chunk are handed to them just
 * after. Rejects with the server's `{ code, message }` when refused.
 */
export function connectMeeting(
  url: string,
  token: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<MeetingConnection> {
  const socket: MeetingSocket = io(url, { auth: { token }, transports: ['websocket'], ...options });

  return new Promise((resolve, reject) => {
    // Messages that arrive with the snapshot in one chunk are handled before the caller can attach listeners (Node
    // clients; a browser handles each message in its own task): keep them and hand them over just after.
    let batch: [string, unknown[]][] | null = null;
    const capture = (event: string, ...args: unknown[]) => {
      if (batch !== null && event !== 'meeting:snapshot') {
        batch.push([event, args]);
      }
    };
    socket.onAny(capture);
    let settled = false;
    const onError = (error: Error & { data?: ErrorBody }) => {
      settled = true;
      socket.off('meeting:snapshot', onSnapshot);
      socket.off('connect', onRecovered);
      socket.offAny(capture);
      socket.close();
      reject(
        Object.assign(new Error(error.data?.message ?? error.message), {
          code: error.data?.code ?? 'CONNECT_FAILED',
          details: error.data?.details,
        }),
      );
    };
    const onSnapshot = (snapshot: Snapshot) => {
      if (settled) {
        return;
      }
      settled = true;
      socket.off('meeting:snapshot', onSnapshot);
      socket.off('connect', onRecovered);
      socket.off('connect_error', onError);
      batch = [];
      // The end of this synchronous run of messages; the caller's listeners exist by the next macrotask.
      queueMicrotask(() => {
        const caught = batch ?? [];
        batch = null;
        socket.offAny(capture);
        if (caught.length > 0) {
          setTimeout(() => {
            for (const [event, args] of caught) {
              const listeners = socket.listeners(event as never) as ((...a: unknown[]) => void)[];
              listeners.forEach((listener) => listener(...args));
              socket.listenersAny().forEach((listener) => listener(event, ...args));
            }
          }, 0);
        }
      });
      resolve({ socket, snapshot });
    };
    // The snapshot is not kept for replay: a session recovered on an offset it had before the snapshot asks for it.
    const onRecovered = () => {
      if (socket.recovered) {
        void request(socket, 'meeting:snapshot', {}).then(
          (ack) => ack.ok && onSnapshot(ack.snapshot),
          () => undefined,
        );
      }
    };
    socket.on('meeting:snapshot', onSnapshot);
    socket.on('connect', onRecovered);
    socket.once('connect_error', onError);
  });
}

/** Sends a request and resolves with its ack (`{ ok: false }` included; only a timeout rejects). */
export function request<E extends RequestName>(
  socket: MeetingSocket,
  event: E,
  payload: RequestPayload<E>,
  timeoutMs = 10_000,
): Promise<Ack<AckResultOf<E>>> {
  // socket.io's typed timeout() wrapper cannot express a generic event; the event maps still type both ends.
  const timed = socket.timeout(timeoutMs) as unknown as {
    emitWithAck(event: E, payload: RequestPayload<E>): Promise<Ack<AckResultOf<E>>>;
  };

  return timed.emitWithAck(event, payload);
}
