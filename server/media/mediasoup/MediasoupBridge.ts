import { EventEmitter } from 'node:events';
import { cpus } from 'node:os';
import type { types as ms } from 'mediasoup';
import type { Config } from '../../config.js';
import { DomainError } from '../../domain/core/errors.js';
import { createLogger } from '../../logger.js';
import type { MediaBridge, MediaBridgeEvents, RtpTap, TransportStats } from '../MediaBridge.js';
import type { IceRestart, JoinResult, SlotLabel, TransportOptions } from '../../protocol/mediaWire.js';
import type { MediaParticipant, RoutingPlan } from '../routing.js';
import { ConsumerRouting } from './ConsumerRouting.js';
import { DownlinkControl, isCameraPicture } from './DownlinkControl.js';
import {
  asMediaInput,
  isRtpCapabilities,
  joined,
  newParticipant,
  routerOf,
  transportOf,
  type Participant,
} from './participants.js';
import { MediasoupPipes } from './MediasoupPipes.js';
import { MediasoupPlainRooms } from './MediasoupPlainRooms.js';
import { RouterPlacement } from './RouterPlacement.js';
import { openTap } from './rtpTap.js';
import { useWorkerBinary, WorkerPool } from './WorkerPool.js';

const logger = createLogger('MediasoupBridge');

export interface MediasoupBridgeOptions {
  config: Config;
  /** The worker binary found by createBridge (set before mediasoup is loaded). */
  workerBin: string;
}

/**
 * The production bridge. One worker per core (each with a WebRtcServer on one UDP/TCP port), a router per meeting
 * per worker: a meeting starts on one router and, when its consumers pass the per-worker budget, opens a router on
 * another worker and pipes the producers it needs there (pipeToRouter). Cameras produce three simulcast layers; the
 * grid consumes the lowest, the program the highest. A dead worker is replaced and its meetings' participants are
 * told to reconnect media.
 */
export class MediasoupBridge implements MediaBridge {
  readonly kind = 'mediasoup' as const;
  readonly #emitter = new EventEmitter();
  readonly #participants = new Map<string, Participant>();
  readonly #downlink = new DownlinkControl({
    participants: this.#participants,
    onChange: (participantId, view) => this.#emitter.emit('downlink', participantId, view),
  });

  readonly #routers: RouterPlacement;
  readonly #routing = new ConsumerRouting({
    participants: this.#participants,
    preferredFor: (participant, planned) => this.#downlink.preferredFor(participant, planned),
    isCurrent: (meetingId, meeting) => this.#routers.get(meetingId) === meeting,
    count: (participant, delta) => this.#count(participant, delta),
    onConsumers: (participantId, consumers) => this.#emitter.emit('consumers', participantId, consumers),
    onClosed: (participantId, consumerIds) => this.#emitter.emit('consumersClosed', participantId, consumerIds),
  });
  #pool: WorkerPool | null = null;
  #closed = false;
  /** Pipes to other coordinators' bridges (linked meetings). */
  readonly pipes: MediasoupPipes;
  /** Hardware room systems (SIP calls' media). */
  readonly plain: MediasoupPlainRooms;

  private constructor(config: Config) {
    this.#routers = new RouterPlacement({
      workers: () => this.#workers,
      consumersPerWorker: config.MEDIASOUP_CONSUMERS_PER_WORKER,
      onDominantSpeaker: (producer) => {
        const speaker = producer.appData.participantId;
        const participant = typeof speaker === 'string' ? this.#participants.get(speaker) : undefined;
        if (participant !== undefined) {
          this.#emitter.emit('activeSpeaker', participant.meetingId, participant.info.id);
        }
      },
    });
    const listenIp = config.MEDIA_LISTEN_IP ?? '0.0.0.0';
    this.plain = new MediasoupPlainRooms({
      routerFor: (meetingId) => this.#routers.place(meetingId),
      participants: this.#participants,
      leave: (participantId) => this.leave(participantId),
      changed: (participantId) => this.#emitter.emit('changed', participantId),
      keyFrameWanted: (participantId) => this.#emitter.emit('keyFrameWanted', participantId),
      listenIp,
      announcedAddress: config.SIP_ANNOUNCED_IP ?? config.MEDIA_ANNOUNCED_IP,
    });
    this.pipes = new MediasoupPipes({
      routerFor: (meetingId) => this.#routers.first(meetingId),
      participants: this.#participants,
      leave: (participantId) => this.leave(participantId),
      changed: (participantId) => this.#emitter.emit('changed', participantId),
      listenIp,
      announcedAddress: config.MEDIA_ANNOUNCED_IP ?? (listenIp === '0.0.0.0' ? undefined : listenIp),
    });
  }

  static async create({ config, workerBin }: MediasoupBridgeOptions): Promise<MediasoupBridge> {
    useWorkerBinary(workerBin);
    const bridge = new MediasoupBridge(config);
    bridge.#pool = await WorkerPool.create({
      mediasoup: await import('mediasoup'),
      config,
      size: config.MEDIASOUP_WORKERS ?? cpus().length,
      onReplaced: (index) => bridge.#workerReplaced(index),
    });

    return bridge;
  }

  get workerCount(): number {
    return this.#workers.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get workerDeaths(): number {
    return this.#pool?.deaths ?? 0;
  }

  /** The worker processes' ids, by worker index. */
  get workerPids(): number[] {
    return this.#workers.pids;
  }

  /**
   * The simulcast layer each of a participant's video consumers forwards now, and the one the bridge asked for (it
   * forwards a lower one while the sender does not send that one), for diagnostics and tests.
   */
  layersOf(
    participantId: string,
  ): { purpose: string; source: string; spatialLayer: number | null; preferredSpatialLayer: number | null }[] {
    return [...(this.#participants.get(participantId)?.consumers.values() ?? [])]
      .filter((c) => c.kind === 'video')
      .map((c) => ({
        purpose: String(c.appData.purpose),
        source: String(c.appData.source),
        spatialLayer: c.currentLayers?.spatialLayer ?? null,
        preferredSpatialLayer: c.preferredLayers?.spatialLayer ?? null,
      }));
  }

  /** The worker index a participant's transports are on, `null` if it is not on the bridge. */
  workerOf(participantId: string): number | null {
    return this.#participants.get(participantId)?.router.worker ?? null;
  }

  on<E extends keyof MediaBridgeEvents>(event: E, listener: MediaBridgeEvents[E]): void {
    this.#emitter.on(event, listener);
  }

  async join(meetingId: string, info: MediaParticipant): Promise<JoinResult> {
    this.leave(info.id);
    const router = await this.#routers.place(meetingId);
    this.#participants.set(info.id, newParticipant(info, meetingId, router));

    return { bridge: 'mediasoup', routerRtpCapabilities: router.router.rtpCapabilities };
  }

  setRtpCapabilities(participantId: string, rtpCapabilities: unknown): void {
    const participant = this.#participant(participantId);
    const router = participant.router.router;
    // A capability set the router cannot use is refused here, not at the first consumer.
    if (!isRtpCapabilities(rtpCapabilities) || rtpCapabilities.codecs?.length === 0) {
      throw DomainError.validation('Khả năng truyền hình không hợp lệ (invalid rtpCapabilities)');
    }
    participant.rtpCapabilities = rtpCapabilities;
    logger.debug({ participantId, router: router.id }, 'setRtpCapabilities()');
    this.#emitter.emit('changed', participantId);
  }

  async createTransport(participantId: string, direction: 'send' | 'recv'): Promise<TransportOptions> {
    const participant = this.#participant(participantId);
    const { router, worker } = routerOf(participant);
    if ([...participant.transports.values()].some((t) => t.appData.direction === direction)) {
      throw DomainError.validation(`Đã có kênh ${direction === 'send' ? 'gửi' : 'nhận'} (transport exists)`);
    }
    const transport = await router.createWebRtcTransport({
      webRtcServer: this.#workers.slot(worker).webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      // The first pictures to a point start below the top layer (450 kbit/s): a 4G link is not overrun while the
      // estimate finds out what it carries; a good link reaches the top in seconds.
      initialAvailableOutgoingBitrate: 600_000,
      appData: { direction },
    });
    participant.transports.set(transport.id, transport);
    // ICE that only disconnects is restarted by the browser (media:restart); a DTLS failure needs a new join.
    transport.on('dtlsstatechange', (state: ms.DtlsState) => {
      if (state === 'failed' && this.#participants.get(participantId) === participant) {
        this.#emitter.emit('participantFailed', participantId, 'dtls failed');
      }
    });
    if (direction === 'recv') {
      this.#emitter.emit('changed', participantId);
    }

    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(participantId: string, transportId: string, dtlsParameters: unknown): Promise<void> {
    const transport = this.#transport(participantId, transportId);
    await asMediaInput(() => transport.connect({ dtlsParameters: dtlsParameters as ms.DtlsParameters }));
  }

  async produce(
    participantId: string,
    transportId: string,
    kind: 'audio' | 'video',
    rtpParameters: unknown,
    screen = false,
  ): Promise<string> {
    const participant = this.#participant(participantId);
    const transport = this.#transport(participantId, transportId);
    if (transport.appData.direction !== 'send') {
      throw DomainError.validation('Chỉ gửi trên kênh gửi (produce on the send transport)');
    }
    if (screen && kind !== 'video') {
      throw DomainError.validation('Màn hình chia sẻ là hình (a shared screen is video)');
    }
    const key = screen ? 'screen' : kind;
    const had = participant.producers.get(key);
    if (had !== undefined && !(screen && had.closed)) {
      if (!screen) {
        throw DomainError.validation(`Đã có ${kind} (already producing ${kind})`);
      }
      // A new share replaces the last one.
      had.close();
    }
    const producer = await asMediaInput(() =>
      transport.produce({ kind, rtpParameters: rtpParameters as ms.RtpParameters, appData: { participantId } }),
    );
    participant.producers.set(key, producer);
    if (kind === 'audio') {
      // Closed until the routing opens it: a microphone the chair has not opened never reaches anyone.
      await producer.pause();
      void routerOf(participant)
        .speakers.addProducer({ producerId: producer.id })
        .catch(() => undefined);
    }
    this.#emitter.emit('changed', participantId);

    return producer.id;
  }

  stopScreen(participantId: string): void {
    const participant = this.#participants.get(participantId);
    const screen = participant?.producers.get('screen');
    if (participant !== undefined && screen !== undefined) {
      // Its consumers close with it ('producerclose'), and the consoles are told.
      screen.close();
      participant.producers.delete('screen');
    }
  }

  async tap(
    participantId: string,
    kind: 'audio' | 'video',
    target: { port: number; rtcpPort: number },
    screen = false,
  ): Promise<RtpTap | null> {
    const participant = this.#participants.get(participantId);
    const producer = participant?.producers.get(screen && kind === 'video' ? 'screen' : kind);
    if (participant === undefined || producer === undefined || producer.closed) {
      return null;
    }

    return openTap(routerOf(participant).router, producer, target);
  }

  async resumeConsumer(participantId: string, consumerId: string): Promise<void> {
    const participant = this.#participant(participantId);
    const consumer = [...participant.consumers.values()].find((c) => c.id === consumerId);
    if (consumer === undefined) {
      throw new DomainError('NOT_FOUND', `Không có consumer ${consumerId} của điểm cầu này (no such consumer here)`);
    }
    consumer.appData.resumed = true;
    // A link that carries no picture now: the picture waits (paused) until the link is tried again.
    if (!(isCameraPicture(consumer) && this.#downlink.withoutVideo(participant))) {
      await consumer.resume();
    }
  }

  async answer(): Promise<void> {
    throw DomainError.validation('mediasoup không dùng SDP (mediasoup negotiates with media:transport)');
  }

  async restartIce(participantId: string): Promise<IceRestart> {
    const participant = this.#participant(participantId);
    const transports = await Promise.all(
      [...participant.transports.values()].map(async (t) => ({ id: t.id, iceParameters: await t.restartIce() })),
    );

    return { transports };
  }

  slotsOf(participantId: string): SlotLabel[] {
    return [...(this.#participants.get(participantId)?.consumers.values() ?? [])].map((c) => ({
      mid: c.rtpParameters.mid ?? '',
      kind: c.kind,
      purpose: (c.appData.purpose as SlotLabel['purpose']) ?? 'audio',
      source: (c.appData.source as string) ?? null,
      sourcePointId: (c.appData.sourcePointId as string | null) ?? null,
    }));
  }

  leave(participantId: string): void {
    const participant = this.#participants.get(participantId);
    if (participant === undefined) {
      return;
    }
    this.#participants.delete(participantId);
    this.#count(participant, -participant.consumers.size);
    // Closing the transports closes their producers and consumers; others' consumers of them close with them. A
    // participant brought by a pipe has no transport of its own: its producers are closed one by one.
    participant.transports.forEach((t) => t.close());
    participant.plain?.forEach((t) => t.close());
    participant.producers.forEach((p) => p.close());
  }

  closeMeeting(meetingId: string): void {
    for (const participant of [...this.#participants.values()]) {
      if (participant.meetingId === meetingId) {
        this.leave(participant.info.id);
      }
    }
    this.pipes.closeMeeting(meetingId);
    this.plain.closeProgram(meetingId);
    this.#routing.forgetRouters(this.#routers.close(meetingId));
  }

  /** How many meetings hold routers on this bridge. */
  get meetingCount(): number {
    return this.#routers.size;
  }

  route(meetingId: string, plan: RoutingPlan): void {
    const meeting = this.#routers.get(meetingId);
    if (meeting !== undefined) {
      this.#routing.route(meetingId, meeting, plan);
    }
  }

  async stats(participantId: string): Promise<TransportStats | null> {
    const participant = this.#participants.get(participantId);
    if (participant === undefined) {
      return null;
    }
    let bytesIn = 0;
    let bytesOut = 0;
    let packetsLost = 0;
    const states: string[] = [];
    for (const transport of participant.transports.values()) {
      for (const stat of await transport.getStats().catch(() => [])) {
        bytesIn += stat.bytesReceived;
        bytesOut += stat.bytesSent;
        packetsLost += stat.rtpPacketLossReceived ?? 0;
        states.push(stat.iceState === 'completed' ? 'connected' : stat.iceState);
      }
    }
    // The point's link is as good as its worst transport.
    const state = states.find((s) => s !== 'connected') ?? (states.length > 0 ? 'connected' : 'new');

    const downlink = this.#downlink.viewOf(participant);

    return { participantId, bytesIn, bytesOut, packetsLost, rttMs: null, state, downlink };
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#downlink.close();
    this.#pool?.close();
  }

  #count(participant: Participant, delta: number): void {
    this.#routers.count(participant.router, delta);
  }

  get #workers(): WorkerPool {
    if (this.#pool === null) {
      throw new Error('InvalidStateError: no worker pool');
    }

    return this.#pool;
  }

  /**
   * A dead worker took its routers with it: those routers are forgotten and only their participants are told to
   * reconnect; participants on the meeting's other routers keep their media (their consumers of piped producers
   * from the dead worker close, and come back once those participants produce again).
   */
  #workerReplaced(index: number): void {
    this.#routers.dropWorker(index);
    this.#routing.clearPipes();
    const affected = [...this.#participants.values()].filter((p) => p.router.worker === index);
    for (const participant of affected) {
      this.leave(participant.info.id);
    }
    logger.warn({ worker: index, participants: affected.length }, 'worker replaced: its participants reconnect');
    for (const participant of affected) {
      this.#emitter.emit('participantFailed', participant.info.id, `media worker ${index} restarted`);
    }
  }

  #participant(participantId: string): Participant {
    return joined(this.#participants, participantId);
  }

  #transport(participantId: string, transportId: string): ms.WebRtcTransport {
    return transportOf(this.#participant(participantId), transportId);
  }
}
