import { createHash } from 'node:crypto';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { createLogger } from '../logger.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ErrorBody } from '../protocol/common.js';
import type { HelloAnswer } from '../protocol/link.js';
import type { MediaService } from '../media/MediaService.js';
import type { Faults } from '../telemetry/Faults.js';
import type { LinkCredentials } from '../store/LinkCredentials.js';
import { Uplink } from './Uplink.js';
import { requireSecureParent } from './linkAddresses.js';
import { invitationFrom } from './redeemLinkCode.js';

const logger = createLogger('UplinkService');

export interface UplinkServiceOptions {
  meetings: MeetingService;
  /** How long a first connection (`PUT …/uplink`) or a request up may take. Default 10000. */
  timeoutMs?: number;
  /** First delay before reconnecting after the parent refused the link (revoked, expired…); it doubles. Default 5000. */
  retryMs?: number;
  /** Where unexpected errors on a link are counted. */
  faults: Faults;
  /** Plain `http://` to a parent off loopback (a lab only, `LINK_ALLOW_HTTP=1`). Default false. */
  allowHttp?: boolean;
  /** Where the invitations are kept (never in the meeting's log). */
  credentials: LinkCredentials;
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
  readonly #faults: Faults;
  readonly #allowHttp: boolean;
  readonly #credentials: LinkCredentials;
  readonly #links = new Map<string, Uplink>();
  /** Meetings whose link is being resumed (their invitation being read). */
  readonly #resuming = new Set<string>();
  #unsubscribe: () => void;
  #media: MediaService | null = null;
  #closed = false;

  constructor({
    meetings,
    timeoutMs = 10_000,
    retryMs = 5000,
    faults,
    allowHttp = false,
    credentials,
  }: UplinkServiceOptions) {
    this.#meetings = meetings;
    this.#credentials = credentials;
    this.#faults = faults;
    this.#allowHttp = allowHttp;
    if (allowHttp) {
      logger.warn(
        'LINK_ALLOW_HTTP=1: linked meetings may use plain http:// — invitations, media keys and slides cross the network in clear',
      );
    }
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
   * the meeting. A refusal or an unreachable parent throws and changes nothing; what the catch-up after the answer
   * cannot apply (a roll call the parent has open while this meeting is not live) is logged, and the link stands.
   * `entered` is the invitation or its short code, exchanged for it at the parent first.
   */
  async link(meetingId: string, parentUrl: string, entered: string, actor: Actor): Promise<HelloAnswer> {
    const runtime = this.#meetings.get(meetingId);
    requireSecureParent(parentUrl, this.#allowHttp);
    const inUse = () => {
      if (runtime.state.uplink !== null || this.#links.has(meetingId)) {
        throw new DomainError(
          'LINK_IN_USE',
          'Hội nghị đã kết nối lên một hội nghị cấp trên; hãy ngắt kết nối trước (already linked up)',
        );
      }
    };
    inUse();
    const linkToken = await invitationFrom(parentUrl, entered, this.#timeoutMs);
    inUse();
    const uplink = this.#uplink(runtime, parentUrl, linkToken);
    this.#links.set(meetingId, uplink);
    let answer: HelloAnswer;
    try {
      answer = await uplink.start();
      await this.#credentials.put(meetingId, linkToken);
      await runtime.execute({ type: 'uplink.configure', parentUrl, linkTokenId: fingerprint(linkToken) }, actor);
    } catch (error) {
      this.#links.delete(meetingId);
      await uplink.close({ unlink: true });
      await this.#credentials.remove(meetingId).catch(() => undefined);
      // Recorded only with the parent's answer; should anything after it fail, the record is taken back.
      if (runtime.state.uplink !== null) {
        await runtime
          .execute({ type: 'uplink.remove' }, actor)
          .catch((undo: unknown) => this.#faults.record('link', undo, { meetingId, where: 'link rollback' }));
      }
      throw error;
    }
    await uplink.connected(answer);

    return answer;
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
    await this.#credentials.remove(meetingId);
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

  /** Whether links may go over plain http:// off loopback (LINK_ALLOW_HTTP=1). */
  get allowHttp(): boolean {
    return this.#allowHttp;
  }

  /** The invitation a meeting's link uses now (its pages of the parent's slides are fetched with it). */
  credentialOf(meetingId: string): string | null {
    return this.#links.get(meetingId)?.linkToken ?? null;
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

  #uplink(runtime: MeetingRuntime, parentUrl: string, linkToken: string): Uplink {
    const uplink = new Uplink({
      runtime,
      parentUrl,
      linkToken,
      timeoutMs: this.#timeoutMs,
      retryMs: this.#retryMs,
      faults: this.#faults,
    });
    uplink.media = this.#media;

    return uplink;
  }

  /** A meeting the log says is linked up (after a restart or an adoption) connects again. */
  #resume(runtime: MeetingRuntime): void {
    const up = runtime.state.uplink;
    if (
      up === null ||
      this.#links.has(runtime.id) ||
      this.#resuming.has(runtime.id) ||
      runtime.state.status === 'ended'
    ) {
      return;
    }
    // Marked while the invitation is read, so that a second resume of the same meeting does not start another.
    this.#resuming.add(runtime.id);
    this.#credentials
      .get(runtime.id)
      .then(async (kept) => {
        // A log written before credentials were kept apart carries the invitation: kept apart from now on.
        const linkToken = kept ?? up.legacyLinkToken ?? null;
        if (kept === null && linkToken !== null) {
          await this.#credentials.put(runtime.id, linkToken);
        }
        if (linkToken === null) {
          logger.error({ meetingId: runtime.id }, 'uplink not resumed: its invitation is not kept here; link it again');

          return;
        }
        if (this.#closed || this.#links.has(runtime.id)) {
          return;
        }
        const uplink = this.#uplink(runtime, up.parentUrl, linkToken);
        this.#links.set(runtime.id, uplink);
        await uplink.start().then((answer) => uplink.connected(answer));
      })
      .catch((error: unknown) => logger.warn({ err: error, meetingId: runtime.id }, 'uplink not resumed yet; retrying'))
      .finally(() => this.#resuming.delete(runtime.id));
  }
}

/** An invitation named in the log without being written there: the first 16 hex digits of its SHA-256. */
function fingerprint(linkToken: string): string {
  return createHash('sha256').update(linkToken).digest('hex').slice(0, 16);
}
