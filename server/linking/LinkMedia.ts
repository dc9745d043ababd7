import { programOrigin } from '../domain/linking/program.js';
import { createLogger } from '../logger.js';
import type { PipedMedia, PipedProducer, PipeEndpoint } from '../media/MediaBridge.js';
import type { MediaService } from '../media/MediaService.js';
import { linkOutgoing, type LinkSide, type MediaParticipant, type OutgoingSource } from '../media/routing.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { Ack } from '../protocol/common.js';
import { pipeEndpoint, type PipedSource } from '../protocol/link.js';

const logger = createLogger('LinkMedia');

export interface LinkMediaOptions {
  media: MediaService;
  /** Where the meeting's state is read (the meeting service, or one runtime). */
  meetings: Pick<MeetingService, 'has' | 'get'>;
  meetingId: string;
  /** This side's pipe id (unique on this bridge). */
  pipeId: string;
  /** The parent side pipes one child (`unitId`); the child side pipes up to its parent. */
  side: LinkSide;
  /** Sends this side's sources to the far side (the link socket); the child says too whether it shows the program. */
  send: (sources: PipedSource[], wantsProgram: boolean) => Promise<void>;
}

/**
 * Media across one link between meetings, on mediasoup: one pipe per linked pair. The parent pipes its program (hub
 * and speaker, and the screen it shows) down to a child — except a source that came from that child (no loops, no
 * echo of a room to itself); the child pipes its hall up, and the point holding the parent's floor. Only what the far
 * side shows crosses.
 */
export class LinkMedia {
  readonly #options: LinkMediaOptions;
  #lastSent = '';
  /** What is sent through the pipe now, by `what:participantId`. */
  readonly #sent = new Map<string, { participantId: string; what: PipedMedia }>();
  /** Far source key → the participant it is on this bridge. */
  readonly #received = new Map<string, MediaParticipant>();
  #syncing: Promise<void> = Promise.resolve();
  #pending = false;
  #closed = false;
  #connected = false;
  /** Parent side: whether the child shows the parent's program now (it says so with every change). */
  #childWantsProgram = true;

  constructor(options: LinkMediaOptions) {
    this.#options = options;
  }

  /** Opens this side's pipe transport: where the far side must send. */
  open(): Promise<PipeEndpoint> {
    return this.#pipes().open(this.#options.meetingId, this.#options.pipeId);
  }

  /** Connects to the far side's endpoint, then starts piping. */
  async connect(remote: PipeEndpoint): Promise<void> {
    await this.#pipes().connect(this.#options.pipeId, remote);
    this.#connected = true;
    this.sync();
  }

  /**
   * The child's side of setting up: opens its pipe, asks the parent for its end over the link, connects. Resolves
   * false when the parent has no pipes (the meeting links without media) or the setup failed.
   */
  async connectUp(request: (event: string, body: object) => Promise<Ack<{ endpoint?: unknown }>>): Promise<boolean> {
    const { meetingId } = this.#options;
    try {
      const ack = await request('link:media:open', { endpoint: await this.open() });
      if (!ack.ok) {
        logger.warn({ meetingId, error: ack.error }, 'no media pipe: the meeting links without media');

        return false;
      }
      await this.connect(pipeEndpoint.parse(ack.endpoint));

      return true;
    } catch (error) {
      logger.warn({ err: error, meetingId }, 'media pipe not opened');

      return false;
    }
  }

  /** Re-decides what to pipe (after every routing pass of the meeting); passes run one at a time, coalesced. */
  sync(): void {
    if (this.#closed || !this.#connected) {
      return;
    }
    if (this.#pending) {
      return;
    }
    this.#pending = true;
    this.#syncing = this.#syncing
      .then(async () => {
        this.#pending = false;
        await this.#sync();
      })
      .catch((error: unknown) => logger.warn({ err: error, pipeId: this.#options.pipeId }, 'sync() failed'));
  }

  /**
   * What the far side pipes now: new sources join this meeting's bridge, gone ones leave. From a child, whether it
   * shows the parent's program: only then is the program piped down.
   */
  async receive(sources: PipedSource[], wantsProgram?: boolean): Promise<void> {
    const { media, meetingId, pipeId } = this.#options;
    if (wantsProgram !== undefined && wantsProgram !== this.#childWantsProgram) {
      this.#childWantsProgram = wantsProgram;
      this.sync();
    }
    // Keyed by what is sent too: a camera restarted under the same participant is a new source.
    const wanted = new Map(sources.map((s) => [`${s.as}:${s.key}:${fingerprint(s)}`, s]));
    for (const [key, participant] of this.#received) {
      if (!wanted.has(key)) {
        this.#received.delete(key);
        media.leave(meetingId, participant.id);
      }
    }
    for (const [key, source] of wanted) {
      if (this.#received.has(key) || this.#closed) {
        continue;
      }
      const participant = this.#participantFor(source, `pipe:${pipeId}:${source.as}:${source.key}`);
      if (participant === null) {
        logger.warn({ pipeId, source: source.as, pointId: source.pointId }, 'receive() | a source for no point here');
        continue;
      }
      await media.addPiped(meetingId, pipeId, participant, source.producers as PipedProducer[]);
      this.#received.set(key, participant);
    }
  }

  /** Closes the pipe and takes what it brought off the bridge. Idempotent. */
  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    const { media, meetingId, pipeId } = this.#options;
    for (const participant of this.#received.values()) {
      media.leave(meetingId, participant.id);
    }
    this.#received.clear();
    media.bridge.pipes?.close(pipeId);
  }

  async #sync(): Promise<void> {
    const { meetingId, pipeId } = this.#options;
    const wanted = this.#outgoing();
    const sources: PipedSource[] = [];
    for (const { participant, as, pointId } of wanted) {
      const producers = await this.#pipes().send(pipeId, participant.id, mediaOf(as));
      if (producers.length > 0) {
        sources.push({
          key: participant.id,
          as,
          pointId,
          producers: producers.map((p) => ({
            kind: p.kind,
            rtpParameters: p.rtpParameters as Record<string, unknown>,
          })),
        });
      }
    }
    const sending = new Map(
      wanted.map(({ participant, as }) => [
        `${mediaOf(as)}:${participant.id}`,
        { participantId: participant.id, what: mediaOf(as) },
      ]),
    );
    for (const [key, { participantId, what }] of this.#sent) {
      if (!sending.has(key)) {
        this.#pipes().unsend(pipeId, participantId, what);
        this.#sent.delete(key);
      }
    }
    sending.forEach((sent, key) => this.#sent.set(key, sent));
    const wantsProgram = this.#wantsProgram();
    const signature = JSON.stringify([wantsProgram, sources.map((s) => [s.as, s.key, fingerprint(s)])]);
    if (signature !== this.#lastSent && !this.#closed) {
      this.#lastSent = signature;
      await this.#options.send(sources, wantsProgram);
      logger.debug({ meetingId, pipeId, sources: sources.map((s) => s.as) }, 'sync() | sources sent');
    }
  }

  /** Child side: whether its points show the parent's program now (so the parent pipes it down). */
  #wantsProgram(): boolean {
    const { meetings, meetingId, side } = this.#options;

    return (
      side.kind === 'child' && meetings.has(meetingId) && programOrigin(meetings.get(meetingId).state) === 'parent'
    );
  }

  /** What this side should pipe to the far side now (the rule: media/routing.ts, `linkOutgoing`). */
  #outgoing(): OutgoingSource[] {
    const { media, meetings, meetingId, side } = this.#options;
    if (!meetings.has(meetingId)) {
      return [];
    }

    return linkOutgoing({
      state: meetings.get(meetingId).state,
      participants: media.participantsOf(meetingId),
      side,
      program: media.programSourcesOf(meetingId),
      childWantsProgram: this.#childWantsProgram,
    });
  }

  /** The participant a far source is on this bridge; `null` for a point this meeting does not know. */
  #participantFor(source: PipedSource, id: string): MediaParticipant | null {
    const { meetings, meetingId, side } = this.#options;
    if (side.kind === 'child') {
      const relayed = RELAYED_FROM_PARENT[source.as];

      return relayed === undefined ? null : { id, role: 'observer', pointId: null, relayed };
    }
    if (source.as !== 'hall' && source.as !== 'point') {
      return null;
    }
    const link = meetings.get(meetingId).state.links[side.unitId];
    const pointId =
      source.pointId === null
        ? undefined
        : Object.entries(link?.localIds ?? {}).find(([, local]) => local === source.pointId)?.[0];

    return pointId === undefined ? null : { id, role: 'point', pointId };
  }

  #pipes() {
    const pipes = this.#options.media.bridge.pipes;
    if (pipes === undefined) {
      throw new Error('InvalidStateError: this bridge has no media pipes');
    }

    return pipes;
  }
}

/** The streams a source carries (their SSRCs): the same participant sending another camera differs. */
function fingerprint(source: PipedSource): string {
  return source.producers
    .map((p) => JSON.stringify((p.rtpParameters as { encodings?: { ssrc?: number }[] }).encodings?.map((e) => e.ssrc)))
    .join('|');
}

/** What each source the parent pipes down stands for on the child's bridge. */
const RELAYED_FROM_PARENT: Partial<Record<PipedSource['as'], NonNullable<MediaParticipant['relayed']>>> = {
  hub: 'parentHub',
  speaker: 'parentSpeaker',
  screen: 'parentScreen',
};

/** A screen crosses on its own; every other source is a camera with its microphone. */
const mediaOf = (as: PipedSource['as']): PipedMedia => (as === 'screen' ? 'screen' : 'camera');
