import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/model.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ErrorBody } from '../protocol/common.js';
import type { HelloAnswer } from '../protocol/link.js';
import type { MediaService } from '../media/MediaService.js';
import { Uplink } from './Uplink.js';

const logger = createLogger('UplinkService');

export interface UplinkServiceOptions {
  meetings: MeetingService;
  /** How long a first connection (`PUT …/uplink`) or a request up may take. Default 10000. */
  timeoutMs?: number;
  /** Delay before reconnecting after the parent refused the link (revoked, expired…). Default 5000. */
  retryMs?: number;
}

/** What `GET …/uplink` adds to the meeting's own record of the link: the last refusal, in words. */
export interface UplinkHealth {
  lastError: ErrorBody | null;
}

/**
 * The child's end of linked meetings: one socket.io client per linked meeting to the parent coordinator's `/link`
 * namespace, with the parent's invitation as its credential. It says hello with the meeting's report on every
 * (re)connection and catches up from the parent's answer; it sends up presence, the answers to the parent's roll
 * calls and the requests the chair forwards; it runs the parent's notifications as commands of the meeting. The link
 * survives either side restarting: the meeting's log says it is linked, and a restarted coordinator connects again.
 */
export class UplinkService {
  readonly #meetings: MeetingService;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #links = new Map<string, Uplink>();
  #unsubscribe: () => void;
  #media: MediaService | null = null;
  #closed = false;

  constructor({ meetings, timeoutMs = 10_000, retryMs = 5000 }: UplinkServiceOptions) {
    this.#meetings = meetings;
    this.#timeoutMs = timeoutMs;
    this.#retryMs = retryMs;
    for (const runtime of meetings.list()) {
      this.#resume(runtime);
    }
    const stopAdopted = meetings.onAdopted((runtime) => this.#resume(runtime));
    const stopEvents = meetings.onEvents((runtime, events) => this.#links.get(runtime.id)?.send(runtime.state, events));
    this.#unsubscribe = () => {
      stopAdopted();
      stopEvents();
    };
  }

  /**
   * Links a meeting up: connects, says hello and waits for the parent's answer; only then is the link recorded in
   * the meeting. A refusal or an unreachable parent throws and changes nothing.
   */
  async link(meetingId: string, parentUrl: string, linkToken: string, actor: Actor): Promise<HelloAnswer> {
    const runtime = this.#meetings.get(meetingId);
    if (runtime.state.uplink !== null || this.#links.has(meetingId)) {
      throw new DomainError(
        'LINK_IN_USE',
        'Hội nghị đã kết nối lên một hội nghị cấp trên; hãy ngắt kết nối trước (already linked up)',
      );
    }
    const uplink = new Uplink({ runtime, parentUrl, linkToken, timeoutMs: this.#timeoutMs, retryMs: this.#retryMs });
    uplink.media = this.#media;
    this.#links.set(meetingId, uplink);
    try {
      const answer = await uplink.start();
      await runtime.execute({ type: 'uplink.configure', parentUrl, linkToken }, actor);
      await uplink.connected(answer);

      return answer;
    } catch (error) {
      this.#links.delete(meetingId);
      await uplink.close({ unlink: true });
      throw error;
    }
  }

  /** Unlinks: tells the parent (when it can), stops the client and records it. */
  async unlink(meetingId: string, actor: Actor): Promise<void> {
    const runtime = this.#meetings.get(meetingId);
    if (runtime.state.uplink === null) {
      throw new DomainError('NOT_LINKED', 'Hội nghị chưa kết nối lên hội nghị cấp trên (not linked up)');
    }
    const uplink = this.#links.get(meetingId);
    this.#links.delete(meetingId);
    await uplink?.close({ unlink: true });
    await runtime.execute({ type: 'uplink.remove' }, actor);
  }

  /** The bridge's service, once it exists: media is piped up when both bridges can (mediasoup). */
  attachMedia(media: MediaService): void {
    this.#media = media;
    const stop = media.onRouted((meetingId) => this.#links.get(meetingId)?.mediaRouted());
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = () => {
      unsubscribe();
      stop();
    };
    for (const uplink of this.#links.values()) {
      uplink.attachMedia(media);
    }
  }

  health(meetingId: string): UplinkHealth {
    return { lastError: this.#links.get(meetingId)?.lastError ?? null };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Disconnects every link (the parents see them lost; the log keeps them linked for the next start). */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#unsubscribe();
    await Promise.all([...this.#links.values()].map((uplink) => uplink.close({ unlink: false })));
    this.#links.clear();
  }

  /** A meeting the log says is linked up (after a restart or an adoption) connects again. */
  #resume(runtime: MeetingRuntime): void {
    const up = runtime.state.uplink;
    if (up === null || this.#links.has(runtime.id) || runtime.state.status === 'ended') {
      return;
    }
    const uplink = new Uplink({
      runtime,
      parentUrl: up.parentUrl,
      linkToken: up.linkToken,
      timeoutMs: this.#timeoutMs,
      retryMs: this.#retryMs,
    });
    uplink.media = this.#media;
    this.#links.set(runtime.id, uplink);
    uplink.start().then(
      (answer) => uplink.connected(answer),
      (error: unknown) => logger.warn({ err: error, meetingId: runtime.id }, 'uplink not resumed yet; retrying'),
    );
  }
}
