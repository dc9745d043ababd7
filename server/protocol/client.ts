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
 * Connects with a join token and resolves with the socket and its first snapshot (listeners attached afterwards miss
 * nothing: deltas only follow the snapshot). Rejects with the server's `{ code, message }` when refused.
 */
export function connectMeeting(
  url: string,
  token: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<MeetingConnection> {
  const socket: MeetingSocket = io(url, { auth: { token }, transports: ['websocket'], ...options });

  return new Promise((resolve, reject) => {
    const onError = (error: Error & { data?: ErrorBody }) => {
      socket.off('meeting:snapshot', onSnapshot);
      socket.close();
      reject(
        Object.assign(new Error(error.data?.message ?? error.message), { code: error.data?.code ?? 'CONNECT_FAILED' }),
      );
    };
    const onSnapshot = (snapshot: Snapshot) => {
      socket.off('connect_error', onError);
      resolve({ socket, snapshot });
    };
    socket.once('meeting:snapshot', onSnapshot);
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
