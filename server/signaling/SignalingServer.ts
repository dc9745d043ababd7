import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/core/errors.js';
import type { MeetingEvent } from '../domain/core/events.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { TelemetryService } from '../telemetry/TelemetryService.js';
import type { MediaService } from '../media/MediaService.js';
import { socketLimiter } from './limits.js';
import { fanOut } from './fanOut.js';
import { rooms } from './rooms.js';
import { snapshotFor } from './views.js';
import { dispatchRequest, toErrorBody } from './handle.js';
import { TurnCredentials } from '../reach/turn.js';
import { MeetingGateway, type GatewayOptions, type Opened, type SocketRef } from './MeetingGateway.js';
import { ReplayMarkers } from './ReplayMarkers.js';
import type { TypedServer, TypedSocket } from './typedServer.js';
import type { SocketData } from '../protocol/events.js';
import type { Snapshot } from '../protocol/messages.js';
import type { RequestName } from '../protocol/requests.js';

const logger = createLogger('SignalingServer');

export interface SignalingServerOptions {
  httpServer: HttpServer;
  meetings: MeetingService;
  tokens: JoinTokens;
  telemetry: TelemetryService;
  media: MediaService;
  /** Largest message accepted, bytes. Default 65536. */
  maxMessageBytes?: number;
  /** Connection-state recovery window, seconds. Default 120. */
  recoveryWindowSec?: number;
  /** Sockets one token may hold at once. Default 3. */
  maxConnectionsPerToken?: number;
  /** Browser origins allowed to connect; requests without an Origin header (non-browser clients) always may. */
  allowedOrigins?: string[];
  /** Lifetime of tokens from `auth:refresh`, seconds. Default 3600. */
  sessionTokenTtlSec?: number;
  /** Scales every per-socket rate budget (server/signaling/limits.ts). Default 1. */
  rateLimitMultiplier?: number;
  /** The relay credentials consoles are handed with their media. Default none (no TURN). */
  turn?: TurnCredentials;
  /** Server clock. Default Date.now. */
  now?: () => number;
  /** Several coordinators: the bus between them and how to find a meeting's owner (MeetingGateway). */
  cluster?: GatewayOptions['cluster'];
}

/** socket.io signaling: authenticates on connect, validates and authorizes every request, fans events out to rooms. */
/**
 * Events after which every console's snapshot is sent again: the office amended the meeting, a linked child brought
 * (or took away) its points, or its link went down or came back (its points' presence is unknown meanwhile).
 */
const RESNAPSHOT_EVENTS: ReadonlySet<string> = new Set([
  'MeetingAmended',
  'ChildLinked',
  'ChildLinkLost',
  'ChildLinkResumed',
  'ChildUnlinked',
]);
const RESNAPSHOT_DELAY_MS = 300;

export class SignalingServer {
  readonly io: TypedServer;
  readonly #tokens: JoinTokens;
  readonly #telemetry: TelemetryService;
  readonly #rateLimitMultiplier: number;
  readonly #maxConnectionsPerToken: number;
  /** Live sockets per join token on this node. */
  readonly #tokenSockets = new Map<string, number>();
  /** What the owner answered for each socket between the middleware and the connection. */
  readonly #opened = new Map<string, Opened>();
  /** Meetings whose consoles get their snapshot again shortly. */
  readonly #resendDue = new Map<string, NodeJS.Timeout>();
  readonly #gateway: MeetingGateway;
  readonly #replayMarkers: ReplayMarkers;
  readonly #now: () => number;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor({
    httpServer,
    meetings,
    tokens,
    telemetry,
    media,
    maxMessageBytes = 65_536,
    recoveryWindowSec = 120,
    rateLimitMultiplier = 1,
    maxConnectionsPerToken = 3,
    allowedOrigins = [],
    sessionTokenTtlSec = 3600,
    turn = new TurnCredentials({ urls: [], secret: null, ttlSec: 3600 }),
    now = Date.now,
    cluster,
  }: SignalingServerOptions) {
    this.#rateLimitMultiplier = rateLimitMultiplier;
    this.#maxConnectionsPerToken = maxConnectionsPerToken;
    this.#tokens = tokens;
    this.#telemetry = telemetry;
    this.#now = now;
    this.#gateway = new MeetingGateway({
      meetings,
      telemetry,
      media,
      tokens,
      sessionTokenTtlSec,
      turn,
      now,
      cluster,
    });
    this.io = new Server(httpServer, {
      maxHttpBufferSize: maxMessageBytes,
      connectionStateRecovery: { maxDisconnectionDuration: recoveryWindowSec * 1000, skipMiddlewares: true },
      serveClient: false,
      // The link between coordinators has its own path on this HTTP server (server/linking/LinkHub.ts).
      destroyUpgrade: false,
      // Browsers must come from an allowed origin; a page elsewhere cannot ride on a user's join link.
      allowRequest: (req, callback) => {
        const origin = req.headers.origin;
        const host = req.headers.host;
        const ok =
          origin === undefined ||
          allowedOrigins.includes(origin) ||
          (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
        callback(ok ? null : 'ORIGIN_NOT_ALLOWED', ok);
      },
    });
    this.#replayMarkers = new ReplayMarkers(this.io);
    this.io.use((socket, next) => {
      this.#authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          const body = toErrorBody(error);
          next(Object.assign(new Error(body.message), { data: body }));
        },
      );
    });
    this.io.on('connection', (socket) => this.#onConnection(socket));
    const stopEvents = meetings.onEvents((runtime, events) => this.#fanOut(runtime, events));
    const stopRevocations = tokens.registry?.onRevoked((linkId) => this.#closeRevoked(linkId)) ?? (() => undefined);
    this.#unsubscribe = () => {
      stopEvents();
      stopRevocations();
    };
  }

  /** The way to each meeting's owner (also used by HTTP to forward requests about a meeting). */
  get gateway(): MeetingGateway {
    return this.#gateway;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Disconnects every socket and stops listening to meetings. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#unsubscribe();
    this.#resendDue.forEach((timer) => clearTimeout(timer));
    this.#resendDue.clear();
    this.#replayMarkers.stop();
    this.#gateway.stop();
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }

  /**
   * Verifies the join token here, then opens the socket at its meeting's owner (wherever that is), which checks the
   * point may join, counts its presence and returns its rooms and snapshot.
   */
  async #authenticate(socket: TypedSocket): Promise<void> {
    const claims = await this.#tokens.verify(socket.handshake.auth?.token);
    if (claims.linkedUnitId !== null) {
      // An invitation to link a meeting opens no console: it is good on the link namespace only.
      throw new DomainError(
        'FORBIDDEN',
        'Lời mời kết nối liên thông không dùng để mở giao diện (a link invitation opens no console)',
      );
    }
    const held = this.#tokenSockets.get(claims.tokenId) ?? 0;
    if (held >= this.#maxConnectionsPerToken) {
      throw new DomainError(
        'TOO_MANY_CONNECTIONS',
        'Mã tham dự đang được dùng ở quá nhiều nơi (too many connections for this token)',
      );
    }
    const actor: SocketData['actor'] = {
      role: claims.role,
      ...(claims.pointId === null ? {} : { pointId: claims.pointId }),
      tokenId: claims.tokenId,
      address: socket.handshake.address,
      ...(claims.person === null ? {} : { person: claims.person }),
    };
    const opened = await this.#gateway.open(claims.meetingId, {
      socketId: socket.id,
      actor,
      linkExpiresAt: claims.expiresAt,
    });
    socket.data.meetingId = claims.meetingId;
    socket.data.tokenId = claims.tokenId;
    socket.data.linkId = claims.linkId;
    socket.data.actor = actor;
    socket.data.linkExpiresAt = claims.expiresAt;
    this.#opened.set(socket.id, opened);
  }

  /** Closes this node's sockets of a revoked link (every node does the same for its own). */
  #closeRevoked(linkId: string): void {
    for (const socket of this.io.of('/').sockets.values()) {
      if (socket.data.linkId === linkId || socket.data.tokenId === linkId) {
        logger.info({ meetingId: socket.data.meetingId, linkId }, 'revoked link: socket closed');
        // Closed by the server, the session is not kept for recovery: a reconnect goes through the handshake again.
        socket.disconnect(true);
      }
    }
  }

  #onConnection(socket: TypedSocket): void {
    const { meetingId, actor, tokenId, linkId, linkExpiresAt } = socket.data;
    if (this.#tokens.registry?.isRevoked(linkId)) {
      // A recovered session skips the handshake; its link may have been revoked while it was away.
      socket.disconnect(true);

      return;
    }
    const ref: SocketRef = { socketId: socket.id, actor, linkExpiresAt };
    this.#tokenSockets.set(tokenId, (this.#tokenSockets.get(tokenId) ?? 0) + 1);
    socket.on('disconnect', () => {
      const left = (this.#tokenSockets.get(tokenId) ?? 1) - 1;
      if (left <= 0) {
        this.#tokenSockets.delete(tokenId);
      } else {
        this.#tokenSockets.set(tokenId, left);
      }
      this.#opened.delete(socket.id);
      this.#replayMarkers.forget(socket.id);
      void this.#gateway.close(meetingId, ref);
    });
    const opened = this.#opened.get(socket.id);
    this.#opened.delete(socket.id);
    if (opened !== undefined && !socket.recovered) {
      // Rooms first, then the snapshot: every event after the snapshot reaches the socket (one before it may come
      // twice, which views absorb).
      void socket.join(opened.rooms);
      this.#gateway.run(meetingId, ref, 'meeting:snapshot', {}).then(
        (result) => {
          const { snapshot } = result as { snapshot: Snapshot };
          // The snapshot to this node's socket only: with connection-state recovery `socket.emit` also writes each
          // message to the coordinators' shared stream for replay and every other node reads it back, a snapshot's
          // whole bytes per join in a storm of thousands. A short marker follows (ReplayMarkers). (Dropped before the
          // marker, a socket starts a new session, or, recovered on an earlier offset, asks for the snapshot:
          // connectMeeting.)
          this.io.local.to(socket.id).emit('meeting:snapshot', snapshot);
          this.#replayMarkers.add(socket.id);
        },
        (error: unknown) => {
          logger.warn({ err: error, meetingId }, 'no snapshot for a new socket; it will reconnect');
          socket.disconnect(true);
        },
      );
    } else {
      // A recovered session skipped the middleware: its rooms came back with it; count its presence again.
      this.#gateway.open(meetingId, ref).catch((error: unknown) => {
        logger.warn({ err: error, meetingId }, 'recovered socket could not reopen');
      });
    }
    const allow = socketLimiter(this.#telemetry.intervalMs, this.#rateLimitMultiplier);
    const run = async (name: RequestName, payload: unknown) => {
      const result = await this.#gateway.run(meetingId, ref, name, payload);
      if (name === 'auth:refresh') {
        // The socket now stands on the refreshed token: what it is handed next (relay credentials) may last as long.
        ref.linkExpiresAt = (result as { expiresAt: number }).expiresAt;
        socket.data.linkExpiresAt = ref.linkExpiresAt;
      }

      return result;
    };
    socket.onAny((event: string, ...args: unknown[]) => dispatchRequest(run, allow, event, args));
  }

  #fanOut(runtime: MeetingRuntime, events: MeetingEvent[]): void {
    fanOut(this.io, runtime, events);
    if (events.some((event) => RESNAPSHOT_EVENTS.has(event.type))) {
      this.#resendSoon(runtime);
    }
  }

  /** One resend for a burst (a national meeting's 34 provinces linking at once), a moment after its first event. */
  #resendSoon(runtime: MeetingRuntime): void {
    if (this.#resendDue.has(runtime.id)) {
      return;
    }
    const timer = setTimeout(() => {
      this.#resendDue.delete(runtime.id);
      void this.#resendSnapshots(runtime);
    }, RESNAPSHOT_DELAY_MS);
    timer.unref();
    this.#resendDue.set(runtime.id, timer);
  }

  /**
   * The meeting's make-up changed while rooms were already in (the office amended it; a linked child brought its points
   * or lost its link): each console gets its own snapshot again, as on joining, wherever its socket is.
   */
  async #resendSnapshots(runtime: MeetingRuntime): Promise<void> {
    try {
      const sockets = await this.io.in(rooms.meeting(runtime.id)).fetchSockets();
      for (const socket of sockets) {
        const { actor } = socket.data;
        socket.emit(
          'meeting:snapshot',
          snapshotFor(runtime.state, runtime.index, actor, this.#now(), this.#telemetry.intervalMs),
        );
      }
    } catch (error) {
      logger.warn({ err: error, meetingId: runtime.id }, 'amended meeting: snapshots not resent');
    }
  }
}
