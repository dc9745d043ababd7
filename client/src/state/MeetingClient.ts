import { errorText } from '../i18n/errorText.js';
import { connectMeeting, request, type MeetingSocket } from '../../../server/protocol/client.js';
import type { Ack, ErrorBody } from '../../../server/protocol/common.js';
import type { AckResultOf } from '../../../server/protocol/events.js';
import type { RequestName, RequestPayload } from '../../../server/protocol/requests.js';
import { applyMessage, fromSnapshot, type ConsoleMessage, type ConsoleState } from './consoleState.js';

/** Refusals that pass by themselves (a meeting changing owner, a busy server): retried after `RETRY_MS`. */
const RETRYABLE = new Set(['STORE_UNAVAILABLE', 'STORE_FENCED', 'RATE_LIMITED', 'INTERNAL']);
const RETRY_MS = 1500;

/** Where the console's link to the coordinator stands; the reconnect banner says it in words. */
export type Connection =
  | { phase: 'connecting' }
  | { phase: 'live' }
  | { phase: 'reconnecting'; attempt: number; since: number }
  | { phase: 'refused'; code: string; message: string; validFrom?: number };

/** A link not valid yet says from when (server/auth/JoinTokens.ts puts it in the refusal's details). */
const validFromOf = (details: { path?: string; message: string }[] | undefined): { validFrom?: number } => {
  const at = Number(details?.find((d) => d.path === 'validFrom')?.message);

  return Number.isFinite(at) && at > 0 ? { validFrom: at } : {};
};

export interface ConsoleView {
  state: ConsoleState | null;
  connection: Connection;
  notice: Notice | null;
}

export interface Notice {
  kind: 'error' | 'info';
  text: string;
  at: number;
}

/**
 * One console's connection: the socket, the meeting state folded from its snapshot and deltas, the connection
 * phase, and the last notice (a refused action). Components subscribe with `useSyncExternalStore`.
 */
export class MeetingClient {
  state: ConsoleState | null = null;
  connection: Connection = { phase: 'connecting' };
  notice: Notice | null = null;
  socket: MeetingSocket | null = null;
  readonly #listeners = new Set<() => void>();
  #stopped = false;

  constructor(readonly token: string) {}

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);

    return () => this.#listeners.delete(listener);
  };

  /** What components render from; a new object on every change (stable between changes, as React requires). */
  view: ConsoleView = { state: null, connection: this.connection, notice: null };

  #emit(): void {
    this.view = { state: this.state, connection: this.connection, notice: this.notice };
    this.#listeners.forEach((listener) => listener());
  }

  async connect(origin: string): Promise<void> {
    if (this.#stopped) {
      return;
    }
    try {
      const { socket, snapshot } = await connectMeeting(origin, this.token);
      this.socket = socket;
      this.state = fromSnapshot(snapshot, Date.now());
      this.connection = { phase: 'live' };
      socket.onAny((name: string, payload: unknown) => {
        // Media messages belong to the media client, except who is talking, which consoles show.
        if (this.state !== null && (!name.startsWith('media:') || name === 'media:activeSpeaker')) {
          this.state = applyMessage(this.state, { name, payload } as ConsoleMessage);
          this.#emit();
        }
      });
      socket.on('disconnect', (reason) => {
        // A server going down gracefully closes its sockets ('io server disconnect'), which socket.io does not retry
        // by itself: reconnect anyway, another coordinator takes over.
        if (reason === 'io server disconnect' && !this.#stopped) {
          setTimeout(() => socket.connect(), RETRY_MS);
        }
        this.connection = { phase: 'reconnecting', attempt: 0, since: Date.now() };
        this.#emit();
      });
      socket.io.on('reconnect_attempt', (attempt) => {
        if (this.connection.phase === 'reconnecting') {
          this.connection = { ...this.connection, attempt };
          this.#emit();
        }
      });
      socket.on('connect', () => {
        this.connection = { phase: 'live' };
        this.#emit();
      });
      socket.on('connect_error', (error: Error & { data?: ErrorBody }) => {
        const code = error.data?.code;
        if (code === undefined) {
          return; // transport errors: socket.io retries by itself
        }
        if (RETRYABLE.has(code)) {
          // The meeting is moving to another coordinator (failover): keep trying, as the banner says.
          const since = this.connection.phase === 'reconnecting' ? this.connection.since : Date.now();
          this.connection = { phase: 'reconnecting', attempt: 0, since };
          setTimeout(() => socket.connect(), RETRY_MS);
        } else {
          this.connection = {
            phase: 'refused',
            code,
            message: error.data?.message ?? error.message,
            ...validFromOf(error.data?.details),
          };
          socket.close();
        }
        this.#emit();
      });
    } catch (error) {
      const {
        code = 'CONNECT_FAILED',
        message,
        details,
      } = error as Error & { code?: string; details?: ErrorBody['details'] };
      if (RETRYABLE.has(code) || code === 'CONNECT_FAILED') {
        // The server is restarting or the meeting is moving: try again rather than give up.
        setTimeout(() => void this.connect(origin), RETRY_MS);

        return;
      }
      this.connection = { phase: 'refused', code, message, ...validFromOf(details) };
    }
    this.#emit();
  }

  /**
   * Sends a request; a refusal becomes the console's notice (and is returned, for forms that show it inline).
   * Background requests (`quiet`), such as link samples, never raise a notice.
   */
  async send<E extends RequestName>(
    event: E,
    payload: RequestPayload<E>,
    { quiet = false }: { quiet?: boolean } = {},
  ): Promise<Ack<AckResultOf<E>>> {
    if (this.socket === null) {
      return { ok: false, error: { code: 'INTERNAL', message: 'Chưa kết nối (not connected)' } };
    }
    let ack: Ack<AckResultOf<E>>;
    try {
      ack = await request(this.socket, event, payload);
    } catch {
      ack = { ok: false, error: { code: 'INTERNAL', message: 'Máy chủ không trả lời (no answer)' } };
    }
    if (!ack.ok && !quiet) {
      this.notify('error', errorText(ack.error.code, ack.error.message));
    }

    return ack;
  }

  notify(kind: Notice['kind'], text: string): void {
    this.notice = { kind, text, at: Date.now() };
    this.#emit();
  }

  /** Folds a locally known fact (the point's own link class from a telemetry ack) into the state. */
  update(change: (state: ConsoleState) => ConsoleState): void {
    if (this.state !== null) {
      this.state = change(this.state);
      this.#emit();
    }
  }

  close(): void {
    this.#stopped = true;
    this.socket?.close();
  }
}
