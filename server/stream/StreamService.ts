import { join } from 'node:path';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { STREAM_WORDS, type StreamState } from '../domain/stream/stream.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ProgramService } from '../program/ProgramService.js';
import type { StreamDestination } from '../protocol/http.js';
import { HlsWriter, RENDITIONS } from './HlsWriter.js';
import { RtmpPusher, type PushView } from './RtmpPusher.js';

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
  /** Where it is pushed as well (RTMP/RTMPS), each with its state, while it is live. */
  destinations: PushView[];
}

/** A live stream: its HLS files and its pushes. */
interface Live {
  writer: Promise<HlsWriter>;
  pushes: RtmpPusher[];
}

/**
 * The live stream of each meeting for the public: HLS files under `<dir>/<meeting>/`, written from the program the
 * coordinator already encodes (it keeps the program running while it streams). Started and stopped by the office or a
 * chair, ended with the meeting; every change is an event in the meeting's log (the audit trail and the record read
 * it there).
 */
export class StreamService {
  readonly #meetings: MeetingService;
  readonly #program: ProgramService;
  readonly #dir: string;
  readonly #ffmpeg: string;
  readonly #segmentSec: number;
  readonly #live = new Map<string, Live>();
  readonly #now: () => number;
  readonly #unsubscribe: () => void;

  constructor(options: {
    meetings: MeetingService;
    program: ProgramService;
    dir: string;
    ffmpeg: string;
    segmentSec: number;
    now?: () => number;
  }) {
    this.#meetings = options.meetings;
    this.#program = options.program;
    this.#dir = options.dir;
    this.#ffmpeg = options.ffmpeg;
    this.#segmentSec = options.segmentSec;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = options.meetings.onEvents((runtime, events) => {
      if (events.some((e) => e.type === 'MeetingEnded') && this.#live.has(runtime.id)) {
        void this.stop(runtime.id, SYSTEM, 'hội nghị kết thúc').catch((error: unknown) =>
          logger.warn({ err: error, meetingId: runtime.id }, 'the stream did not stop with its meeting'),
        );
      }
    });
  }

  /** Where a meeting's stream files are (served under /live/<meeting>/). */
  folderOf(meetingId: string): string {
    return join(this.#dir, meetingId);
  }

  view(runtime: MeetingRuntime): StreamView {
    const stream = runtime.state.stream;

    return {
      status: stream?.status ?? 'never',
      words: stream === null ? 'chưa phát' : STREAM_WORDS[stream.status].vi,
      since: stream?.since ?? null,
      reason: stream?.reason ?? null,
      playlist: stream === null ? null : `/live/${encodeURIComponent(runtime.id)}/index.m3u8`,
      renditions: RENDITIONS,
      destinations: this.#live.get(runtime.id)?.pushes.map((push) => push.view()) ?? [],
    };
  }

  /**
   * Starts the meeting's stream, pushed to `destinations` as well; refused when it is live already or the meeting has
   * ended.
   */
  async start(meetingId: string, actor: Actor, destinations: readonly StreamDestination[] = []): Promise<StreamView> {
    const runtime = this.#meetings.get(meetingId);
    if (runtime.state.status === 'ended') {
      throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
    }
    if (this.#live.has(runtime.id)) {
      throw new DomainError('STREAM_LIVE', 'Hội nghị đang được phát trực tiếp (the stream is already live)');
    }
    const live: Live = { writer: this.#startWriter(runtime), pushes: [] };
    this.#live.set(runtime.id, live);
    try {
      await live.writer;
    } catch (error) {
      this.#live.delete(runtime.id);
      this.#program.release(runtime.id, HOLDER);
      logger.error({ err: error, meetingId }, 'the stream did not start');
      await this.#report(runtime, SYSTEM, 'failed', 'không khởi động được bộ mã hóa (the encoder did not start)');
      throw new DomainError('STREAM_FAILED', 'Không bắt đầu phát trực tiếp được (the stream did not start)');
    }
    for (const destination of destinations) {
      const push = new RtmpPusher(destination.name, destination.url, {
        ffmpeg: this.#ffmpeg,
        program: this.#program,
        meetingId: runtime.id,
        work: join(this.#dir, '.work', runtime.id),
        now: this.#now,
      });
      live.pushes.push(push);
      push.start();
    }
    // The log names where it is pushed, never the URLs (they carry the stream keys).
    const pushed = destinations.length === 0 ? null : `phát tới: ${destinations.map((d) => d.name).join(', ')}`;
    await this.#report(runtime, actor, 'live', pushed);

    return this.view(runtime);
  }

  /** Stops the meeting's stream: its playlists end, its files stay. */
  async stop(meetingId: string, actor: Actor, reason: string | null = null): Promise<StreamView> {
    const runtime = this.#meetings.get(meetingId);
    const live = this.#live.get(runtime.id);
    if (live === undefined) {
      throw new DomainError('STREAM_NOT_LIVE', 'Hội nghị không đang phát trực tiếp (the stream is not live)');
    }
    this.#live.delete(runtime.id);
    live.pushes.forEach((push) => push.stop());
    await (await live.writer.catch(() => null))?.stop();
    this.#program.release(runtime.id, HOLDER);
    await this.#report(runtime, actor, 'stopped', reason);

    return this.view(runtime);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await Promise.all(
      [...this.#live.keys()].map((meetingId) => this.stop(meetingId, SYSTEM, 'máy chủ dừng').catch(() => undefined)),
    );
  }

  async #startWriter(runtime: MeetingRuntime): Promise<HlsWriter> {
    if (!(await this.#program.hold(runtime.id, HOLDER))) {
      throw new Error('no program on this bridge');
    }

    return HlsWriter.start({
      ffmpeg: this.#ffmpeg,
      program: this.#program,
      meetingId: runtime.id,
      dir: this.folderOf(runtime.id),
      work: join(this.#dir, '.work', runtime.id),
      segmentSec: this.#segmentSec,
      onExit: (code, errors) => {
        logger.error({ meetingId: runtime.id, code, errors }, 'the stream encoder stopped by itself');
        this.#live.get(runtime.id)?.pushes.forEach((push) => push.stop());
        this.#live.delete(runtime.id);
        this.#program.release(runtime.id, HOLDER);
        void this.#report(runtime, SYSTEM, 'failed', 'bộ mã hóa dừng bất thường (the encoder stopped)');
      },
    });
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
