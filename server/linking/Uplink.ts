import { io as connect, type Socket } from 'socket.io-client';
import type { Command } from '../domain/core/commands.js';
import { DomainError } from '../domain/core/errors.js';
import type { MeetingEvent } from '../domain/core/events.js';
import { catchUp, releaseKey, reportsUp, type ReportUp } from '../domain/linking/uplinkCatchUp.js';
import { normalizeStrings } from '../domain/core/text.js';
import type { Actor, MeetingState } from '../domain/core/model.js';
import { createLogger } from '../logger.js';
import type { MediaService } from '../media/MediaService.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { Ack, ErrorBody } from '../protocol/common.js';
import { helloAnswer, LINK_NAMESPACE, LINK_PATH, type HelloAnswer, type LinkNotifications } from '../protocol/link.js';
import { validationError } from '../signaling/handle.js';
import type { Faults } from '../telemetry/Faults.js';
import { backoffDelay } from './backoff.js';
import { LinkMedia } from './LinkMedia.js';
import { LinkOutbox } from './LinkOutbox.js';
import { ParentNotices } from './ParentNotices.js';
import { checkedReport, errorBodyOf, toDomain, unreachable } from './linkErrors.js';

const logger = createLogger('Uplink');
const SYSTEM: Actor = { role: 'system', via: 'link' };
/** Longest wait between two tries of a link the parent refuses or cannot take (a report too large, a revoked link). */
const RETRY_MAX_MS = 120_000;
/** A grandchild linking in is told upward once the links below have settled for this long. */
const HELLO_DEBOUNCE_MS = 1000;
/** Requests up are checked by the parent's schemas (server/protocol/link.ts LINK_REQUESTS). */
type LinkEmits = Record<string, (...args: unknown[]) => void>;

/**
 * One meeting's link up: a socket.io client of the parent coordinator's `/link` namespace. It says hello with the
 * meeting's report on every (re)connection and catches up from the answer, sends up what concerns the parent, runs
 * the parent's notifications as commands of the meeting, and pipes media when both bridges can.
 */
export class Uplink {
  readonly #runtime: MeetingRuntime;
  /** The parent's invitation this link connects with (kept in LinkCredentials, never in the log). */
  readonly linkToken: string;
  readonly #socket: Socket<LinkNotifications, LinkEmits>;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #faults: Faults;
  readonly #outbox: LinkOutbox;
  #retry: NodeJS.Timeout | null = null;
  /** Tries refused or unanswered in a row (the next waits longer). */
  #failures = 0;
  #helloTimer: NodeJS.Timeout | null = null;
  readonly #notices: ParentNotices;
  #ready = false;
  /** The parent takes each answer's own time (`answerTimes` in its hello answer). */
  #answerTimes = false;
  #closed = false;
  lastError: ErrorBody | null = null;
  /** Set once the coordinator's media service exists. */
  media: MediaService | null = null;
  #linkMedia: LinkMedia | null = null;
  /** The point holding a turn the parent granted, if any. */
  #parentTurn: string | null = null;
  #pipes = 0;

  constructor({
    runtime,
    parentUrl,
    linkToken,
    timeoutMs,
    retryMs,
    faults,
  }: {
    runtime: MeetingRuntime;
    parentUrl: string;
    linkToken: string;
    timeoutMs: number;
    retryMs: number;
    faults: Faults;
  }) {
    this.#runtime = runtime;
    this.linkToken = linkToken;
    this.#timeoutMs = timeoutMs;
    this.#retryMs = retryMs;
    this.#faults = faults;
    this.#socket = connect(`${parentUrl}${LINK_NAMESPACE}`, {
      auth: { token: linkToken },
      path: LINK_PATH,
      transports: ['websocket'],
      // Its own connection: never multiplexed with another client of the same coordinator in this process.
      forceNew: true,
      autoConnect: false,
      // Doubling, jittered (socket.io's randomization): a parent restarting under a hundred children is not met by a
      // hundred reconnections every few seconds.
      reconnectionDelay: 500,
      reconnectionDelayMax: 15_000,
      randomizationFactor: 0.5,
      timeout: timeoutMs,
    });
    this.#outbox = new LinkOutbox({
      send: async (event, body) => (await this.#socket.timeout(this.#timeoutMs).emitWithAck(event, body)) as Ack,
      open: () => this.#ready && this.#socket.connected && !this.#closed,
      onRefused: (event, error) =>
        logger.warn({ meetingId: this.#runtime.id, event, error }, 'the parent refused a report'),
    });
    this.#notices = new ParentNotices({ socket: this.#socket as never, runtime, faults });
    this.#notices.on('link:rollCall', ({ rollCallId, deadlineAt, closesAt }) =>
      this.#run({ type: 'uplink.rollCall', parentRollCallId: rollCallId, deadlineAt, closesAt }),
    );
    this.#notices.on('link:rollCallClosed', ({ rollCallId }) =>
      this.#run({ type: 'uplink.rollCallClosed', parentRollCallId: rollCallId }),
    );
    this.#notices.on('link:turn', ({ pointId, limitSec }) => this.#run({ type: 'uplink.turn', pointId, limitSec }));
    this.#notices.on('link:turnWarned', ({ pointId }) => this.#run({ type: 'uplink.turnWarned', pointId }));
    this.#notices.on('link:turnEnded', ({ pointId, reason }) =>
      this.#run({ type: 'uplink.turnEnded', pointId, reason }),
    );
    this.#notices.on('link:denied', ({ pointId, reason }) => this.#run({ type: 'uplink.denied', pointId, reason }));
    this.#notices.on('link:queue', ({ positions }) => this.#run({ type: 'uplink.queue', positions }));
    this.#notices.on('link:status', ({ parentTitle, parentHubName, parentAgendaItem }) =>
      this.#run({ type: 'uplink.state', state: 'linked', parentTitle, parentHubName, parentAgendaItem }),
    );
    this.#notices.on('link:slides', ({ slides, screen }) => {
      // Parsed with the notice: the slides' document id goes into the address the pages are fetched from.
      void this.#step({ type: 'uplink.slides', slides }).then(() =>
        this.#step({ type: 'uplink.screen', screen: screen ?? null }),
      );
    });
    this.#notices.on('link:media:sources', ({ sources }) => {
      void this.#linkMedia
        ?.receive(sources)
        .catch((error: unknown) => logger.warn({ err: error, meetingId: runtime.id }, 'piped sources not received'));
    });
    this.#socket.on('disconnect', (reason) => {
      this.#ready = false;
      this.#linkMedia?.close();
      this.#linkMedia = null;
      if (!this.#closed) {
        logger.warn({ meetingId: runtime.id, reason }, 'link to the parent lost');
        this.#run({ type: 'uplink.state', state: 'lost' });
        if (reason === 'io server disconnect') {
          // The parent closed it (revoked, replaced, restarting): socket.io does not retry this one by itself.
          this.#scheduleRetry();
        }
      }
    });
    this.#socket.on('connect_error', (error: Error & { data?: ErrorBody }) => {
      this.lastError = error.data ?? {
        code: 'LINK_UNREACHABLE',
        message: `Không kết nối được tới hội nghị cấp trên (parent unreachable): ${error.message}`,
      };
      if (this.#socket.active) {
        return;
      }
      // A refusal by the parent's middleware is not retried by socket.io: retry later (a restored invitation).
      this.#scheduleRetry();
    });
    this.#socket.on('connect', () => {
      if (this.#ready || this.#closed) {
        return;
      }
      this.#hello().then(
        (answer) => this.connected(answer),
        (error: unknown) => {
          this.lastError = errorBodyOf(error);
          logger.warn({ err: error, meetingId: runtime.id }, 'hello refused by the parent');
          this.#socket.disconnect();
          this.#scheduleRetry();
        },
      );
    });
  }

  /** Connects and says hello once; resolves with the parent's answer or rejects with its refusal. */
  start(): Promise<HelloAnswer> {
    return new Promise<HelloAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.#ready = false;
        reject(
          new DomainError(
            'LINK_UNREACHABLE',
            'Hội nghị cấp trên không trả lời (the parent coordinator did not answer)',
          ),
        );
      }, this.#timeoutMs);
      const onError = (error: Error & { data?: ErrorBody }) => {
        cleanup();
        this.#ready = false;
        reject(
          error.data === undefined ? new DomainError('LINK_UNREACHABLE', unreachable(error)) : toDomain(error.data),
        );
      };
      const onConnect = () => {
        cleanup();
        this.#hello().then(resolve, (error: unknown) => {
          this.#ready = false;
          reject(error);
        });
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.#socket.off('connect_error', onError);
        this.#socket.off('connect', onConnect);
      };
      this.#socket.once('connect_error', onError);
      this.#socket.once('connect', onConnect);
      // The first hello is this one, not the general 'connect' listener's.
      this.#ready = true;
      this.#socket.connect();
    });
  }

  /**
   * The parent answered a hello: record the link and catch up on what it says (see `catchUp`). Each step stands
   * alone: one the meeting refuses (a roll call the parent opened while this meeting is not live, a turn for a meeting
   * not in session) is logged and the others still run. Never rejects.
   */
  async connected(answer: HelloAnswer): Promise<void> {
    this.#ready = true;
    this.#failures = 0;
    this.lastError = null;
    const { commands, reports } = catchUp(this.#runtime.state, answer, (pointId) =>
      this.#outbox.has(releaseKey(pointId)),
    );
    for (const command of commands) {
      await this.#step(command);
    }
    this.#answerTimes = answer.answerTimes === true;
    reports.forEach((report) => this.#post(report));
    this.#openMedia().catch((error: unknown) =>
      logger.warn({ err: error, meetingId: this.#runtime.id }, 'media pipe not opened'),
    );
    // Whatever else was not answered before the link went (presence, a released turn).
    this.#outbox.flush();
  }

  /** The media service came after the link (a coordinator starting): a link already up opens its pipe now. */
  attachMedia(media: MediaService): void {
    this.media = media;
    if (this.#ready && this.#socket.connected && this.#linkMedia === null) {
      this.#openMedia().catch((error: unknown) =>
        logger.warn({ err: error, meetingId: this.#runtime.id }, 'media pipe not opened'),
      );
    }
  }

  /** The meeting was routed again: what is piped up may change. */
  mediaRouted(): void {
    this.#linkMedia?.sync();
  }

  /** mediasoup on both sides: a pipe between the two bridges, the parent's program down and the hall up. */
  async #openMedia(): Promise<void> {
    const media = this.media;
    if (media?.bridge.pipes === undefined || this.#closed) {
      return;
    }
    this.#linkMedia?.close();
    this.#pipes += 1;
    const runtime = this.#runtime;
    const request = async (event: string, body: object) =>
      (await this.#socket.timeout(this.#timeoutMs).emitWithAck(event, body)) as Ack<{ endpoint?: unknown }>;
    const linkMedia = new LinkMedia({
      media,
      meetings: { has: (id) => id === runtime.id, get: () => runtime },
      meetingId: runtime.id,
      pipeId: `up:${runtime.id}:${this.#pipes}`,
      side: { kind: 'child' },
      send: async (sources, wantsProgram) => {
        const ack = await request('link:media:sources', { sources, wantsProgram });
        if (!ack.ok) {
          logger.warn({ meetingId: runtime.id, error: ack.error }, 'the parent refused piped sources');
        }
      },
    });
    this.#linkMedia = linkMedia;
    if (!(await linkMedia.connectUp(request))) {
      linkMedia.close();
      if (this.#linkMedia === linkMedia) {
        this.#linkMedia = null;
      }
    }
  }

  /** A parent older than answer times is not sent them: it would refuse the whole answer. */
  #post({ key, event, body }: ReportUp): void {
    const { answeredAt, ...rest } = body;
    this.#outbox.post(key, event, this.#answerTimes || answeredAt === undefined ? body : rest);
  }

  /** Sends up what of the meeting's new events concerns the parent (see `reportsUp`). */
  send(state: MeetingState, events: MeetingEvent[]): void {
    if (!this.#ready || !this.#socket.connected) {
      return;
    }
    const { reports, hello, parentTurn } = reportsUp(state, events, this.#parentTurn);
    this.#parentTurn = parentTurn;
    reports.forEach((report) => this.#post(report));
    if (hello) {
      // A grandchild linked in: the parent learns of its points by a new hello, once the links below have settled
      // (a restarting level below says a hundred hellos at once).
      this.#helloSoon();
    }
  }

  async close({ unlink }: { unlink: boolean }): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    if (this.#retry !== null) {
      clearTimeout(this.#retry);
    }
    if (this.#helloTimer !== null) {
      clearTimeout(this.#helloTimer);
    }
    this.#outbox.close();
    this.#linkMedia?.close();
    if (unlink && this.#socket.connected) {
      await this.#socket
        .timeout(this.#timeoutMs)
        .emitWithAck('link:unlink', {})
        .catch(() => undefined);
    }
    this.#socket.disconnect();
  }

  async #hello(): Promise<HelloAnswer> {
    const report = checkedReport(this.#runtime.state);
    const ack = (await this.#socket
      .timeout(this.#timeoutMs)
      .emitWithAck('link:hello', { report })
      .catch((error: unknown) => {
        throw new DomainError(
          'LINK_UNREACHABLE',
          `Hội nghị cấp trên không trả lời (the parent did not answer the hello): ${String(error)}`,
        );
      })) as Ack<HelloAnswer>;
    if (!ack.ok) {
      throw toDomain(ack.error);
    }

    const parsed = helloAnswer.safeParse(normalizeStrings(ack));
    if (!parsed.success) {
      const error = validationError(parsed.error);
      this.#faults.record('link', error, { meetingId: this.#runtime.id, event: 'link:hello' });
      throw new DomainError(
        'VALIDATION_FAILED',
        `Hội nghị cấp trên trả lời không hợp lệ (bad hello answer): ${error.message}`,
      );
    }

    return parsed.data;
  }

  /** A new hello soon, once: the parent learns of points linked in below. */
  #helloSoon(): void {
    if (this.#helloTimer !== null || this.#closed) {
      return;
    }
    this.#helloTimer = setTimeout(() => {
      this.#helloTimer = null;
      if (this.#ready && this.#socket.connected && !this.#closed) {
        this.#hello().catch((error: unknown) => {
          this.lastError = errorBodyOf(error);
          logger.warn({ err: error, meetingId: this.#runtime.id }, 'hello after a link below not answered');
        });
      }
    }, HELLO_DEBOUNCE_MS);
    this.#helloTimer.unref();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retry !== null) {
      return;
    }
    const delay = backoffDelay(this.#failures, { baseMs: this.#retryMs, maxMs: Math.max(this.#retryMs, RETRY_MAX_MS) });
    this.#failures += 1;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (!this.#closed && !this.#socket.connected) {
        this.#ready = false;
        this.#socket.connect();
      }
    }, delay);
    this.#retry.unref();
  }

  #run(command: Command): void {
    void this.#step(command);
  }

  /** Runs one of the parent's notices as a command of the meeting; one the meeting refuses is logged, never thrown. */
  async #step(command: Command): Promise<void> {
    await this.#exec(command).catch((error: unknown) =>
      logger.warn({ err: error, meetingId: this.#runtime.id, command: command.type }, 'parent notice not applied'),
    );
  }

  #exec(command: Command): Promise<unknown> {
    return this.#runtime.execute(command, SYSTEM);
  }
}
