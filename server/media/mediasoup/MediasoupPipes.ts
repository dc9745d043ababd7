import type { types as ms } from 'mediasoup';
import { DomainError } from '../../domain/core/errors.js';
import { createLogger } from '../../logger.js';
import type { MediaPipes, PipedMedia, PipedProducer, PipeEndpoint } from '../MediaBridge.js';
import type { MediaParticipant } from '../routing.js';
import { newParticipant, routerOf, type MeetingRouter, type Participant } from './participants.js';

const logger = createLogger('MediasoupPipes');

interface Pipe {
  meetingId: string;
  router: MeetingRouter;
  transport: ms.PipeTransport;
  connected: boolean;
  /** Participant id and what of it (`id:camera`, `id:screen`) → the pipe consumers sending it. */
  sent: Map<string, ms.Consumer[]>;
  /** Participants this pipe brought onto the bridge. */
  received: Set<string>;
}

export interface MediasoupPipesOptions {
  /** The meeting's first router (created if the meeting has none yet). */
  routerFor: (meetingId: string) => Promise<MeetingRouter>;
  participants: Map<string, Participant>;
  /** Removes a participant the way `leave` does. */
  leave: (participantId: string) => void;
  /** Tells the routing a participant can now be consumed. */
  changed: (participantId: string) => void;
  /** Where the pipe listens and what the far side is told; MEDIA_LISTEN_IP / MEDIA_ANNOUNCED_IP. */
  listenIp: string;
  announcedAddress?: string | undefined;
}

/**
 * mediasoup pipes between hosts, in the order mediasoup's own `pipeToRouter` uses: a PipeTransport on each side
 * (SRTP and RTX both on, as both sides must agree), each connected to the other's tuple, then a pipe consumer here
 * for each producer sent and a producer from its parameters there. A received participant's producers carry every
 * simulcast layer; the far router's own consumers choose among them.
 */
export class MediasoupPipes implements MediaPipes {
  readonly #options: MediasoupPipesOptions;
  readonly #pipes = new Map<string, Promise<Pipe>>();
  /** pipeId → its meeting, known before the pipe is set up. */
  readonly #meetingOf = new Map<string, string>();

  constructor(options: MediasoupPipesOptions) {
    this.#options = options;
  }

  async open(meetingId: string, pipeId: string): Promise<PipeEndpoint> {
    let pipe = this.#pipes.get(pipeId);
    if (pipe === undefined) {
      pipe = this.#create(meetingId);
      // A failed setup is dropped so that the next attempt starts clean.
      pipe.catch(() => this.#forget(pipeId));
      this.#pipes.set(pipeId, pipe);
      this.#meetingOf.set(pipeId, meetingId);
    }
    const { transport } = await pipe;
    const { localIp, localPort } = transport.tuple;

    return {
      ip: this.#options.announcedAddress ?? localIp,
      port: localPort,
      srtpParameters: transport.srtpParameters,
    };
  }

  async connect(pipeId: string, remote: PipeEndpoint): Promise<void> {
    const pipe = await this.#pipe(pipeId);
    if (pipe.connected) {
      return;
    }
    pipe.connected = true;
    try {
      await pipe.transport.connect({
        ip: remote.ip,
        port: remote.port,
        srtpParameters: remote.srtpParameters as ms.SrtpParameters,
      });
    } catch (error) {
      pipe.connected = false;
      throw error instanceof TypeError
        ? DomainError.validation(`Tham số đường truyền không hợp lệ: ${error.message}`)
        : error;
    }
  }

  async send(pipeId: string, participantId: string, what: PipedMedia = 'camera'): Promise<PipedProducer[]> {
    const pipe = await this.#pipe(pipeId);
    const participant = this.#options.participants.get(participantId);
    if (participant === undefined) {
      return [];
    }
    const sentKey = `${participantId}:${what}`;
    let consumers = pipe.sent.get(sentKey);
    // Camera and microphone cross as one source, a shared screen as another (shown beside the speaker there).
    const piped = [...participant.producers]
      .filter(([key, p]) => (key === 'screen') === (what === 'screen') && !p.closed)
      .map(([, p]) => p);
    const producing = piped.map((p) => p.id);
    // Sent again when what the participant produces changed (a camera added or restarted since the last time).
    const stale =
      consumers === undefined ||
      consumers.some((c) => c.closed) ||
      consumers.length !== producing.length ||
      consumers.some((c) => !producing.includes(c.producerId));
    if (stale) {
      consumers?.forEach((c) => c.close());
      const fresh: ms.Consumer[] = [];
      for (const producer of piped) {
        // A producer on another router of the meeting reaches the pipe's router first (same process).
        const source = routerOf(participant);
        if (source.router.id !== pipe.router.router.id) {
          await source.router
            .pipeToRouter({ producerId: producer.id, router: pipe.router.router })
            .catch(() => undefined);
        }
        fresh.push(await pipe.transport.consume({ producerId: producer.id }));
      }
      pipe.sent.set(sentKey, fresh);
      consumers = fresh;
    }

    return (consumers ?? []).map((c) => ({ kind: c.kind, rtpParameters: c.rtpParameters }));
  }

  unsend(pipeId: string, participantId: string, what: PipedMedia = 'camera'): void {
    void this.#pipes.get(pipeId)?.then(
      (pipe) => {
        pipe.sent.get(`${participantId}:${what}`)?.forEach((c) => c.close());
        pipe.sent.delete(`${participantId}:${what}`);
      },
      () => undefined,
    );
  }

  async receive(pipeId: string, info: MediaParticipant, producers: PipedProducer[]): Promise<void> {
    const pipe = await this.#pipe(pipeId);
    this.#options.leave(info.id);
    const participant = newParticipant(info, pipe.meetingId, pipe.router);
    for (const { kind, rtpParameters } of producers) {
      try {
        const producer = await pipe.transport.produce({
          kind,
          rtpParameters: rtpParameters as ms.RtpParameters,
          appData: { participantId: info.id },
        });
        participant.producers.set(info.relayed === 'parentScreen' && kind === 'video' ? 'screen' : kind, producer);
      } catch (error) {
        logger.warn({ err: error, pipeId, participantId: info.id, kind }, 'receive() | piped producer refused');
      }
    }
    if (participant.producers.size === 0) {
      return;
    }
    this.#options.participants.set(info.id, participant);
    pipe.received.add(info.id);
    this.#options.changed(info.id);
  }

  /** Bytes each open pipe carried so far, both ways (what a link between coordinators costs). */
  async traffic(): Promise<{ pipeId: string; bytesSent: number; bytesReceived: number }[]> {
    const out: { pipeId: string; bytesSent: number; bytesReceived: number }[] = [];
    for (const [pipeId, pending] of this.#pipes) {
      const pipe = await pending.catch(() => null);
      const [stats] = pipe === null ? [] : await pipe.transport.getStats().catch(() => []);
      if (stats !== undefined) {
        out.push({ pipeId, bytesSent: stats.bytesSent, bytesReceived: stats.bytesReceived });
      }
    }

    return out;
  }

  /** Closes every pipe of a meeting that ended here. */
  closeMeeting(meetingId: string): void {
    for (const [pipeId, meeting] of this.#meetingOf) {
      if (meeting === meetingId) {
        this.close(pipeId);
      }
    }
  }

  close(pipeId: string): void {
    const pipe = this.#pipes.get(pipeId);
    this.#forget(pipeId);
    void pipe?.then(
      (p) => {
        p.received.forEach((id) => this.#options.leave(id));
        p.transport.close();
      },
      () => undefined,
    );
  }

  #forget(pipeId: string): void {
    this.#pipes.delete(pipeId);
    this.#meetingOf.delete(pipeId);
  }

  async #create(meetingId: string): Promise<Pipe> {
    const router = await this.#options.routerFor(meetingId);
    const transport = await router.router.createPipeTransport({
      listenInfo: {
        protocol: 'udp',
        ip: this.#options.listenIp,
        ...(this.#options.announcedAddress === undefined ? {} : { announcedAddress: this.#options.announcedAddress }),
      },
      enableRtx: true,
      enableSrtp: true,
    });

    return { meetingId, router, transport, connected: false, sent: new Map(), received: new Set() };
  }

  async #pipe(pipeId: string): Promise<Pipe> {
    const pipe = this.#pipes.get(pipeId);
    if (pipe === undefined) {
      throw new DomainError('NOT_FOUND', `Không có đường truyền liên thông ${pipeId} (no such media pipe)`);
    }

    return pipe;
  }
}
