import { join } from 'node:path';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { STREAM_WORDS, type StreamState } from '../domain/stream/stream.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ProgramService } from '../program/ProgramService.js';
import { HlsWriter, RENDITIONS } from './HlsWriter.js';

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
  readonly #writers = new Map<string, Promise<HlsWriter>>();
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
    this.#unsubscribe = options.meetings.onEvents((runtime, events) => {
      if (events.some((e) => e.type === 'MeetingEnded') && this.#writers.has(runtime.id)) {
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
    };
  }

  /** Starts the meeting's stream; refused when it is live already or the meeting has ended. */
  async start(meetingId: string, actor: Actor): Promise<StreamView> {
    const runtime = this.#meetings.get(meetingId);
    if (runtime.state.status === 'ended') {
      throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
    }
    if (this.#writers.has(runtime.id)) {
      throw new DomainError('STREAM_LIVE', 'Hội nghị đang được phát trực tiếp (the stream is already live)');
    }
    const writer = this.#startWriter(runtime);
    this.#writers.set(runtime.id, writer);
    try {
      await writer;
    } catch (error) {
      this.#writers.delete(runtime.id);
      this.#program.release(runtime.id, HOLDER);
      logger.error({ err: error, meetingId }, 'the stream did not start');
      await this.#report(runtime, SYSTEM, 'failed', 'không khởi động được bộ mã hóa (the encoder did not start)');
      throw new DomainError('STREAM_FAILED', 'Không bắt đầu phát trực tiếp được (the stream did not start)');
    }
    await this.#report(runtime, actor, 'live', null);

    return this.view(runtime);
  }

  /** Stops the meeting's stream: its playlists end, its files stay. */
  async stop(meetingId: string, actor: Actor, reason: string | null = null): Promise<StreamView> {
    const runtime = this.#meetings.get(meetingId);
    const writer = this.#writers.get(runtime.id);
    if (writer === undefined) {
      throw new DomainError('STREAM_NOT_LIVE', 'Hội nghị không đang phát trực tiếp (the stream is not live)');
    }
    this.#writers.delete(runtime.id);
    await (await writer.catch(() => null))?.stop();
    this.#program.release(runtime.id, HOLDER);
    await this.#report(runtime, actor, 'stopped', reason);

    return this.view(runtime);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await Promise.all(
      [...this.#writers.keys()].map((meetingId) => this.stop(meetingId, SYSTEM, 'máy chủ dừng').catch(() => undefined)),
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
        this.#writers.delete(runtime.id);
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
