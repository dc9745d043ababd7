import type { types as ms } from 'mediasoup';
import { createLogger } from '../../logger.js';
import type { MeetingRouter, MeetingRouters } from './participants.js';
import { placeConsumers } from './plan.js';
import type { WorkerPool } from './WorkerPool.js';

const logger = createLogger('RouterPlacement');

export const MEDIA_CODECS: ms.RouterRtpCodecCapability[] = [
  // In-band FEC: a room whose uplink loses packets sends each frame's redundancy with the next (Opus adapts it to the
  // loss the bridge reports), so its voice survives a lossy 4G link.
  {
    kind: 'audio',
    mimeType: 'audio/opus',
    clockRate: 48_000,
    channels: 2,
    parameters: { useinbandfec: 1, minptime: 10 },
  },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000, parameters: { 'x-google-start-bitrate': 600 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90_000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
  // What hardware room systems send (server/sip): H.264 in packetization-mode 0 and in main and high profiles,
  // G.722 and G.711. Forwarded as sent; browsers decode them.
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90_000,
    parameters: { 'packetization-mode': 0, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90_000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '4d001f', 'level-asymmetry-allowed': 1 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90_000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '640028', 'level-asymmetry-allowed': 1 },
  },
  { kind: 'audio', mimeType: 'audio/G722', clockRate: 8000, channels: 1 },
  { kind: 'audio', mimeType: 'audio/PCMA', clockRate: 8000, channels: 1 },
  { kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000, channels: 1 },
];

export interface RouterPlacementOptions {
  workers: () => WorkerPool;
  consumersPerWorker: number;
  /** A router's active-speaker observer named the loudest producer. */
  onDominantSpeaker: (producer: ms.Producer) => void;
}

/**
 * Each meeting's routers, one per worker it spans: a meeting starts on one router and, when its consumers pass the
 * per-worker budget, opens a router on another worker. Placements of one meeting run one at a time, so a second
 * router is created once, not twice.
 */
export class RouterPlacement {
  readonly #options: RouterPlacementOptions;
  readonly #meetings = new Map<string, MeetingRouters>();

  constructor(options: RouterPlacementOptions) {
    this.#options = options;
  }

  /** The meeting's routers, if any participant ever joined it here. */
  get(meetingId: string): MeetingRouters | undefined {
    return this.#meetings.get(meetingId);
  }

  /** The router a joining participant goes to: one of the meeting's with room, else a new one on another worker. */
  place(meetingId: string): Promise<MeetingRouter> {
    return this.#serialized(meetingId, (meeting) => this.#place(meeting));
  }

  /** The meeting's first router (where pipes from other coordinators land), placed if there is none yet. */
  first(meetingId: string): Promise<MeetingRouter> {
    return this.#serialized(meetingId, (meeting) => meeting.routers[0] ?? this.#place(meeting));
  }

  /**
   * The meeting is over here: its routers close (with their transports, producers, consumers and speaker observer)
   * and it is forgotten. Returns the closed routers' ids. A later join places it again.
   */
  close(meetingId: string): string[] {
    const meeting = this.#meetings.get(meetingId);
    this.#meetings.delete(meetingId);
    for (const router of meeting?.routers ?? []) {
      router.router.close();
    }

    return (meeting?.routers ?? []).map((r) => r.router.id);
  }

  /** How many meetings have routers here (diagnostics and the soak). */
  get size(): number {
    return this.#meetings.size;
  }

  /** A dead worker took its routers with it. */
  dropWorker(index: number): void {
    for (const meeting of this.#meetings.values()) {
      meeting.routers = meeting.routers.filter((r) => r.worker !== index);
    }
  }

  /** Keeps router and worker loads; a router already gone with its worker has nothing left to count. */
  count(router: MeetingRouter, delta: number): void {
    if (!router.router.closed) {
      router.consumers += delta;
      this.#options.workers().slot(router.worker).consumers += delta;
    }
  }

  #serialized(
    meetingId: string,
    place: (meeting: MeetingRouters) => MeetingRouter | Promise<MeetingRouter>,
  ): Promise<MeetingRouter> {
    let meeting = this.#meetings.get(meetingId);
    if (meeting === undefined) {
      meeting = { routers: [], joining: Promise.resolve(), pendingPlan: null, routing: false };
      this.#meetings.set(meetingId, meeting);
    }
    const current = meeting;
    const placed = current.joining.then(() => place(current));
    current.joining = placed.catch(() => undefined);

    return placed;
  }

  async #place(meeting: MeetingRouters): Promise<MeetingRouter> {
    const workers = this.#options.workers();
    const placement = placeConsumers(
      meeting.routers.map((r) => ({ worker: r.worker, consumers: r.consumers })),
      workers.loads(),
      this.#options.consumersPerWorker,
    );
    const index =
      'router' in placement ? placement.router : await this.#addRouter(meeting, placement.newRouterOnWorker);

    return meeting.routers[index] as MeetingRouter;
  }

  async #addRouter(meeting: MeetingRouters, workerIndex: number): Promise<number> {
    logger.info({ worker: workerIndex, routers: meeting.routers.length + 1 }, 'addRouter() | meeting spans a worker');
    const router = await this.#options.workers().slot(workerIndex).worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const speakers = await router.createActiveSpeakerObserver({ interval: 300 });
    speakers.on('dominantspeaker', ({ producer }) => this.#options.onDominantSpeaker(producer));
    meeting.routers.push({ router, worker: workerIndex, consumers: 0, speakers });

    return meeting.routers.length - 1;
  }
}
