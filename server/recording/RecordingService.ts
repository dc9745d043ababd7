import { mkdir, readFile, rename, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor } from '../domain/core/model.js';
import { turnLog } from '../domain/record/record.js';
import { chaptersOf, hasRoom, type Chapter, type RecordedSpan } from '../domain/record/recording.js';
import { createLogger } from '../logger.js';
import type { MediaService } from '../media/MediaService.js';
import type { RtpTap } from '../media/MediaBridge.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { DocumentStore } from '../content/DocumentStore.js';
import { pagePart } from '../content/DocumentStore.js';
import { pagesOnShow } from '../domain/content/contentRecord.js';
import { composeScreen, composeSlides, keepFirstPicture, type SlideSpan } from './composeContent.js';
import { joinSegments } from './joinSegments.js';
import { freePortPair, ProgramSegment } from './ProgramSegment.js';

const logger = createLogger('RecordingService');
const SYSTEM: Actor = { role: 'system' };

/** What is known of a meeting's recording, kept beside it as `<meeting>.json`. */
export interface RecordingIndex {
  meetingId: string;
  status: 'recording' | 'done' | 'failed';
  /** The joined file's name in the recordings folder, once there is one. */
  file: string | null;
  bytes: number;
  spans: RecordedSpan[];
  chapters: Chapter[];
  reason: string | null;
}

export interface RecordingServiceOptions {
  meetings: MeetingService;
  media: MediaService;
  /** Where the pages shown as slides are, to draw them into the program. */
  documents: DocumentStore;
  /** `DATA_DIR/recordings`. */
  dir: string;
  /** Below this much free space the recorder stops, with an alert. */
  minFreeBytes: number;
  ffmpeg?: string;
  now?: () => number;
  /** How often the recorder follows the program and checks the disk. */
  pollMs?: number;
}

const fileBase = (meetingId: string) => encodeURIComponent(meetingId);

/**
 * Records each meeting's program from its session's start to its end: the picture and sound every point receives
 * (the floor holder, else the hub), through plain-RTP taps of the bridge into ffmpeg. A new segment starts whenever
 * the program changes source; at the end the segments are joined into `<meeting>.webm` with a chapter per turn. A
 * full disk or a dead ffmpeg stops the recording (what was recorded is kept) and raises an alert; the meeting goes on.
 */
export class RecordingService {
  readonly dir: string;
  readonly #options: Required<Omit<RecordingServiceOptions, 'dir'>>;
  readonly #recorders = new Map<string, MeetingRecorder>();
  readonly #unsubscribe: () => void;

  constructor({
    meetings,
    media,
    documents,
    dir,
    minFreeBytes,
    ffmpeg = 'ffmpeg',
    now = Date.now,
    pollMs = 1000,
  }: RecordingServiceOptions) {
    this.dir = dir;
    this.#options = { meetings, media, documents, minFreeBytes, ffmpeg, now, pollMs };
    this.#unsubscribe = meetings.onEvents((runtime, events) => {
      if (events.some((e) => e.type === 'SessionStarted')) {
        // A recorder that cannot start (an unwritable folder) must not take the coordinator down with it.
        this.#start(runtime).catch((error: unknown) => {
          logger.error({ err: error, meetingId: runtime.id }, 'recording could not start');
          this.#recorders.delete(runtime.id);
          void runtime
            .execute(
              {
                type: 'recording.report',
                status: 'failed',
                reason: 'không mở được thư mục ghi hình (recordings folder)',
              },
              SYSTEM,
            )
            .catch(() => undefined);
        });
      }
      if (events.some((e) => e.type === 'MeetingEnded')) {
        void this.finish(runtime.id);
      }
    });
  }

  /** The meeting's recording as last written, or null when it was never recorded. */
  async index(meetingId: string): Promise<RecordingIndex | null> {
    const live = this.#recorders.get(meetingId);
    if (live !== undefined) {
      return live.index();
    }
    try {
      return JSON.parse(await readFile(join(this.dir, `${fileBase(meetingId)}.json`), 'utf8')) as RecordingIndex;
    } catch {
      return null;
    }
  }

  /** Ends a meeting's recording and joins its file; resolves once the file is complete. */
  async finish(meetingId: string): Promise<void> {
    await this.#recorders.get(meetingId)?.finish('stopped', null);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await Promise.all([...this.#recorders.keys()].map((id) => this.finish(id)));
  }

  async #start(runtime: MeetingRuntime): Promise<void> {
    if (this.#recorders.has(runtime.id) || this.#options.media.bridge.tap === undefined) {
      return;
    }
    await mkdir(this.dir, { recursive: true });
    const recorder = new MeetingRecorder(runtime, this.dir, this.#options, () => this.#recorders.delete(runtime.id));
    this.#recorders.set(runtime.id, recorder);
    await recorder.begin();
  }
}

class MeetingRecorder {
  readonly #runtime: MeetingRuntime;
  readonly #dir: string;
  readonly #options: Required<Omit<RecordingServiceOptions, 'dir'>>;
  readonly #onDone: () => void;
  readonly #segments: ProgramSegment[] = [];
  /** Segments of a shared screen that carry the speaker's camera as a second picture, to be drawn beside it. */
  readonly #withSpeaker = new Set<ProgramSegment>();
  #current: ProgramSegment | null = null;
  #feedKey: string | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Steps (polls, the finish) run one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #finished: Promise<void> | null = null;
  #reason: string | null = null;

  constructor(
    runtime: MeetingRuntime,
    dir: string,
    options: Required<Omit<RecordingServiceOptions, 'dir'>>,
    onDone: () => void,
  ) {
    this.#runtime = runtime;
    this.#dir = dir;
    this.#options = options;
    this.#onDone = onDone;
  }

  async begin(): Promise<void> {
    await this.#report('recording', null);
    this.#timer = setInterval(() => this.#step(() => this.#follow()), this.#options.pollMs);
    this.#timer.unref();
    await this.#step(() => this.#follow());
  }

  index(): RecordingIndex {
    return {
      meetingId: this.#runtime.id,
      // Until its file is joined and indexed, a recording is still being made.
      status: 'recording',
      file: null,
      bytes: 0,
      spans: this.#spans(),
      chapters: [],
      reason: this.#reason,
    };
  }

  finish(status: 'stopped' | 'failed', reason: string | null): Promise<void> {
    this.#finished ??= this.#step(() => this.#finishNow(status, reason));

    return this.#finished;
  }

  #step(work: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(work).catch((error: unknown) => {
      logger.error({ err: error, meetingId: this.#runtime.id }, 'recording step failed');
    });
    this.#queue = next;

    return next;
  }

  /** Follows the program: a new segment when its source changes; stops when the disk runs short. */
  async #follow(): Promise<void> {
    if (this.#finished !== null) {
      return;
    }
    const disk = await statfs(this.#dir);
    const free = disk.bavail * disk.bsize;
    if (!hasRoom(free, this.#options.minFreeBytes)) {
      const mb = Math.round(this.#options.minFreeBytes / 1_048_576);
      void this.finish('failed', `ổ đĩa ghi hình còn dưới ${mb} MB trống (recording disk nearly full)`);

      return;
    }
    const feed = this.#options.media.programFeed(this.#runtime.id);
    const key = `${feed.video ?? ''}|${feed.screen ? 'screen' : 'camera'}|${feed.speaker ?? ''}|${feed.audio ?? ''}`;
    if (key === this.#feedKey && this.#current !== null) {
      return;
    }
    await this.#current?.stop(this.#options.now());
    this.#current = null;
    this.#feedKey = key;
    if (feed.video === null || feed.audio === null) {
      return;
    }
    const bridge = this.#options.media.bridge;
    const [videoPorts, audioPorts] = [await freePortPair(), await freePortPair()];
    const taps: (RtpTap | null)[] = await Promise.all([
      bridge.tap?.(feed.video, 'video', videoPorts, feed.screen) ?? null,
      bridge.tap?.(feed.audio, 'audio', audioPorts) ?? null,
    ]);
    const [video, audio] = taps;
    if (video === null || video === undefined || audio === null || audio === undefined) {
      // Its camera or microphone is not on the bridge yet: try again at the next step.
      taps.forEach((tap) => tap?.close());
      this.#feedKey = null;

      return;
    }
    // Beside a shared screen, the speaker's camera; a camera not on the bridge leaves the screen alone.
    const speakerPorts = feed.speaker === null ? null : await freePortPair();
    const speaker =
      feed.speaker === null || speakerPorts === null
        ? null
        : ((await bridge.tap?.(feed.speaker, 'video', speakerPorts, false)) ?? null);
    const n = this.#segments.length + 1;
    const base = join(this.#dir, `${fileBase(this.#runtime.id)}.part-${n}`);
    const start = ProgramSegment.start({
      file: `${base}.webm`,
      sdpFile: `${base}.sdp`,
      tracks: [
        { kind: 'video', tap: video, ports: videoPorts },
        ...(speaker === null || speakerPorts === null
          ? []
          : [{ kind: 'video' as const, tap: speaker, ports: speakerPorts }]),
        { kind: 'audio', tap: audio, ports: audioPorts },
      ],
      ffmpeg: this.#options.ffmpeg,
      now: this.#options.now,
      onExit: (reason) => void this.finish('failed', reason),
    });
    try {
      this.#current = await start;
    } catch (error) {
      [video, audio, speaker].forEach((tap) => tap?.close());
      void this.finish('failed', `bộ ghi không khởi động được (${(error as Error).message})`);

      return;
    }
    this.#segments.push(this.#current);
    if (speaker !== null) {
      this.#withSpeaker.add(this.#current);
    }
  }

  async #finishNow(status: 'stopped' | 'failed', reason: string | null): Promise<void> {
    if (this.#timer !== null) {
      clearInterval(this.#timer);
    }
    await this.#current?.stop(this.#options.now());
    this.#current = null;
    this.#reason = reason;
    await this.#report(status, reason);
    const now = this.#options.now();
    const spans = this.#spans();
    const chapters = chaptersOf(turnLog(this.#runtime.state, this.#runtime.index), spans, now);
    await this.#drawContent();
    const name = `ghi-hinh-${fileBase(this.#runtime.id)}.webm`;
    let bytes = 0;
    try {
      bytes = await joinSegments({
        ffmpeg: this.#options.ffmpeg,
        segments: this.#segments.map((s) => s.file),
        output: join(this.#dir, name),
        title: this.#runtime.state.def.title,
        chapters,
      });
    } catch (error) {
      logger.error({ err: error, meetingId: this.#runtime.id }, 'joining the recording failed');
    }
    const index: RecordingIndex = {
      meetingId: this.#runtime.id,
      status: status === 'failed' ? 'failed' : 'done',
      file: bytes > 0 ? name : null,
      bytes,
      spans,
      chapters,
      reason,
    };
    const path = join(this.#dir, `${fileBase(this.#runtime.id)}.json`);
    await writeFile(`${path}.tmp`, JSON.stringify(index, null, 2));
    await rename(`${path}.tmp`, path);
    logger.info({ meetingId: this.#runtime.id, status: index.status, bytes }, 'recording finished');
    this.#onDone();
  }

  /**
   * The program's picture while content was on, as the consoles showed it: the content large, the speaker small. A
   * shared screen was recorded with the speaker's camera beside it; slides are not a stream on the bridge, so the
   * pages shown while a segment was recorded are drawn into it from the log and the page images.
   */
  async #drawContent(): Promise<void> {
    const events = await this.#options.meetings.log(this.#runtime.id);
    const { ffmpeg, documents } = this.#options;
    // Each page's image is read once, however often it was shown.
    const images = new Map<string, Promise<Buffer | null>>();
    const imageOf = (documentId: string, page: number) => {
      const key = `${documentId}/${page}`;
      const image = images.get(key) ?? documents.get(this.#runtime.id, documentId, pagePart(page));
      images.set(key, image);

      return image;
    };
    for (const segment of this.#segments) {
      if (this.#withSpeaker.has(segment)) {
        await composeScreen({ ffmpeg, segment: segment.file }).catch(async (error: unknown) => {
          logger.error({ err: error, meetingId: this.#runtime.id }, 'drawing the speaker beside the screen failed');
          // Two pictures cannot be joined to the others: the screen alone is kept.
          await keepFirstPicture({ ffmpeg, segment: segment.file }).catch(() => undefined);
        });
        continue;
      }
      const end = segment.endedAt ?? this.#options.now();
      const spans: SlideSpan[] = [];
      // A page that overlaps a segment by less than a step of the recorder is the switch's own lag, not content.
      const longEnough = pagesOnShow(events, segment.startedAt, end).filter(
        (shown) => shown.to - shown.from >= this.#options.pollMs,
      );
      for (const shown of longEnough) {
        const image = await imageOf(shown.documentId, shown.page);
        if (image !== null) {
          spans.push({
            image,
            fromSec: (shown.from - segment.startedAt) / 1000,
            toSec: (shown.to - segment.startedAt) / 1000,
          });
        }
      }
      try {
        await composeSlides({ ffmpeg, segment: segment.file, spans });
      } catch (error) {
        // The segment stays as recorded (the speaker alone): the minutes still say which pages were shown.
        logger.error({ err: error, meetingId: this.#runtime.id }, 'drawing the slides into the recording failed');
      }
    }
  }

  #spans(): RecordedSpan[] {
    return this.#segments.map((s) => ({ startedAt: s.startedAt, endedAt: s.endedAt }));
  }

  async #report(status: 'recording' | 'stopped' | 'failed', reason: string | null): Promise<void> {
    try {
      await this.#runtime.execute({ type: 'recording.report', status, reason }, SYSTEM);
    } catch (error) {
      // The meeting's record must not hinge on the recorder; a refused report is only logged.
      logger.warn({ err: error, meetingId: this.#runtime.id }, 'recording status not recorded');
    }
  }
}
