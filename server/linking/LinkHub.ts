import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { JoinTokens } from '../auth/JoinTokens.js';
import type { Command } from '../domain/core/commands.js';
import { DomainError } from '../domain/core/errors.js';
import type { MeetingEvent } from '../domain/core/events.js';
import type { Actor } from '../domain/core/model.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { Ack } from '../protocol/common.js';
import {
  LINK_MAX_MESSAGE_BYTES,
  LINK_NAMESPACE,
  LINK_PATH,
  LINK_REQUESTS,
  type LinkNotifications,
  type LinkRequest,
  type LinkRequestName,
} from '../protocol/link.js';
import { toErrorBody, validationError } from '../signaling/handle.js';
import type { MediaService } from '../media/MediaService.js';
import { LinkMedia } from './LinkMedia.js';
import { linkNotices, parentStanding } from './linkNotices.js';
import { relayLink } from './linkProxy.js';
import { normalizeStrings } from '../domain/core/text.js';
import { Faults } from '../telemetry/Faults.js';
import { pipeTargetAllowed } from './linkAddresses.js';
import { RefusalAudit } from './RefusalAudit.js';

const logger = createLogger('LinkHub');

interface LinkSocketData {
  /** Set when the meeting is owned by another node: the link is relayed there. */
  relayTo?: string;
  meetingId: string;
  unitId: string;
  tokenId: string;
  linkId: string;
  address: string;
}
type LinkSocket = Socket<Record<string, never>, LinkNotifications, Record<string, never>, LinkSocketData>;

export interface LinkHubOptions {
  /** The coordinator's HTTP server: the link listens beside the consoles, on its own path (LINK_PATH). */
  httpServer: HttpServer;
  meetings: MeetingService;
  tokens: JoinTokens;
  /** The bridge's service: media is piped to children when both bridges can (mediasoup). */
  media?: MediaService | undefined;
  /**
   * Several coordinators: where a meeting is owned (`'local'`, another node's URL, or `null` while it moves). A link
   * reaching another node is relayed to the owner. Default: every meeting is local.
   */
  ownerUrl?: ((meetingId: string) => Promise<'local' | string | null>) | undefined;
  /** Where unexpected errors on a link are counted. */
  faults?: Faults | undefined;
  /**
   * Addresses a child's media pipe may name besides its link's own remote address (LINK_PIPE_ADDRESSES): a child's
   * media host on another machine, a child behind a NAT, children reaching a parent through another of its nodes.
   * Default none.
   */
  pipeAddresses?: readonly string[] | undefined;
}

/**
 * The parent's end of linked meetings: child coordinators connect to the `/link` namespace with a linked-hub
 * invitation, report their meeting (`link:hello`), their points' presence, roll-call answers and floor requests; the
 * hub executes them on the parent meeting for the link (the domain checks each names a point the child has) and
 * sends the child what concerns its points: roll calls, turns, refusals. One socket per linked unit; a newer one
 * replaces an older (a resumed child).
 */
export class LinkHub {
  readonly #meetings: MeetingService;
  readonly #io: Server;
  readonly #namespace: Namespace;
  /** Per `meetingId/unitId`, the socket that speaks for the child now. */
  readonly #current = new Map<string, LinkSocket>();
  /** Refusals audited per link (`meetingId/unitId`, across its reconnections) in the current minute. */
  readonly #refusals = new RefusalAudit();
  /** Per `meetingId/unitId`, the media pipe to that child. */
  readonly #media = new Map<string, LinkMedia>();
  readonly #mediaService: MediaService | undefined;
  #pipes = 0;
  readonly #unsubscribe: () => void;
  #closed = false;

  readonly #ownerUrl: NonNullable<LinkHubOptions['ownerUrl']>;
  readonly #faults: Faults;
  readonly #pipeAddresses: readonly string[];

  constructor({
    httpServer,
    meetings,
    tokens,
    media,
    ownerUrl = async () => 'local',
    faults = new Faults(),
    pipeAddresses = [],
  }: LinkHubOptions) {
    this.#meetings = meetings;
    this.#faults = faults;
    this.#pipeAddresses = pipeAddresses;
    this.#ownerUrl = ownerUrl;
    this.#mediaService = media;
    this.#io = new Server(httpServer, {
      path: LINK_PATH,
      maxHttpBufferSize: LINK_MAX_MESSAGE_BYTES,
      serveClient: false,
      // Coordinators only, never browsers: long polling is not offered, and another path's upgrade is left alone.
      transports: ['websocket'],
      destroyUpgrade: false,
    });
    this.#namespace = this.#io.of(LINK_NAMESPACE);
    this.#namespace.use((socket, next) => {
      this.#authenticate(socket as LinkSocket, tokens).then(
        () => next(),
        (error: unknown) => {
          const body = toErrorBody(error);
          next(Object.assign(new Error(body.message), { data: body }));
        },
      );
    });
    this.#namespace.on('connection', (socket) => this.#onConnection(socket as LinkSocket));
    const stopEvents = meetings.onEvents((runtime, events) => this.#forward(runtime, events));
    const stopRevocations =
      tokens.registry?.onRevoked((linkId) => {
        for (const socket of this.#namespace.sockets.values()) {
          const data = (socket as LinkSocket).data;
          if (data.linkId === linkId || data.tokenId === linkId) {
            logger.info({ meetingId: data.meetingId, unitId: data.unitId }, 'link invitation revoked: link closed');
            socket.disconnect(true);
          }
        }
      }) ?? (() => undefined);
    const stopRouted =
      media?.onRouted((meetingId) => {
        for (const [key, linkMedia] of this.#media) {
          if (key.startsWith(`${meetingId}/`)) {
            linkMedia.sync();
          }
        }
      }) ?? (() => undefined);
    // A meeting rebuilt here (this node restarted, or adopted it from a dead owner) has no child links yet, whatever
    // its log last said: each is lost until its child says hello again.
    meetings.list().forEach((runtime) => this.#orphanLinksLost(runtime));
    const stopAdopted = meetings.onAdopted((runtime) => this.#orphanLinksLost(runtime));
    this.#unsubscribe = () => {
      stopEvents();
      stopRevocations();
      stopRouted();
      stopAdopted();
    };
  }

  #orphanLinksLost(runtime: MeetingRuntime): void {
    for (const link of Object.values(runtime.state.links)) {
      if (link.state === 'linked' && !this.#current.has(`${runtime.id}/${link.unitId}`)) {
        runtime
          .execute({ type: 'link.lost', unitId: link.unitId }, { role: 'system', via: 'link', linkUnitId: link.unitId })
          .catch((error: unknown) => logger.warn({ err: error, meetingId: runtime.id }, 'orphan link not marked lost'));
      }
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops forwarding and closes every link socket (children see the link lost and retry). Idempotent. */
  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#unsubscribe();
    this.#media.forEach((m) => m.close());
    this.#media.clear();
    this.#namespace.disconnectSockets(true);
    void this.#io.close();
  }

  async #authenticate(socket: LinkSocket, tokens: JoinTokens): Promise<void> {
    const claims = await tokens.verify(socket.handshake.auth?.token);
    if (claims.linkedUnitId === null) {
      throw new DomainError('FORBIDDEN', 'Mã này không phải lời mời kết nối liên thông (not a linked-hub invitation)');
    }
    let relayTo: string | undefined;
    if (!this.#meetings.has(claims.meetingId)) {
      const owner = await this.#ownerUrl(claims.meetingId);
      if (owner === null) {
        throw new DomainError(
          'LINK_UNREACHABLE',
          'Hội nghị cấp trên đang chuyển sang máy chủ khác; kết nối sẽ được thử lại (the meeting is moving between nodes)',
        );
      }
      if (owner === 'local') {
        throw DomainError.meetingNotFound(claims.meetingId);
      }
      relayTo = owner;
    }
    socket.data = {
      ...(relayTo === undefined ? {} : { relayTo }),
      meetingId: claims.meetingId,
      unitId: claims.linkedUnitId,
      tokenId: claims.tokenId,
      linkId: claims.linkId,
      address: socket.handshake.address,
    };
  }

  #onConnection(socket: LinkSocket): void {
    if (socket.data.relayTo !== undefined) {
      relayLink(socket, socket.data.relayTo);

      return;
    }
    const { meetingId, unitId } = socket.data;
    socket.on('disconnect', () => {
      const key = `${meetingId}/${unitId}`;
      if (this.#current.get(key) !== socket) {
        return;
      }
      this.#current.delete(key);
      this.#media.get(key)?.close();
      this.#media.delete(key);
      if (!this.#closed && this.#meetings.has(meetingId)) {
        this.#execute(socket, { type: 'link.lost', unitId }).catch((error: unknown) =>
          logger.warn({ err: error, meetingId, unitId }, 'link lost not recorded'),
        );
      }
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') {
        return;
      }
      const reply = ack as (answer: Ack<object>) => void;
      this.#request(socket, event, args[0]).then(
        (result) => reply({ ok: true, ...result }),
        (error: unknown) => {
          if (!(error instanceof DomainError)) {
            this.#faults.record('link', error, { meetingId: socket.data.meetingId, unitId: socket.data.unitId, event });
          }
          const body = toErrorBody(error);
          reply({ ok: false, error: body });
          this.#auditRefusal(socket, event, body.message);
        },
      );
    });
  }

  async #request(socket: LinkSocket, event: string, payload: unknown): Promise<object> {
    if (!Object.hasOwn(LINK_REQUESTS, event)) {
      throw new DomainError('UNKNOWN_EVENT', `Sự kiện không xác định: ${event.slice(0, 64)} (unknown event)`);
    }
    const name = event as LinkRequestName;
    const parsed = LINK_REQUESTS[name].safeParse(normalizeStrings(payload));
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const { meetingId, unitId } = socket.data;
    const key = `${meetingId}/${unitId}`;
    if (name === 'link:hello') {
      const { report } = parsed.data as LinkRequest<'link:hello'>;
      await this.#execute(socket, { type: 'link.attach', unitId, tokenId: socket.data.tokenId, report });
      const previous = this.#current.get(key);
      this.#current.set(key, socket);
      if (previous !== undefined && previous !== socket) {
        previous.disconnect(true);
      }
      await socket.join(key);

      const runtime = this.#meetings.get(meetingId);

      return parentStanding(runtime.state, unitId, pointNames(runtime));
    }
    if (this.#current.get(key) !== socket) {
      throw new DomainError('NOT_LINKED', 'Kết nối chưa chào hỏi (link:hello first)');
    }
    switch (name) {
      case 'link:presence': {
        const { pointId, connected } = parsed.data as LinkRequest<'link:presence'>;
        await this.#execute(socket, { type: 'link.presence', unitId, pointId, connected });
        break;
      }
      case 'link:confirm': {
        const body = parsed.data as LinkRequest<'link:confirm'>;
        await this.#execute(socket, { type: 'link.confirm', unitId, ...body });
        break;
      }
      case 'link:floorRequest': {
        const body = parsed.data as LinkRequest<'link:floorRequest'>;
        await this.#execute(socket, { type: 'link.floorRequest', unitId, ...body });
        break;
      }
      case 'link:floorWithdraw': {
        const { pointId } = parsed.data as LinkRequest<'link:floorWithdraw'>;
        await this.#execute(socket, { type: 'link.floorWithdraw', unitId, pointId });
        break;
      }
      case 'link:media:open': {
        const { endpoint } = parsed.data as LinkRequest<'link:media:open'>;
        // The program goes only where the link comes from (or where the office said a child's media host is):
        // never to a host a child names.
        if (!pipeTargetAllowed(endpoint.ip, socket.data.address, this.#pipeAddresses)) {
          throw new DomainError(
            'FORBIDDEN',
            `Địa chỉ truyền hình ${endpoint.ip.slice(0, 64)} không phải địa chỉ của kết nối liên thông (the pipe must go to the link's own address)`,
          );
        }
        const media = this.#mediaService;
        if (media?.bridge.pipes === undefined) {
          throw new DomainError(
            'MEDIA_UNAVAILABLE',
            'Cầu truyền hình của hội nghị cấp trên không nối được giữa các máy (the parent bridge has no media pipes)',
          );
        }
        this.#media.get(key)?.close();
        this.#pipes += 1;
        const linkMedia = new LinkMedia({
          media,
          meetings: this.#meetings,
          meetingId,
          pipeId: `down:${key}:${this.#pipes}`,
          side: { kind: 'parent', unitId },
          send: async (sources) => {
            socket.emit('link:media:sources', { sources });
          },
        });
        this.#media.set(key, linkMedia);
        const own = await linkMedia.open();
        await linkMedia.connect(endpoint);

        return { endpoint: own };
      }
      case 'link:media:sources': {
        const { sources, wantsProgram } = parsed.data as LinkRequest<'link:media:sources'>;
        const linkMedia = this.#media.get(key);
        if (linkMedia === undefined) {
          throw new DomainError('NOT_FOUND', 'Chưa mở đường truyền hình liên thông (link:media:open first)');
        }
        await linkMedia.receive(sources, wantsProgram);
        break;
      }
      case 'link:release': {
        const { pointId } = parsed.data as LinkRequest<'link:release'>;
        await this.#execute(socket, { type: 'link.release', unitId, pointId });
        break;
      }
      case 'link:unlink': {
        this.#current.delete(key);
        this.#media.get(key)?.close();
        this.#media.delete(key);
        await this.#execute(socket, { type: 'link.detach', unitId });
        socket.disconnect(true);
        break;
      }
    }

    return {};
  }

  #execute(socket: LinkSocket, command: Command): Promise<unknown> {
    const { meetingId, unitId, tokenId, address } = socket.data;
    const actor: Actor = { role: 'system', via: 'link', linkUnitId: unitId, tokenId, address };

    return this.#meetings.execute(meetingId, command, actor);
  }

  /**
   * A refused report is in the parent's audit trail (who, from where, what and why); a child that keeps sending
   * refused reports fills it with at most AUDITED_REFUSALS a minute.
   */
  #auditRefusal(socket: LinkSocket, event: string, message: string): void {
    const { meetingId, unitId, tokenId, address } = socket.data;
    if (!this.#refusals.admit(`${meetingId}/${unitId}`) || !this.#meetings.has(meetingId)) {
      return;
    }
    const detail = `${unitId}: ${event.slice(0, 40)} — ${message}`;
    this.#meetings
      .execute(
        meetingId,
        { type: 'audit.record', action: 'link_refused', detail },
        { role: 'system', via: 'link', linkUnitId: unitId, tokenId, address },
      )
      .catch(() => undefined);
  }

  /** What of the parent's events concerns each linked child, sent to that child in its own ids. */
  #forward(runtime: MeetingRuntime, events: MeetingEvent[]): void {
    for (const notice of linkNotices(runtime.state, events, pointNames(runtime))) {
      this.#namespace.to(`${runtime.id}/${notice.unitId}`).emit(notice.event, notice.body as never);
    }
  }
}

/** A point's name as the meeting's directory has it (its id when the directory lacks it). */
const pointNames = (runtime: MeetingRuntime) => (pointId: string) => runtime.index.points.get(pointId)?.name ?? pointId;
