import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { STREAM_WORDS, type StreamDestinationSetting, type StreamState } from '../domain/stream/stream.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ProgramService } from '../program/ProgramService.js';
import type { Rendition } from './hlsArguments.js';
import { HlsWriter } from './HlsWriter.js';
import { maskedTarget, RtmpPusher, type PushView } from './RtmpPusher.js';
import { cardInput, programInput, type StreamInput, type StreamSourceKind } from './streamInput.js';
import { VOD_PLAYLIST, VodArchive } from './VodArchive.js';

const logger = createLogger('StreamService');
const SYSTEM: Actor = { role: 'system' };
/** The program's holder name for the live stream. */
const HOLDER = 'live-stream';

/** The stream as the API and the consoles show it. */
export interface StreamView {
  status: StreamState['status'] | 'never';
  /** The state in words (Vietnamese). */
  words: string;
  since: number | null;
  reason: string | null;
  /** Where viewers play it (the master playlist), while it is or was live. */
  playlist: string | null;
  renditions: readonly string[];
  /** What it carries now: the program, or the still card of a closed part. */
  showing: StreamSourceKind;
  /** Where it is pushed as well (RTMP/RTMPS), each with its state, while it is live. */
  destinations: PushView[];
  /** The meeting's kept recording of the stream (a VOD playlist), once the stream is no longer live. */
  recording: string | null;
  /** How the office set it up (the destinations by name and masked address: their keys stay on the server). */
  setup: {
    internal: boolean;
    startWithMeeting: boolean;
    keepRecording: boolean;
    destinations: { name: string; target: string }[];
  };
}

/** A live stream: its HLS writer (one at a time), its pushes, and its recording when kept. */
interface Live {
  writer: HlsWriter | null;
  pushes: RtmpPusher[];
  source: StreamSourceKind;
  archive: VodArchive | null;
  /** Starts, switches and the stop, one after another. */
  queue: Promise<unknown>;
}

/**
 * The live stream of each meeting for the public: HLS files under `<dir>/<meeting>/`, written from the program the
 * coordinator already encodes (it keeps the program running while it streams), pushed over RTMP where the office
 * said. Started and stopped by the office or a chair, or by itself when the meeting opens; ended with the meeting.
 * During a closed part it carries a still card instead. Every change is an event in the meeting's log (the audit
 * trail and the record read it there).
 */
export class StreamService {
  readonly #meetings: MeetingService;
  readonly #program: ProgramService;
  readonly #dir: string;
  readonly #ffmpeg: string;
  readonly #segmentSec: number;
  readonly #renditions: readonly Rendition[];
  readonly #font: string | null;
  readonly #live = new Map<string, Live>();
  readonly #now: () => number;
  readonly #unsubscribe: () => void;

  constructor(options: {
    meetings: MeetingService;
    program: ProgramService;
    dir: string;
    ffmpeg: string;
    segmentSec: number;
    renditions: readonly Rendition[];
    /** The card's font (Vietnamese letters), or `null` for a card without words. */
    font: string | null;
    now?: () => number;
  }) {
    this.#meetings = options.meetings;
    this.#program = options.program;
    this.#dir = options.dir;
    this.#ffmpeg = options.ffmpeg;
    this.#segmentSec = options.segmentSec;
    this.#renditions = options.renditions;
    this.#font = options.font;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = options.meetings.onEvents((runtime, events) => {
      const types = new Set(events.map((e) => e.type));
      const failed = (what: string) => (error: unknown) =>
        logger.warn({ err: error, meetingId: runtime.id }, `the stream did not ${what}`);
      if (types.has('MeetingEnded') && this.#live.has(runtime.id)) {
        void this.stop(runtime.id, SYSTEM, 'hội nghị kết thúc').catch(failed('stop with its meeting'));
      } else if (types.has('StreamCardChanged') && this.#live.has(runtime.id)) {
        this.#switch(runtime).catch(failed('switch between the card and the program'));
      } else if (
        types.has('SessionStarted') &&
        runtime.state.streamSetup.startWithMeeting &&
        !this.#live.has(runtime.id)
      ) {
        void this.start(runtime.id, SYSTEM).catch(failed('start with its meeting'));
      }
    });
  }

  /** Where a meeting's stream files are (served under /live/<meeting>/). */
  folderOf(meetingId: string): string {
    return join(this.#dir, meetingId);
  }

  view(runtime: MeetingRuntime): StreamView {
    const stream = runtime.state.stream;
    const setup = runtime.state.streamSetup;
    const live = this.#live.get(runtime.id);
    const kept = stream !== null && live === undefined && existsSync(join(this.folderOf(runtime.id), VOD_PLAYLIST));

    return {
      status: stream?.status ?? 'never',
      words: stream === null ? 'chưa phát' : STREAM_WORDS[stream.status].vi,
      since: stream?.since ?? null,
      reason: stream?.reason ?? null,
      playlist: stream === null ? null : `/live/${encodeURIComponent(runtime.id)}/index.m3u8`,
      renditions: this.#renditions,
      showing: live?.source ?? (setup.card ? 'card' : 'program'),
      destinations: live?.pushes.map((push) => push.view()) ?? [],
      recording: kept ? `/live/${encodeURIComponent(runtime.id)}/${VOD_PLAYLIST}` : null,
      setup: {
        internal: setup.internal,
        startWithMeeting: setup.startWithMeeting,
        keepRecording: setup.keepRecording,
        destinations: setup.destinations.map((d) => ({ name: d.name, target: maskedTarget(d.url) })),
      },
    };
  }

  /**
   * Starts the meeting's stream, pushed to `destinations` as well (by default, those the office set up); refused when
   * it is live already or the meeting has ended.
   */
  async start(
    meetingId: string,
    actor: Actor,
    destinations?: readonly StreamDestinationSetting[],
  ): Promise<StreamView> {
    const runtime = this.#meetings.get(meetingId);
    if (runtime.state.status === 'ended') {
      throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
    }
    if (this.#live.has(runtime.id)) {
      throw new DomainError('STREAM_LIVE', 'Hội nghị đang được phát trực tiếp (the stream is already live)');
    }
    const setup = runtime.state.streamSetup;
    const live: Live = {
      writer: null,
      pushes: [],
      source: setup.card ? 'card' : 'program',
      archive: null,
      queue: Promise.resolve(),
    };
    this.#live.set(runtime.id, live);
    const started = this.#startWriter(runtime, live, false);
    live.queue = started.catch(() => undefined);
    try {
      await started;
    } catch (error) {
      this.#live.delete(runtime.id);
      this.#program.release(runtime.id, HOLDER);
      logger.error({ err: error, meetingId }, 'the stream did not start');
      await this.#report(runtime, SYSTEM, 'failed', 'không khởi động được bộ mã hóa (the encoder did not start)');
      throw new DomainError('STREAM_FAILED', 'Không bắt đầu phát trực tiếp được (the stream did not start)');
    }
    const targets = destinations ?? setup.destinations;
    for (const destination of targets) {
      const push = new RtmpPusher(destination.name, destination.url, {
        ffmpeg: this.#ffmpeg,
        input: (name) => this.#input(runtime, live.source, name),
        now: this.#now,
      });
      live.pushes.push(push);
      push.start();
    }
    // The log names where it is pushed, never the URLs (they carry the stream keys).
    const pushed = targets.length === 0 ? null : `phát tới: ${targets.map((d) => d.name).join(', ')}`;
    await this.#report(runtime, actor, 'live', pushed);

    return this.view(runtime);
  }

  /** Stops the meeting's stream: its playlists end, its files stay (and are its recording when kept). */
  async stop(meetingId: string, actor: Actor, reason: string | null = null): Promise<StreamView> {
    const runtime = this.#meetings.get(meetingId);
    const live = this.#live.get(runtime.id);
    if (live === undefined) {
      throw new DomainError('STREAM_NOT_LIVE', 'Hội nghị không đang phát trực tiếp (the stream is not live)');
    }
    await this.#end(runtime, live, actor, 'stopped', reason);

    return this.view(runtime);
  }

  async #end(
    runtime: MeetingRuntime,
    live: Live,
    actor: Actor,
    status: 'stopped' | 'failed',
    reason: string | null,
  ): Promise<void> {
    this.#live.delete(runtime.id);
    live.pushes.forEach((push) => push.stop());
    await live.queue;
    await live.writer?.stop({ end: true });
    await live.archive?.finish();
    this.#program.release(runtime.id, HOLDER);
    await this.#report(runtime, actor, status, reason);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await Promise.all(
      [...this.#live.keys()].map((meetingId) => this.stop(meetingId, SYSTEM, 'máy chủ dừng').catch(() => undefined)),
    );
  }

  /** The card shown or taken down: a new writer goes on from the other input, and the pushes with it. */
  #switch(runtime: MeetingRuntime): Promise<void> {
    const live = this.#live.get(runtime.id) as Live;
    const switched = live.queue.then(async () => {
      const source: StreamSourceKind = runtime.state.streamSetup.card ? 'card' : 'program';
      if (live.source === source || this.#live.get(runtime.id) !== live) {
        return;
      }
      live.source = source;
      const before = live.writer;
      live.writer = null;
      await before?.stop({ end: false });
      live.pushes.forEach((push) => push.restart());
      await this.#startWriter(runtime, live, true).catch((error: unknown) => {
        logger.error({ err: error, meetingId: runtime.id, source }, 'the stream did not go on after a switch');
        // Ended once this switch is out of the queue the end waits for.
        void this.#end(
          runtime,
          live,
          SYSTEM,
          'failed',
          'bộ mã hóa không chuyển được (the encoder did not switch)',
        ).catch((failure: unknown) =>
          logger.warn({ err: failure, meetingId: runtime.id }, 'the failed stream did not end'),
        );
      });
    });
    live.queue = switched.catch(() => undefined);

    return switched;
  }

  /** Starts the HLS writer of `live`'s source; the first one of a stream empties the folder unless kept. */
  async #startWriter(runtime: MeetingRuntime, live: Live, appending: boolean): Promise<void> {
    const dir = this.folderOf(runtime.id);
    const keep = runtime.state.streamSetup.keepRecording;
    if (!appending) {
      if (!keep) {
        await rm(dir, { recursive: true, force: true });
      }
      if (!(await this.#program.hold(runtime.id, HOLDER))) {
        throw new Error('no program on this bridge');
      }
    }
    const input = await this.#input(runtime, live.source, 'hls');
    live.writer = await HlsWriter.start({
      ffmpeg: this.#ffmpeg,
      input,
      meetingId: runtime.id,
      dir,
      renditions: this.#renditions,
      segmentSec: this.#segmentSec,
      appending,
      keepSegments: keep,
      onExit: (code, errors) => {
        logger.error({ meetingId: runtime.id, code, errors }, 'the stream encoder stopped by itself');
        if (this.#live.get(runtime.id) === live) {
          live.writer = null;
          void this.#end(runtime, live, SYSTEM, 'failed', 'bộ mã hóa dừng bất thường (the encoder stopped)').catch(
            (error: unknown) => logger.warn({ err: error, meetingId: runtime.id }, 'the failed stream did not end'),
          );
        }
      },
    });
    if (keep && live.archive === null) {
      live.archive = await VodArchive.begin(dir, this.#renditions, (this.#segmentSec * 1000) / 2);
    }
  }

  #input(runtime: MeetingRuntime, source: StreamSourceKind, name: string): Promise<StreamInput> {
    const work = join(this.#dir, '.work', runtime.id);

    return source === 'card'
      ? cardInput(work, runtime.state.def.title, this.#font)
      : programInput(this.#program, runtime.id, work, name);
  }

  async #report(
    runtime: MeetingRuntime,
    actor: Actor,
    status: 'live' | 'stopped' | 'failed',
    reason: string | null,
  ): Promise<void> {
    await runtime.execute({ type: 'stream.report', status, reason }, actor).catch((error: unknown) => {
      logger.warn({ err: error, meetingId: runtime.id, status }, 'the stream state was not logged');
    });
  }
}
