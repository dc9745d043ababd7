import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/errors.js';
import type { MeetingEvent } from '../domain/events.js';
import type { Actor } from '../domain/model.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../protocol/events.js';
import type { TelemetryService } from '../telemetry/TelemetryService.js';
import type { MediaService } from '../media/MediaService.js';
import { socketLimiter } from './limits.js';
import { fanOut } from './fanOut.js';
import { dispatchRequest, toErrorBody } from './handle.js';
import type { RequestContext } from './requestHandlers.js';
import { rooms } from './rooms.js';
import { isStaff, snapshotFor } from './views.js';

const logger = createLogger('SignalingServer');

export type TypedServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

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
  /** Server clock. Default Date.now. */
  now?: () => number;
}

/** socket.io signaling: authenticates on connect, validates and authorizes every request, fans events out to rooms. */
export class SignalingServer {
  readonly io: TypedServer;
  readonly #meetings: MeetingService;
  readonly #tokens: JoinTokens;
  readonly #telemetry: TelemetryService;
  readonly #media: MediaService;
  readonly #now: () => number;
  readonly #rateLimitMultiplier: number;
  readonly #maxConnectionsPerToken: number;
  readonly #sessionTokenTtlSec: number;
  /** Live sockets per join token on this node. */
  readonly #tokenSockets = new Map<string, number>();
  /** Live sockets per meeting point on this node: presence changes only on 0 ↔ 1. */
  readonly #pointSockets = new Map<string, number>();
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
    now = Date.now,
  }: SignalingServerOptions) {
    this.#rateLimitMultiplier = rateLimitMultiplier;
    this.#maxConnectionsPerToken = maxConnectionsPerToken;
    this.#sessionTokenTtlSec = sessionTokenTtlSec;
    this.#meetings = meetings;
    this.#tokens = tokens;
    this.#telemetry = telemetry;
    this.#media = media;
    this.#now = now;
    this.io = new Server(httpServer, {
      maxHttpBufferSize: maxMessageBytes,
      connectionStateRecovery: { maxDisconnectionDuration: recoveryWindowSec * 1000, skipMiddlewares: true },
      serveClient: false,
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
    this.#unsubscribe = meetings.onEvents((runtime, events) => this.#fanOut(runtime, events));
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
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }

  async #authenticate(socket: TypedSocket): Promise<void> {
    const claims = await this.#tokens.verify(socket.handshake.auth?.token);
    const runtime = this.#meetings.get(claims.meetingId);
    const status = runtime.state.status;
    if (claims.role === 'point') {
      if (claims.pointId === null || !isInvited(runtime, claims.pointId)) {
        throw new DomainError('NOT_INVITED', 'Điểm cầu không được mời dự hội nghị này (point not invited)');
      }
      if (status === 'scheduled') {
        throw new DomainError('MEETING_NOT_OPEN', 'Hội nghị chưa mở, vui lòng chờ (the meeting is not open yet)');
      }
      if (status === 'ended') {
        throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
      }
    }
    const held = this.#tokenSockets.get(claims.tokenId) ?? 0;
    if (held >= this.#maxConnectionsPerToken) {
      throw new DomainError(
        'TOO_MANY_CONNECTIONS',
        'Mã tham dự đang được dùng ở quá nhiều nơi (too many connections for this token)',
      );
    }
    socket.data.meetingId = claims.meetingId;
    socket.data.tokenId = claims.tokenId;
    socket.data.actor = {
      role: claims.role,
      ...(claims.pointId === null ? {} : { pointId: claims.pointId }),
      tokenId: claims.tokenId,
      address: socket.handshake.address,
    };
  }

  #onConnection(socket: TypedSocket): void {
    const { meetingId, actor } = socket.data;
    let runtime: MeetingRuntime;
    try {
      runtime = this.#meetings.get(meetingId);
    } catch {
      socket.disconnect(true);

      return;
    }
    const tokenId = socket.data.tokenId;
    this.#tokenSockets.set(tokenId, (this.#tokenSockets.get(tokenId) ?? 0) + 1);
    socket.on('disconnect', () => {
      const left = (this.#tokenSockets.get(tokenId) ?? 1) - 1;
      if (left <= 0) {
        this.#tokenSockets.delete(tokenId);
      } else {
        this.#tokenSockets.set(tokenId, left);
      }
    });
    if (!socket.recovered) {
      void socket.join(this.#roomsFor(runtime, actor));
      socket.emit(
        'meeting:snapshot',
        snapshotFor(runtime.state, runtime.index, actor, this.#now(), this.#telemetry.intervalMs),
      );
    }
    if (actor.role === 'point' && actor.pointId !== undefined) {
      this.#trackPresence(runtime, actor.pointId, +1);
      socket.on('disconnect', () => this.#trackPresence(runtime, actor.pointId as string, -1));
    }
    this.#registerHandlers(socket, runtime, actor);
  }

  #roomsFor(runtime: MeetingRuntime, actor: Actor): string[] {
    const id = runtime.id;
    const list = [rooms.meeting(id), rooms.role(id, actor.role)];
    if (isStaff(actor.role)) {
      list.push(rooms.staff(id));
    }
    if (actor.pointId !== undefined) {
      list.push(rooms.points(id), rooms.point(id, actor.pointId));
      const point = runtime.index.points.get(actor.pointId);
      if (point !== undefined) {
        list.push(...runtime.index.unitPath(point.unitCode).map((u) => rooms.unit(id, u.code)));
      }
    }

    return list;
  }

  #trackPresence(runtime: MeetingRuntime, pointId: string, delta: 1 | -1): void {
    const key = `${runtime.id}\u0000${pointId}`;
    const before = this.#pointSockets.get(key) ?? 0;
    const after = Math.max(0, before + delta);
    if (after === 0) {
      this.#pointSockets.delete(key);
    } else {
      this.#pointSockets.set(key, after);
    }
    if ((before === 0) === (after === 0) || this.#closed) {
      return;
    }
    const type = after > 0 ? 'point.connect' : 'point.disconnect';
    runtime.execute({ type, pointId }, { role: 'system' }).catch((error: unknown) => {
      logger.warn({ err: error, meetingId: runtime.id, pointId }, `presence ${type} failed`);
    });
  }

  /** One listener per socket dispatches every request (server/signaling/handle.ts). */
  #registerHandlers(socket: TypedSocket, runtime: MeetingRuntime, actor: SocketData['actor']): void {
    const ctx: RequestContext = {
      socketId: socket.id,
      runtime,
      actor,
      telemetry: this.#telemetry,
      media: this.#media,
      tokens: this.#tokens,
      sessionTokenTtlSec: this.#sessionTokenTtlSec,
      now: this.#now,
    };
    const allow = socketLimiter(this.#telemetry.intervalMs, this.#rateLimitMultiplier);
    socket.on('disconnect', () => this.#media.leave(runtime.id, socket.id));
    socket.onAny((event: string, ...args: unknown[]) => dispatchRequest(ctx, allow, event, args));
  }

  #fanOut(runtime: MeetingRuntime, events: MeetingEvent[]): void {
    fanOut(this.io, runtime, events);
  }
}

function isInvited(runtime: MeetingRuntime, pointId: string): boolean {
  return runtime.state.points[pointId] !== undefined && pointId !== runtime.state.def.hubPointId;
}
