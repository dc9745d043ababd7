import type { JoinTokens } from '../auth/JoinTokens.js';
import { BusTimeoutError, type NodeBus } from '../cluster/NodeBus.js';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { createLogger } from '../logger.js';
import type { MediaService } from '../media/MediaService.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ErrorBody } from '../protocol/common.js';
import type { TurnCredentials } from '../reach/turn.js';
import type { SocketData } from '../protocol/events.js';
import type { RequestName } from '../protocol/requests.js';
import type { TelemetryService } from '../telemetry/TelemetryService.js';
import { toErrorBody } from './handle.js';
import { runRequest, type RequestContext } from './requestHandlers.js';
import { rooms } from './rooms.js';
import { MeetingOwners } from './MeetingOwners.js';
import { PointPresence } from './PointPresence.js';
import { isStaff } from './views.js';

const logger = createLogger('MeetingGateway');

/** A socket as the owner of its meeting knows it: id (also its media participant id), who, and where it lives. */
export interface SocketRef {
  socketId: string;
  actor: SocketData['actor'];
  /** When the socket's join link expires (epoch ms): what it is handed may not outlive it. */
  linkExpiresAt: number;
}

export interface Opened {
  /** Rooms the socket joins on its own node (the fan-out reaches them through the adapter). */
  rooms: string[];
}

type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

type Operation =
  | { op: 'open'; meetingId: string; socket: SocketRef }
  | { op: 'run'; meetingId: string; socket: SocketRef; name: RequestName; payload: unknown }
  | { op: 'close'; meetingId: string; socket: SocketRef };

type Broadcast = { kind: 'alive'; url: string | null } | { kind: 'adopted'; meetingId: string };

export interface GatewayOptions {
  meetings: MeetingService;
  telemetry: TelemetryService;
  media: MediaService;
  tokens: JoinTokens;
  sessionTokenTtlSec: number;
  turn: TurnCredentials;
  now: () => number;
  /** Several coordinators: the bus to the others and how to find a meeting's owner. */
  cluster?:
    | {
        bus: NodeBus;
        ownerOf: (meetingId: string) => Promise<string | null>;
        /** This node's HTTP address for the others (known once listening), for forwarding HTTP to a meeting's owner. */
        selfUrl?: () => string | null;
      }
    | undefined;
  /** How long a remote owner may take to answer, ms. Default 3000. */
  remoteTimeoutMs?: number;
  /** Heartbeat interval, ms; a node silent for 3 heartbeats is presumed dead and its sockets gone. Default 2000. */
  heartbeatMs?: number;
}

/** Goodbyes remembered, so a late request from a closed socket does not count it present again. */
const CLOSED_SOCKETS_KEPT = 10_000;

const UNAVAILABLE: ErrorBody = {
  code: 'STORE_UNAVAILABLE',
  message: 'Hội nghị đang chuyển sang máy chủ khác, vui lòng thử lại (the meeting is moving to another server, retry)',
};

/**
 * Every socket reaches its meeting through here, wherever the meeting is owned. On the owner the request runs
 * against the meeting (and presence is counted over the sockets of every node); elsewhere it is forwarded to the
 * owner over the node bus and answered from there. One node: everything is local.
 */
export class MeetingGateway {
  readonly #options: GatewayOptions;
  readonly #nodeId: string;
  /** Owner side: every socket of each owned meeting, with the node it lives on. */
  readonly #sockets = new Map<string, Map<string, { node: string; socket: SocketRef }>>();
  /** Socket side: this node's sockets per meeting, to announce again to a new owner. */
  readonly #local = new Map<string, Map<string, SocketRef>>();
  readonly #lastSeen = new Map<string, number>();
  /** Socket side: each meeting's owner as last read from Redis. */
  readonly #owners: MeetingOwners;
  /** Other nodes' HTTP addresses, from their heartbeats. */
  readonly #urls = new Map<string, string>();
  /** Owner side: sockets that said goodbye, oldest first (bounded). */
  readonly #closedSockets = new Set<string>();
  /** Owner side: each point's sockets and the presence last commanded. */
  readonly #presence = new PointPresence();
  #heartbeat: NodeJS.Timeout | null = null;
  readonly #unsubscribe: () => void;

  constructor(options: GatewayOptions) {
    this.#options = options;
    const bus = options.cluster?.bus;
    this.#nodeId = bus?.nodeId ?? 'local';
    this.#owners = new MeetingOwners(
      (meetingId) => options.cluster?.ownerOf(meetingId) ?? Promise.resolve(null),
      options.now,
    );
    this.#unsubscribe = options.meetings.onAdopted((runtime) => {
      this.#forgetMeeting(runtime.id);
      bus?.broadcast({ kind: 'adopted', meetingId: runtime.id } satisfies Broadcast);
    });
    if (bus !== undefined) {
      bus.handleRequests(async (from, body) => {
        this.#lastSeen.set(from, this.#options.now());

        return this.#handle(from, body as Operation);
      });
      bus.handleBroadcasts((from, body) => this.#onBroadcast(from, body as Broadcast));
      const heartbeatMs = options.heartbeatMs ?? 2000;
      this.#heartbeat = setInterval(() => {
        bus.broadcast({ kind: 'alive', url: options.cluster?.selfUrl?.() ?? null } satisfies Broadcast);
        this.#forgetDeadNodes(heartbeatMs * 3);
      }, heartbeatMs);
      this.#heartbeat.unref();
    }
  }

  /**
   * Checks the socket may join its meeting, counts its presence, and returns its rooms. The snapshot is asked for
   * after joining them (`meeting:snapshot`), so no event falls between the two.
   */
  async open(meetingId: string, socket: SocketRef): Promise<Opened> {
    const opened = await this.#call<Opened>({ op: 'open', meetingId, socket });
    let local = this.#local.get(meetingId);
    if (local === undefined) {
      local = new Map();
      this.#local.set(meetingId, local);
    }
    local.set(socket.socketId, socket);

    return opened;
  }

  /** Runs a validated request at the meeting's owner. Throws a DomainError-shaped error on refusal. */
  run(meetingId: string, socket: SocketRef, name: RequestName, payload: unknown): Promise<object> {
    return this.#call<object>({ op: 'run', meetingId, socket, name, payload });
  }

  /** The socket left: presence and media at the owner. Never throws (a dead owner forgets it anyway). */
  async close(meetingId: string, socket: SocketRef): Promise<void> {
    this.#local.get(meetingId)?.delete(socket.socketId);
    await this.#call({ op: 'close', meetingId, socket }).catch(() => undefined);
  }

  /** Whether consoles are connected to the meeting (on any node, as the owner knows them). */
  hasSockets(meetingId: string): boolean {
    return (this.#sockets.get(meetingId)?.size ?? 0) > 0 || (this.#local.get(meetingId)?.size ?? 0) > 0;
  }

  stop(): void {
    if (this.#heartbeat !== null) {
      clearInterval(this.#heartbeat);
    }
    this.#unsubscribe();
  }

  async #call<T>(operation: Operation): Promise<T> {
    const { meetings, cluster, remoteTimeoutMs = 3000 } = this.#options;
    let result: Result<unknown>;
    if (meetings.has(operation.meetingId) || cluster === undefined) {
      result = await this.#handle(this.#nodeId, operation);
    } else {
      const owner = await this.#owners.ownerOf(operation.meetingId);
      if (owner === null || owner === this.#nodeId) {
        result = { ok: false, error: UNAVAILABLE };
      } else {
        try {
          result = (await cluster.bus.call(owner, operation, remoteTimeoutMs)) as Result<unknown>;
        } catch (error) {
          if (!(error instanceof BusTimeoutError)) {
            logger.error({ err: error, owner }, 'forwarding failed');
          }
          result = { ok: false, error: UNAVAILABLE };
        }
        if (!result.ok && result.error.code === UNAVAILABLE.code) {
          this.#owners.forget(operation.meetingId);
        }
      }
    }
    if (!result.ok) {
      throw new DomainError(result.error.code, result.error.message, result.error.details);
    }

    return result.value as T;
  }

  /** Owner side. Never throws: refusals and failures are answered as error bodies. */
  async #handle(node: string, operation: Operation): Promise<Result<unknown>> {
    try {
      const runtime = await this.#options.meetings.wake(operation.meetingId);
      switch (operation.op) {
        case 'open':
          return { ok: true, value: this.#open(runtime, node, operation.socket) };
        case 'run':
          // A socket the owner forgot (its node was presumed dead during a long pause, or it came back from a
          // partition) is known again from its next request; a point's link samples come every few seconds.
          if (
            this.#sockets.get(runtime.id)?.has(operation.socket.socketId) !== true &&
            !this.#closedSockets.has(operation.socket.socketId)
          ) {
            this.#register(runtime, node, operation.socket);
          }

          return {
            ok: true,
            value: await runRequest(this.#ctx(runtime, operation.socket), operation.name, operation.payload),
          };
        case 'close':
          this.#remove(runtime, operation.socket.socketId);
          // A request still in flight from this socket must not bring it back.
          this.#closedSockets.add(operation.socket.socketId);
          if (this.#closedSockets.size > CLOSED_SOCKETS_KEPT) {
            this.#closedSockets.delete(this.#closedSockets.values().next().value as string);
          }

          return { ok: true, value: null };
      }
    } catch (error) {
      // A meeting this node no longer owns (lease just lost): the caller retries and finds the new owner.
      return { ok: false, error: isMissingMeeting(error) && node !== this.#nodeId ? UNAVAILABLE : toErrorBody(error) };
    }
  }

  #open(runtime: MeetingRuntime, node: string, socket: SocketRef): Opened {
    const { actor } = socket;
    const status = runtime.state.status;
    if (actor.role === 'point') {
      const pointId = actor.pointId;
      if (
        pointId === undefined ||
        runtime.state.points[pointId] === undefined ||
        pointId === runtime.state.def.hubPointId
      ) {
        throw new DomainError('NOT_INVITED', 'Điểm cầu không được mời dự hội nghị này (point not invited)');
      }
      // Before the chair opens the meeting a point joins its waiting room (camera, microphone and network check,
      // the start time); it is in the meeting the moment the meeting opens.
      if (status === 'ended') {
        throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
      }
    }
    this.#register(runtime, node, socket);

    return { rooms: roomsFor(runtime, actor) };
  }

  #register(runtime: MeetingRuntime, node: string, socket: SocketRef): void {
    let sockets = this.#sockets.get(runtime.id);
    if (sockets === undefined) {
      sockets = new Map();
      this.#sockets.set(runtime.id, sockets);
    }
    const known = sockets.has(socket.socketId);
    sockets.set(socket.socketId, { node, socket });
    const pointId = presencePointOf(runtime, socket.actor);
    if (!known && pointId !== undefined) {
      this.#presence.added(runtime.id, pointId);
      this.#presenceChanged(runtime, pointId);
    }
  }

  #remove(runtime: MeetingRuntime, socketId: string): void {
    const entry = this.#sockets.get(runtime.id)?.get(socketId);
    if (entry === undefined) {
      return;
    }
    this.#sockets.get(runtime.id)?.delete(socketId);
    this.#options.media.leave(runtime.id, socketId);
    const pointId = presencePointOf(runtime, entry.socket.actor);
    if (pointId !== undefined) {
      this.#presence.removed(runtime.id, pointId);
      this.#presenceChanged(runtime, pointId);
    }
  }

  /**
   * A hardware room's call (server/sip) is its point's presence as a socket is: counted with the point's sockets,
   * so a room whose codec and companion console are both in stays present while either is.
   */
  deviceAttached(meetingId: string, pointId: string): void {
    const runtime = this.#options.meetings.loaded(meetingId);
    if (runtime !== undefined) {
      this.#presence.added(meetingId, pointId);
      this.#presenceChanged(runtime, pointId);
    }
  }

  deviceDetached(meetingId: string, pointId: string): void {
    const runtime = this.#options.meetings.loaded(meetingId);
    if (runtime !== undefined) {
      this.#presence.removed(meetingId, pointId);
      this.#presenceChanged(runtime, pointId);
    }
  }

  /** Presence is the point having at least one socket on any live node; the log records only the changes. */
  #presenceChanged(runtime: MeetingRuntime, pointId: string): void {
    const online = this.#presence.change(runtime.id, pointId, runtime.state.points[pointId]?.connected ?? false);
    // Nothing is recorded of an ended meeting (a chair reading its record opens no room).
    if (online === null || runtime.state.status === 'ended') {
      return;
    }
    const type = online ? 'point.connect' : 'point.disconnect';
    runtime.execute({ type, pointId }, { role: 'system' }).catch((error: unknown) => {
      logger.warn({ err: error, meetingId: runtime.id, pointId }, `presence ${type} failed`);
    });
  }

  /**
   * Where to send an HTTP request about a meeting: `'local'` when this node owns it, the owner's address, or `null`
   * while nobody does (the meeting is moving).
   */
  async ownerUrl(meetingId: string): Promise<'local' | string | null> {
    const cluster = this.#options.cluster;
    if (this.#options.meetings.has(meetingId) || cluster === undefined) {
      return 'local';
    }
    const owner = await this.#owners.ownerOf(meetingId);
    if (owner === null) {
      // Nobody owns it: moving between nodes, or no such meeting (then this node answers 404 itself).
      return (await this.#options.meetings.isStored(meetingId)) ? null : 'local';
    }

    return this.#urls.get(owner) ?? null;
  }

  #onBroadcast(from: string, message: Broadcast): void {
    this.#lastSeen.set(from, this.#options.now());
    if (message.kind === 'alive' && message.url !== null) {
      this.#urls.set(from, message.url);
    }
    if (message.kind === 'adopted') {
      // A new owner rebuilt the meeting and marked its points dropped: announce this node's sockets again.
      this.#owners.learned(message.meetingId, from);
      for (const socket of this.#local.get(message.meetingId)?.values() ?? []) {
        void this.#call({ op: 'open', meetingId: message.meetingId, socket }).catch((error: unknown) =>
          logger.warn({ err: error, meetingId: message.meetingId }, 're-announce failed'),
        );
      }
    }
  }

  #forgetMeeting(meetingId: string): void {
    this.#sockets.delete(meetingId);
    this.#presence.forget(meetingId);
  }

  /** Owner side: sockets of a node that stopped its heartbeat are gone (presence with a time to live). */
  #forgetDeadNodes(ttlMs: number): void {
    const now = this.#options.now();
    for (const [meetingId, sockets] of this.#sockets) {
      const runtime = this.#options.meetings.loaded(meetingId);
      if (runtime === undefined) {
        this.#forgetMeeting(meetingId);
        continue;
      }
      for (const [socketId, { node }] of sockets) {
        if (node !== this.#nodeId && now - (this.#lastSeen.get(node) ?? 0) > ttlMs) {
          this.#remove(runtime, socketId);
        }
      }
    }
  }

  #ctx(runtime: MeetingRuntime, socket: SocketRef): RequestContext {
    const { telemetry, media, tokens, sessionTokenTtlSec, turn, now } = this.#options;

    return {
      socketId: socket.socketId,
      runtime,
      actor: socket.actor,
      telemetry,
      media,
      tokens,
      sessionTokenTtlSec,
      turn,
      linkExpiresAt: socket.linkExpiresAt,
      now,
    };
  }
}

const isMissingMeeting = (error: unknown) => error instanceof DomainError && error.code === 'MEETING_NOT_FOUND';

function roomsFor(runtime: MeetingRuntime, actor: Actor): string[] {
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

/**
 * The point a console's presence stands for: a room's own point, or the hub's for the chair's and co-chair's consoles
 * (the hall is in the meeting while its chair is; a linked parent counts the hall as one of its points).
 */
function presencePointOf(runtime: MeetingRuntime, actor: Actor): string | undefined {
  if (actor.pointId !== undefined) {
    return actor.pointId;
  }

  return actor.role === 'chair' || actor.role === 'cochair' ? runtime.state.def.hubPointId : undefined;
}
