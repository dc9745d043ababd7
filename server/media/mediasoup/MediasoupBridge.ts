import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import type { types as ms } from 'mediasoup';
import type { Config } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import { createLogger } from '../../logger.js';
import type {
  ConsumerOptions,
  IceRestart,
  JoinResult,
  MediaBridge,
  MediaBridgeEvents,
  SlotLabel,
  TransportOptions,
  TransportStats,
} from '../MediaBridge.js';
import type { MediaParticipant, RoutingPlan } from '../routing.js';
import {
  consumerKey,
  desiredConsumers,
  diffConsumers,
  placeConsumers,
  preferredLayers,
  type ConsumerSpec,
} from './plan.js';
import { WorkerPool } from './WorkerPool.js';

const logger = createLogger('MediasoupBridge');

const MEDIA_CODECS: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000, parameters: { 'x-google-start-bitrate': 600 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90_000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** One router of a meeting, on one worker, with the consumers it carries and its active-speaker observer. */
interface MeetingRouter {
  router: ms.Router;
  worker: number;
  consumers: number;
  speakers: ms.ActiveSpeakerObserver;
}

interface MeetingRouters {
  routers: MeetingRouter[];
  /** Joins placing participants on routers, one at a time (a second router is created once, not twice). */
  joining: Promise<unknown>;
  /** The routing to carry next, and whether a pass is running: passes run one at a time, the latest plan wins. */
  pendingPlan: RoutingPlan | null;
  routing: boolean;
}

interface Participant {
  info: MediaParticipant;
  meetingId: string;
  /** The meeting router this participant's transports live on. */
  router: MeetingRouter;
  rtpCapabilities: ms.RtpCapabilities | null;
  transports: Map<string, ms.WebRtcTransport>;
  producers: Map<'audio' | 'video', ms.Producer>;
  /** consumerKey → consumer. */
  consumers: Map<string, ms.Consumer>;
}

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
  readonly #config: Config;
  readonly #meetings = new Map<string, MeetingRouters>();
  readonly #participants = new Map<string, Participant>();
  /** Pipes made or being made: `${producerId}>${routerId}`. */
  readonly #piped = new Map<string, Promise<void>>();
  #pool: WorkerPool | null = null;
  #closed = false;

  private constructor(config: Config) {
    this.#config = config;
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

  /** The worker processes' ids, by worker index. */
  get workerPids(): number[] {
    return this.#workers.pids;
  }

  /** The simulcast layer each of a participant's video consumers forwards now (diagnostics and tests). */
  layersOf(participantId: string): { purpose: string; source: string; spatialLayer: number | null }[] {
    return [...(this.#participants.get(participantId)?.consumers.values() ?? [])]
      .filter((c) => c.kind === 'video')
      .map((c) => ({
        purpose: String(c.appData.purpose),
        source: String(c.appData.source),
        spatialLayer: c.currentLayers?.spatialLayer ?? null,
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
    const meeting = this.#meeting(meetingId);
    const placed = meeting.joining.then(() => this.#place(meeting));
    meeting.joining = placed.catch(() => undefined);
    const router = await placed;
    this.#participants.set(info.id, {
      info,
      meetingId,
      router,
      rtpCapabilities: null,
      transports: new Map(),
      producers: new Map(),
      consumers: new Map(),
    });

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
    const { router, worker } = this.#routerOf(participant);
    if ([...participant.transports.values()].some((t) => t.appData.direction === direction)) {
      throw DomainError.validation(`Đã có kênh ${direction === 'send' ? 'gửi' : 'nhận'} (transport exists)`);
    }
    const transport = await router.createWebRtcTransport({
      webRtcServer: this.#workers.slot(worker).webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
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
    await this.#validated(() => transport.connect({ dtlsParameters: dtlsParameters as ms.DtlsParameters }));
  }

  async produce(
    participantId: string,
    transportId: string,
    kind: 'audio' | 'video',
    rtpParameters: unknown,
  ): Promise<string> {
    const participant = this.#participant(participantId);
    const transport = this.#transport(participantId, transportId);
    if (transport.appData.direction !== 'send') {
      throw DomainError.validation('Chỉ gửi trên kênh gửi (produce on the send transport)');
    }
    if (participant.producers.has(kind)) {
      throw DomainError.validation(`Đã có ${kind} (already producing ${kind})`);
    }
    const producer = await this.#validated(() =>
      transport.produce({ kind, rtpParameters: rtpParameters as ms.RtpParameters, appData: { participantId } }),
    );
    participant.producers.set(kind, producer);
    if (kind === 'audio') {
      // Closed until the routing opens it: a microphone the chair has not opened never reaches anyone.
      await producer.pause();
      void this.#routerOf(participant)
        .speakers.addProducer({ producerId: producer.id })
        .catch(() => undefined);
    }
    this.#emitter.emit('changed', participantId);

    return producer.id;
  }

  async resumeConsumer(participantId: string, consumerId: string): Promise<void> {
    const consumer = [...this.#participant(participantId).consumers.values()].find((c) => c.id === consumerId);
    if (consumer === undefined) {
      throw new DomainError('NOT_FOUND', `Không có consumer ${consumerId} của điểm cầu này (no such consumer here)`);
    }
    await consumer.resume();
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
    // Closing the transports closes their producers and consumers; others' consumers of them close with them.
    participant.transports.forEach((t) => t.close());
  }

  route(meetingId: string, plan: RoutingPlan): void {
    const meeting = this.#meetings.get(meetingId);
    if (meeting === undefined) {
      return;
    }
    meeting.pendingPlan = plan;
    if (!meeting.routing) {
      void this.#drainRouting(meetingId, meeting);
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

    return { participantId, bytesIn, bytesOut, packetsLost, rttMs: null, state };
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#pool?.close();
  }

  async #drainRouting(meetingId: string, meeting: MeetingRouters): Promise<void> {
    meeting.routing = true;
    try {
      while (meeting.pendingPlan !== null && this.#meetings.get(meetingId) === meeting) {
        const plan = meeting.pendingPlan;
        meeting.pendingPlan = null;
        await this.#route(meetingId, plan).catch((error: unknown) =>
          logger.error({ err: error, meetingId }, 'route() failed'),
        );
      }
    } finally {
      meeting.routing = false;
    }
  }

  async #route(meetingId: string, plan: RoutingPlan): Promise<void> {
    // Microphones the plan keeps closed are paused at the bridge, for everyone at once.
    const mics: Promise<void>[] = [];
    for (const participant of this.#participants.values()) {
      const mic = participant.meetingId === meetingId ? participant.producers.get('audio') : undefined;
      if (mic !== undefined && !mic.closed && mic.paused === plan.openMics.has(participant.info.id)) {
        mics.push((mic.paused ? mic.resume() : mic.pause()).catch(() => undefined));
      }
    }
    await Promise.all(mics);
    const current = new Set<string>();
    for (const participant of this.#participants.values()) {
      if (participant.meetingId === meetingId) {
        participant.consumers.forEach((_c, key) => current.add(key));
      }
    }
    const { create, close } = diffConsumers(current, desiredConsumers(plan));
    const closedBy = new Map<string, string[]>();
    for (const key of close) {
      const [consumerId] = key.split('|');
      const participant = this.#participants.get(consumerId ?? '');
      const consumer = participant?.consumers.get(key);
      if (participant !== undefined && consumer !== undefined) {
        consumer.close();
        participant.consumers.delete(key);
        this.#count(participant, -1);
        closedBy.set(participant.info.id, [...(closedBy.get(participant.info.id) ?? []), consumer.id]);
      }
    }
    closedBy.forEach((ids, participantId) => this.#emitter.emit('consumersClosed', participantId, ids));
    const createdBy = new Map<string, ConsumerOptions[]>();
    await Promise.all(
      create.map(async (spec) => {
        const created = await this.#consume(spec).catch((error: unknown) => {
          logger.warn({ err: error, spec }, '#consume() failed');

          return null;
        });
        if (created !== null) {
          createdBy.set(spec.consumer, [...(createdBy.get(spec.consumer) ?? []), created]);
        }
      }),
    );
    createdBy.forEach((consumers, participantId) => this.#emitter.emit('consumers', participantId, consumers));
  }

  async #consume(spec: ConsumerSpec): Promise<ConsumerOptions | null> {
    const consumer = this.#participants.get(spec.consumer);
    const producerOwner = this.#participants.get(spec.producer);
    const producer = producerOwner?.producers.get(spec.kind);
    if (consumer?.rtpCapabilities == null || producer === undefined || producerOwner === undefined) {
      return null;
    }
    const router = this.#routerOf(consumer);
    const source = this.#routerOf(producerOwner);
    if (source.router.id !== router.router.id) {
      await this.#pipe(producer.id, source.router, router.router);
    }
    if (!router.router.canConsume({ producerId: producer.id, rtpCapabilities: consumer.rtpCapabilities })) {
      return null;
    }
    const transport = [...consumer.transports.values()].find((t) => t.appData.direction === 'recv');
    if (transport === undefined) {
      return null;
    }
    const created = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: consumer.rtpCapabilities,
      // Paused until the browser is ready, so the first packets (and the keyframe) are not lost.
      paused: true,
      ...(spec.kind === 'video' ? { preferredLayers: preferredLayers(spec.layer) } : {}),
      appData: { purpose: spec.purpose, source: spec.producer, sourcePointId: producerOwner.info.pointId },
    });
    if (this.#participants.get(spec.consumer) !== consumer) {
      // The receiver left (or joined again) while its consumer was being made.
      created.close();

      return null;
    }
    consumer.consumers.set(consumerKey(spec), created);
    this.#count(consumer, 1);
    created.on('producerclose', () => {
      if (consumer.consumers.get(consumerKey(spec)) === created) {
        consumer.consumers.delete(consumerKey(spec));
        this.#count(consumer, -1);
        this.#emitter.emit('consumersClosed', consumer.info.id, [created.id]);
      }
    });

    return {
      id: created.id,
      producerId: producer.id,
      kind: spec.kind,
      rtpParameters: created.rtpParameters,
      purpose: spec.purpose,
      source: spec.producer,
      sourcePointId: producerOwner.info.pointId,
    };
  }

  /** Keeps router and worker loads; a router already gone with its worker has nothing left to count. */
  #count(participant: Participant, delta: number): void {
    const router = participant.router;
    if (!router.router.closed) {
      router.consumers += delta;
      this.#workers.slot(router.worker).consumers += delta;
    }
  }

  /** Pipes a producer to another router of its meeting once; concurrent consumers of it wait for the same pipe. */
  #pipe(producerId: string, from: ms.Router, to: ms.Router): Promise<void> {
    const key = `${producerId}>${to.id}`;
    let piped = this.#piped.get(key);
    if (piped === undefined) {
      piped = from.pipeToRouter({ producerId, router: to }).then(() => undefined);
      piped.catch(() => this.#piped.delete(key));
      this.#piped.set(key, piped);
    }

    return piped;
  }

  /** The router a joining participant goes to: one of the meeting's with room, else a new one on another worker. */
  async #place(meeting: MeetingRouters): Promise<MeetingRouter> {
    const placement = placeConsumers(
      meeting.routers.map((r) => ({ worker: r.worker, consumers: r.consumers })),
      this.#workers.loads(),
      this.#config.MEDIASOUP_CONSUMERS_PER_WORKER,
    );
    const index =
      'router' in placement ? placement.router : await this.#addRouter(meeting, placement.newRouterOnWorker);

    return meeting.routers[index] as MeetingRouter;
  }

  #meeting(meetingId: string): MeetingRouters {
    let meeting = this.#meetings.get(meetingId);
    if (meeting === undefined) {
      meeting = { routers: [], joining: Promise.resolve(), pendingPlan: null, routing: false };
      this.#meetings.set(meetingId, meeting);
    }

    return meeting;
  }

  async #addRouter(meeting: MeetingRouters, workerIndex: number): Promise<number> {
    logger.info({ worker: workerIndex, routers: meeting.routers.length + 1 }, '#addRouter() | meeting spans a worker');
    const slot = this.#workers.slot(workerIndex);
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const speakers = await router.createActiveSpeakerObserver({ interval: 300 });
    speakers.on('dominantspeaker', ({ producer }) => {
      const speaker = producer.appData.participantId;
      const participant = typeof speaker === 'string' ? this.#participants.get(speaker) : undefined;
      if (participant !== undefined) {
        this.#emitter.emit('activeSpeaker', participant.meetingId, participant.info.id);
      }
    });
    meeting.routers.push({ router, worker: workerIndex, consumers: 0, speakers });

    return meeting.routers.length - 1;
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
    for (const meeting of this.#meetings.values()) {
      meeting.routers = meeting.routers.filter((r) => r.worker !== index);
    }
    for (const key of [...this.#piped.keys()]) {
      this.#piped.delete(key);
    }
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
    const participant = this.#participants.get(participantId);
    if (participant === undefined) {
      throw new DomainError('NOT_FOUND', 'Chưa tham gia truyền hình (media not joined)');
    }

    return participant;
  }

  #transport(participantId: string, transportId: string): ms.WebRtcTransport {
    const transport = this.#participant(participantId).transports.get(transportId);
    if (transport === undefined) {
      // Someone else's transport id is unknown here too: a participant only reaches its own.
      throw new DomainError('NOT_FOUND', `Không có transport ${transportId} của điểm cầu này (no such transport here)`);
    }

    return transport;
  }

  #routerOf(participant: Participant): MeetingRouter {
    if (participant.router.router.closed) {
      throw new DomainError('NOT_FOUND', 'Phòng truyền hình đã đóng (media router gone)');
    }

    return participant.router;
  }

  /** mediasoup throws TypeError on malformed parameters: that is the client's bad input. */
  async #validated<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof TypeError) {
        throw DomainError.validation(`Tham số truyền hình không hợp lệ: ${error.message}`.slice(0, 300));
      }
      throw error;
    }
  }
}

/**
 * Points mediasoup at a worker binary. mediasoup reads MEDIASOUP_WORKER_BIN once, when it is first loaded, into its
 * Worker module's `workerBin`, which every later spawn reads again: set both, so a second bridge in the same process
 * (tests, a probe after a failed one) uses the binary it was given.
 */
function useWorkerBinary(workerBin: string): void {
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  const require = createRequire(import.meta.url);
  const workerModule = join(dirname(require.resolve('mediasoup')), 'Worker.js');
  (require(workerModule) as { workerBin: string }).workerBin = workerBin;
}

function isRtpCapabilities(value: unknown): value is ms.RtpCapabilities {
  return typeof value === 'object' && value !== null && (!('codecs' in value) || Array.isArray(value.codecs));
}
