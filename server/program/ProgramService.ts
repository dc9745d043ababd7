import { createLogger } from '../logger.js';
import { QUEUE_EVENTS } from '../domain/core/events.js';
import type { ProgramPorts, RtpTap } from '../media/MediaBridge.js';
import type { MediaService } from '../media/MediaService.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { pagePart, type DocumentStore } from '../content/DocumentStore.js';
import { captionLines } from '../domain/program/caption.js';
import { PROGRAM_RTP, type ProgramFormat } from './format.js';
import { pagePicture } from './pagePicture.js';
import { ProgramEncoder, type ProgramSources } from './ProgramEncoder.js';

const logger = createLogger('ProgramService');

/** A lower third's line at most this long: it stays clear of the speaker drawn small in the bottom right. */
const CAPTION_CHARS = 50;

/** A hardware room receiving the program. */
export interface ProgramRoom {
  participantId: string;
  pointId: string;
  /** Per kind, the payload type the bridge sends the program with (a relay may rewrite it to the room's own). */
  onPayloadTypes: (payloadTypes: Map<'audio' | 'video', number>) => void;
}

interface MeetingProgram {
  encoder: Promise<ProgramEncoder>;
  rooms: Map<string, ProgramRoom>;
  /** What else keeps the program running (the live stream), by name. */
  holders: Set<string>;
}

/**
 * The program per meeting for hardware rooms and the live stream: its encoder starts with the first room (or the
 * stream) and stops with the last; every routing pass (a grant, a reload, a shared screen) tells it whose picture and
 * voices to carry, and tells each room which sound to receive (the floor holder's room gets the mix without its own
 * voice).
 */
export class ProgramService {
  readonly #media: MediaService;
  readonly #ffmpeg: string;
  readonly #format: ProgramFormat;
  readonly #meetings: MeetingService | undefined;
  readonly #documents: DocumentStore | undefined;
  readonly #captionFont: string | null;
  readonly #programs = new Map<string, MeetingProgram>();
  readonly #unsubscribe: (() => void)[];

  constructor({
    media,
    meetings,
    ffmpeg,
    format,
    documents,
    captionFont = null,
  }: {
    media: MediaService;
    meetings?: MeetingService;
    ffmpeg: string;
    format: ProgramFormat;
    /** Where the pages of slides on show are read from (without it, slides leave the speaker on the program). */
    documents?: DocumentStore;
    /** The lower third's font (Vietnamese letters), or `null` for none. */
    captionFont?: string | null;
  }) {
    this.#media = media;
    this.#meetings = meetings;
    this.#documents = documents;
    this.#captionFont = captionFont;
    this.#ffmpeg = ffmpeg;
    this.#format = format;
    const follow = (meetingId: string) => {
      if (this.#programs.has(meetingId)) {
        void this.#follow(meetingId).catch((error: unknown) =>
          logger.warn({ err: error, meetingId }, 'the program did not follow the routing'),
        );
      }
    };
    this.#unsubscribe = [
      media.onRouted(follow),
      meetings?.onEvents((runtime, events) => {
        // The queue changed: who speaks next (kept warm) may be another room.
        if (events.some((e) => QUEUE_EVENTS.includes(e.type))) {
          follow(runtime.id);
        }
      }) ?? (() => undefined),
    ];
  }

  /** A room joins the program (the encoder starts with the first). */
  async addRoom(meetingId: string, room: ProgramRoom): Promise<void> {
    const program = this.#ensure(meetingId);
    if (program === null) {
      return;
    }
    program.rooms.set(room.participantId, room);
    await program.encoder;
    await this.#follow(meetingId);
  }

  /**
   * Keeps the meeting's program running for something other than a room (the live stream), started if it was not;
   * resolves once it runs. `false` when this bridge has no program (the embedded one).
   */
  async hold(meetingId: string, holder: string): Promise<boolean> {
    const program = this.#ensure(meetingId);
    if (program === null) {
      return false;
    }
    program.holders.add(holder);
    await program.encoder;
    await this.#follow(meetingId);

    return true;
  }

  /** Lets go of the program for `holder` (it stops when nothing else holds it). */
  release(meetingId: string, holder: string): void {
    const program = this.#programs.get(meetingId);
    if (program !== undefined && program.holders.delete(holder)) {
      this.#stopIfUnused(meetingId, program);
    }
  }

  /** The program's picture or sound copied to a local port (the live stream's ffmpeg), once it runs. */
  async tap(meetingId: string, kind: 'audio' | 'video', target: ProgramPorts): Promise<RtpTap | null> {
    return (await this.#media.bridge.plain?.tapProgram(meetingId, kind, target)) ?? null;
  }

  /** The meeting's program, its encoder started if it was not; `null` without plain RTP on this bridge. */
  #ensure(meetingId: string): MeetingProgram | null {
    const plain = this.#media.bridge.plain;
    if (plain === undefined) {
      return null;
    }
    let program = this.#programs.get(meetingId);
    if (program === undefined) {
      const encoder = (async () => {
        const ports = await plain.openProgram(meetingId, PROGRAM_RTP);
        const started = new ProgramEncoder({
          meetingId,
          ffmpeg: this.#ffmpeg,
          format: this.#format,
          ports,
          captionFont: this.#captionFont,
          tap: async (participantId, kind, target, screen) =>
            (await this.#media.bridge.tap?.(participantId, kind, target, screen)) ?? null,
          page: async (documentId, page) => {
            const jpeg = await this.#documents?.get(meetingId, documentId, pagePart(page));

            return jpeg === null || jpeg === undefined ? null : pagePicture(this.#ffmpeg, jpeg, this.#format);
          },
        });
        await started.start();

        return started;
      })();
      const started: MeetingProgram = { encoder, rooms: new Map(), holders: new Set() };
      program = started;
      this.#programs.set(meetingId, started);
      encoder.catch((error: unknown) => {
        logger.error({ err: error, meetingId }, 'the program encoder did not start');
        if (this.#programs.get(meetingId) === started) {
          this.#programs.delete(meetingId);
        }
      });
    }

    return program;
  }

  /** A room leaves (the encoder stops with the last). */
  removeRoom(meetingId: string, participantId: string): void {
    const program = this.#programs.get(meetingId);
    if (program !== undefined && program.rooms.delete(participantId)) {
      this.#stopIfUnused(meetingId, program);
    }
  }

  #stopIfUnused(meetingId: string, program: MeetingProgram): void {
    if (program.rooms.size > 0 || program.holders.size > 0 || this.#programs.get(meetingId) !== program) {
      return;
    }
    this.#programs.delete(meetingId);
    this.#media.bridge.plain?.closeProgram(meetingId);
    void program.encoder.then(
      (encoder) => encoder.close(),
      () => undefined,
    );
  }

  /** The encoder of a meeting, once started (tests and metrics). */
  async encoderOf(meetingId: string): Promise<ProgramEncoder | null> {
    return (await this.#programs.get(meetingId)?.encoder.catch(() => null)) ?? null;
  }

  close(): void {
    this.#unsubscribe.forEach((unsubscribe) => unsubscribe());
    for (const [meetingId, program] of [...this.#programs]) {
      program.holders.clear();
      program.rooms.clear();
      this.#stopIfUnused(meetingId, program);
    }
  }

  /** The lower third: the floor holder's room (or else the hub's) over the meeting's title. */
  #captionOf(meetingId: string, holderPointId: string | null): string[] {
    const runtime = this.#meetings?.loaded(meetingId);
    if (runtime === undefined) {
      return [];
    }
    const point = runtime.index.points.get(holderPointId ?? runtime.state.def.hubPointId);
    const unit = point === undefined ? undefined : runtime.index.units.get(point.unitCode);

    return captionLines(
      runtime.state.def.title,
      point === undefined ? null : { name: point.name, unitName: unit?.name ?? null },
      CAPTION_CHARS,
    );
  }

  /** The page of the meeting's slides on show now, if its pictures are ready. */
  #slidesOnShow(meetingId: string): { documentId: string; page: number } | null {
    if (this.#documents === undefined || this.#meetings?.has(meetingId) !== true) {
      return null;
    }
    const { content, documents } = this.#meetings.get(meetingId).state;
    if (content?.kind !== 'slides') {
      return null;
    }
    const document = documents.find((d) => d.documentId === content.documentId);

    return document?.state === 'ready' ? { documentId: content.documentId, page: content.page } : null;
  }

  async #follow(meetingId: string): Promise<void> {
    const program = this.#programs.get(meetingId);
    if (program === undefined) {
      return;
    }
    const encoder = await program.encoder;
    const feed = this.#media.programFeed(meetingId);
    const { hub, holder } = this.#media.programSourcesOf(meetingId);
    const page = this.#slidesOnShow(meetingId);
    const sources: ProgramSources = {
      // Slides: the page, the speaker beside it. A screen: the screen, the speaker beside it. Else the speaker.
      video: page !== null || feed.video === null ? null : { participantId: feed.video, screen: feed.screen },
      page,
      inset: page !== null ? feed.video : feed.speaker,
      caption: this.#captionOf(meetingId, holder?.pointId ?? null),
      hub: hub?.id ?? null,
      holder: holder?.id ?? null,
      next: this.#media.nextSpeakerOf(meetingId)?.id ?? null,
    };
    encoder.update(sources);
    for (const room of program.rooms.values()) {
      const ownVoice = holder !== null && holder.pointId === room.pointId;
      const payloadTypes = await this.#media.bridge.plain?.receiveProgram(
        room.participantId,
        ownVoice ? 'minus' : 'mix',
      );
      if (payloadTypes !== undefined) {
        room.onPayloadTypes(payloadTypes);
      }
    }
  }
}
