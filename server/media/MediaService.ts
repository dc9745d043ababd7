import type { EventType, MeetingEvent } from '../domain/core/events.js';
import { DomainError } from '../domain/core/errors.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { MediaBridge, TransportStats } from './MediaBridge.js';
import type { DownlinkView, JoinResult, SlotLabel } from '../protocol/mediaWire.js';
import type { PipedProducer, PlainStreamAnswer, PlainStreamOffer } from './MediaBridge.js';
import {
  planRouting,
  programFeed,
  nextSpeaker,
  programSources,
  type GridSelection,
  type MediaParticipant,
  type ProgramFeed,
} from './routing.js';

const logger = createLogger('MediaService');

/** Events after which who-receives-what may change. */
const ROUTING_EVENTS = new Set<EventType>([
  'SessionStarted',
  'AgendaAdvanced',
  'FloorGranted',
  'FloorEnded',
  'MicsMuted',
  'MicChanged',
  'ScanChanged',
  'MeetingEnded',
  // Linked meetings: whose program is on screen.
  'RelayChanged',
  'UplinkStateChanged',
  // A shared screen on show, or no longer.
  'ContentShown',
  'ContentStopped',
  // …or the parent's, relayed.
  'ParentScreenChanged',
]);

/** The loudest open microphone of a meeting: `pointId` is `null` for the hub's consoles. */
export interface ActiveSpeaker {
  participantId: string;
  pointId: string | null;
  at: number;
}

export interface MediaServiceOptions {
  meetings: MeetingService;
  bridge: MediaBridge;
  /** Tells one participant what its slots show. */
  onSlots: (participantId: string, slots: SlotLabel[]) => void;
  /** Tells one participant (or, with `null`, everyone) to reconnect its media. */
  onReconnect: (participantId: string | null, reason: string) => void;
  /** Another page of the same point took over this participant's media. */
  onReplaced?: (participantId: string, by: 'page' | 'device') => void;
  /** What one participant's link lets through changed (mediasoup). */
  onDownlink?: (participantId: string, view: DownlinkView) => void;
  /** The loudest open microphone of a meeting changed (mediasoup). */
  onActiveSpeaker?: (meetingId: string, speaker: ActiveSpeaker) => void;
  now?: () => number;
}

/**
 * Drives the bridge from the meeting: keeps who is on the bridge per meeting, recomputes the routing plan whenever
 * floor, microphones, agenda or auto-scan change (and on every scan step), and hands it to the bridge.
 */
export class MediaService {
  readonly bridge: MediaBridge;
  readonly #meetings: MeetingService;
  readonly #now: () => number;
  readonly #onReplaced: (participantId: string, by: 'page' | 'device') => void;
  readonly #participants = new Map<string, Map<string, MediaParticipant>>();
  readonly #gridPages = new Map<string, GridSelection>();
  readonly #activeSpeakers = new Map<string, ActiveSpeaker>();
  readonly #unsubscribe: () => void;
  readonly #scanTimer: NodeJS.Timeout;
  readonly #routedListeners = new Set<(meetingId: string) => void>();

  constructor({
    meetings,
    bridge,
    onSlots,
    onReconnect,
    onReplaced = () => undefined,
    onActiveSpeaker,
    onDownlink,
    now = Date.now,
  }: MediaServiceOptions) {
    this.bridge = bridge;
    this.#onReplaced = onReplaced;
    this.#meetings = meetings;
    this.#now = now;
    bridge.on('slots', onSlots);
    if (onDownlink !== undefined) {
      bridge.on('downlink', onDownlink);
    }
    bridge.on('participantFailed', (participantId, reason) => onReconnect(participantId, reason));
    bridge.on('failure', (reason) => onReconnect(null, reason));
    bridge.on('changed', (participantId) => {
      const meetingId = this.#meetingOf(participantId);
      if (meetingId !== null) {
        this.#reroute(meetingId);
      }
    });
    bridge.on('activeSpeaker', (meetingId, participantId) => {
      const participant = this.#participants.get(meetingId)?.get(participantId);
      if (participant !== undefined) {
        const speaker = { participantId, pointId: participant.pointId, at: this.#now() };
        this.#activeSpeakers.set(meetingId, speaker);
        onActiveSpeaker?.(meetingId, speaker);
      }
    });
    this.#unsubscribe = meetings.onEvents((runtime, events) => this.#onEvents(runtime, events));
    // Auto-scan steps are time-driven: re-plan meetings that scan, once a second.
    this.#scanTimer = setInterval(() => {
      for (const meetingId of this.#participants.keys()) {
        if (this.#meetings.has(meetingId) && this.#meetings.get(meetingId).state.scan !== null) {
          this.#reroute(meetingId);
        }
      }
    }, 1000);
    this.#scanTimer.unref();
  }

  /**
   * Puts a console on the bridge. A point's room sends from one page at a time (two tabs of one link would show the
   * room twice and send its microphone twice): another page of the point already there refuses the join, unless
   * `takeOver` moves the room here and tells the other page.
   */
  async join(runtime: MeetingRuntime, participant: MediaParticipant, takeOver = false): Promise<JoinResult> {
    const other =
      participant.pointId === null
        ? undefined
        : [...(this.#participants.get(runtime.id)?.values() ?? [])].find(
            (p) => p.pointId === participant.pointId && p.id !== participant.id,
          );
    if (other?.device !== undefined) {
      // The room's hardware sends its picture and sound: a console of the point beside it only controls it.
      throw new DomainError(
        'POINT_ON_DEVICE',
        'Hình và tiếng của điểm cầu do thiết bị hội nghị gửi; cửa sổ này chỉ điều khiển (the room system sends its media)',
      );
    }
    if (other !== undefined) {
      if (!takeOver) {
        throw new DomainError(
          'POINT_OPEN_ELSEWHERE',
          'Điểm cầu đang mở ở một cửa sổ khác; chỉ một cửa sổ được gửi hình và tiếng (point open in another page)',
        );
      }
      this.leave(runtime.id, other.id);
      this.#onReplaced(other.id, 'page');
      logger.info({ meetingId: runtime.id, pointId: participant.pointId }, 'join() | point media moved to a new page');
    }
    const result = await this.bridge.join(runtime.id, participant);
    let participants = this.#participants.get(runtime.id);
    if (participants === undefined) {
      participants = new Map();
      this.#participants.set(runtime.id, participants);
    }
    participants.set(participant.id, participant);
    this.#reroute(runtime.id);
    // The answer carries the slots as routed now, not as they were when the offer was made.
    if (result.bridge === 'werift') {
      result.slots = this.bridge.slotsOf(participant.id);
    }
    logger.info(
      { meetingId: runtime.id, participantId: participant.id, role: participant.role },
      'join() | on the bridge',
    );

    return result;
  }

  leave(meetingId: string, participantId: string): void {
    this.bridge.leave(participantId);
    this.#gridPages.delete(participantId);
    if (this.#participants.get(meetingId)?.delete(participantId)) {
      this.#reroute(meetingId);
    }
    this.#closeIfOver(meetingId);
  }

  /** The bridge's own transport stats for each point on the bridge (a point with several consoles: the first). */
  async pointStats(meetingId: string): Promise<Map<string, TransportStats>> {
    const out = new Map<string, TransportStats>();
    for (const participant of this.#participants.get(meetingId)?.values() ?? []) {
      if (participant.pointId !== null && !out.has(participant.pointId)) {
        const stats = await this.bridge.stats(participant.id);
        if (stats !== null) {
          out.set(participant.pointId, stats);
        }
      }
    }

    return out;
  }

  /** The meeting's loudest open microphone now, for a console that opens later (mediasoup; `null` otherwise). */
  activeSpeaker(meetingId: string): ActiveSpeaker | null {
    return this.#activeSpeakers.get(meetingId) ?? null;
  }

  /** Who fills the program's picture and sound now (the recorder follows it). */
  programFeed(meetingId: string): ProgramFeed {
    if (!this.#meetings.has(meetingId)) {
      return { video: null, screen: false, speaker: null, audio: null };
    }
    const participants = [...(this.#participants.get(meetingId)?.values() ?? [])];

    return programFeed(this.#meetings.get(meetingId).state, participants, this.#now());
  }

  /** Who is on the bridge for a meeting now (consoles, and participants piped in from linked meetings). */
  participantsOf(meetingId: string): MediaParticipant[] {
    return [...(this.#participants.get(meetingId)?.values() ?? [])];
  }

  /** Who fills the program (hub, speaker) now, as the points see it. */
  programSourcesOf(meetingId: string): ReturnType<typeof programSources> {
    if (!this.#meetings.has(meetingId)) {
      return { hub: null, speaker: null, holder: null };
    }

    return programSources(this.#meetings.get(meetingId).state, this.participantsOf(meetingId), this.#now());
  }

  /** The likely next speaker's participant here (the queue's head), or `null`. */
  nextSpeakerOf(meetingId: string): MediaParticipant | null {
    return this.#meetings.has(meetingId)
      ? nextSpeaker(this.#meetings.get(meetingId).state, this.participantsOf(meetingId))
      : null;
  }

  /**
   * Puts a participant piped in from a linked meeting's bridge on this meeting (replacing it if it was there): it is
   * routed like any other (a point of a child, or the parent's program while relaying).
   */
  async addPiped(meetingId: string, pipeId: string, participant: MediaParticipant, producers: PipedProducer[]) {
    const pipes = this.bridge.pipes;
    if (pipes === undefined) {
      throw new DomainError('MEDIA_UNAVAILABLE', 'Cầu truyền hình này không nối được giữa các máy (no media pipes)');
    }
    await pipes.receive(pipeId, participant, producers);
    this.#onBridge(meetingId, participant);
  }

  /**
   * Puts a hardware room system (a SIP call) on this meeting's bridge as its point's room: routed like a browser
   * point, its microphone closed until the routing opens it. Returns where the bridge receives each stream.
   */
  async addRoom(
    meetingId: string,
    participant: MediaParticipant,
    streams: PlainStreamOffer[],
    options: { sendToStatedAddress: boolean; address: string },
  ): Promise<Map<number, PlainStreamAnswer>> {
    const plain = this.bridge.plain;
    if (plain === undefined) {
      throw new DomainError('MEDIA_UNAVAILABLE', 'Cầu truyền hình nhúng không nhận thiết bị SIP (no plain RTP bridge)');
    }
    const answers = await plain.open(meetingId, participant, streams, options);
    this.#onBridge(meetingId, { ...participant, device: 'sip' });
    // A page of the point that was sending (a PC beside the codec) gives way: the room system is the room now.
    for (const page of this.participantsOf(meetingId).filter(
      (p) => p.pointId === participant.pointId && p.id !== participant.id && p.device === undefined,
    )) {
      this.leave(meetingId, page.id);
      this.#onReplaced(page.id, 'device');
    }

    return answers;
  }

  /** Called after every routing pass of a meeting is planned (linked meetings decide what to pipe). */
  onRouted(listener: (meetingId: string) => void): () => void {
    this.#routedListeners.add(listener);

    return () => this.#routedListeners.delete(listener);
  }

  /** A console started or stopped sending a shared screen; it reaches the others while the meeting shows it. */
  setSharing(meetingId: string, participantId: string, sharing: boolean): void {
    const participant = this.#participants.get(meetingId)?.get(participantId);
    if (participant === undefined) {
      throw new DomainError('NOT_FOUND', 'Chưa tham gia truyền hình (media not joined)');
    }
    participant.sharing = sharing;
    if (!sharing) {
      this.bridge.stopScreen(participantId);
    }
    this.#reroute(meetingId);
  }

  setGridPage(meetingId: string, participantId: string, selection: GridSelection): void {
    this.#gridPages.set(participantId, selection);
    this.#reroute(meetingId);
  }

  close(): Promise<void> {
    clearInterval(this.#scanTimer);
    this.#unsubscribe();

    return this.bridge.close();
  }

  #onEvents(runtime: MeetingRuntime, events: MeetingEvent[]): void {
    if (this.#participants.has(runtime.id) && events.some((e) => ROUTING_EVENTS.has(e.type))) {
      this.#reroute(runtime.id);
    }
    if (events.some((e) => e.type === 'MeetingEnded')) {
      this.#closeIfOver(runtime.id);
    }
  }

  /**
   * An ended meeting's media rooms close once its last participant has left (or when it ends with nobody on the
   * bridge), so that a coordinator running for months does not keep a router per meeting it ever held.
   */
  /** A participant the bridge took in by another way than a console's join (a pipe, a SIP call): routed at once. */
  #onBridge(meetingId: string, participant: MediaParticipant): void {
    let participants = this.#participants.get(meetingId);
    if (participants === undefined) {
      participants = new Map();
      this.#participants.set(meetingId, participants);
    }
    participants.set(participant.id, participant);
    this.#reroute(meetingId);
  }

  #closeIfOver(meetingId: string): void {
    const over = !this.#meetings.has(meetingId) || this.#meetings.get(meetingId).state.status === 'ended';
    if (!over || (this.#participants.get(meetingId)?.size ?? 0) > 0) {
      return;
    }
    this.#participants.delete(meetingId);
    this.#activeSpeakers.delete(meetingId);
    this.bridge.closeMeeting(meetingId);
    logger.info({ meetingId }, 'closeIfOver() | media rooms of an ended meeting closed');
  }

  #meetingOf(participantId: string): string | null {
    for (const [meetingId, participants] of this.#participants) {
      if (participants.has(participantId)) {
        return meetingId;
      }
    }

    return null;
  }

  #reroute(meetingId: string): void {
    const participants = [...(this.#participants.get(meetingId)?.values() ?? [])];
    if (!this.#meetings.has(meetingId)) {
      return;
    }
    const plan = planRouting(this.#meetings.get(meetingId).state, participants, this.#now(), {
      gridPages: this.#gridPages,
    });
    this.bridge.route(meetingId, plan);
    for (const listener of this.#routedListeners) {
      try {
        listener(meetingId);
      } catch (error) {
        logger.error({ err: error, meetingId }, 'routed listener threw');
      }
    }
  }
}
