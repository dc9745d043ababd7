import { randomBytes } from 'node:crypto';
import type * as sip from 'sip';
import { normaliseSipAddress } from '../domain/sip/sipAddress.js';
import { identifyCaller, REFUSAL_STATUS, REFUSAL_WORDS, type RefusalReason } from '../domain/sip/callers.js';
import { CALL_STATE_WORDS, type CallState } from '../domain/sip/callState.js';
import { dtmfAction } from '../domain/sip/dtmf.js';
import { sendsToStatedAddress } from '../domain/sip/mediaPath.js';
import type { Actor } from '../domain/core/model.js';
import { createLogger } from '../logger.js';
import { TokenBucket } from '../signaling/TokenBucket.js';
import type { MediaService } from '../media/MediaService.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ProgramService } from '../program/ProgramService.js';
import { openRoomMedia, type RoomMedia } from './roomMedia.js';
import { readOffer, SdpError, writeAnswer } from './sdp.js';
import type { SipUserAgent } from './SipUserAgent.js';
import { dtmfOfInfo, FAST_UPDATE_XML, isFastUpdate, type SipRequest } from './sipWire.js';

const logger = createLogger('SipCalls');

/** How the SIP calls reach the rest of the coordinator (composition root: app.ts). */
export interface SipCallsOptions {
  meetings: MeetingService;
  media: MediaService;
  /** A call is its point's presence (MeetingGateway). */
  presence: { attached(meetingId: string, pointId: string): void; detached(meetingId: string, pointId: string): void };
  /** The program the rooms receive (server/program); absent where no encoder runs. */
  program?: ProgramService | undefined;
  /** Where rooms' sound is relayed (SIP_RTP_PORT_MIN/MAX on the SIP listen address). */
  relay: { listenIp: string; ports: { min: number; max: number } };
  now?: () => number;
}

/** A call as the consoles show it. */
export interface CallView {
  callId: string;
  pointId: string;
  direction: 'in' | 'out';
  state: CallState;
  words: string;
  since: number;
  video: string | null;
  audio: string | null;
  address: string;
}

interface Call {
  callId: string;
  direction: 'in' | 'out';
  meetingId: string;
  pointId: string;
  participantId: string;
  state: CallState;
  since: number;
  /** Our tag and theirs; their address-of-record and where in-dialog requests go. */
  local: { uri: string; tag: string };
  remote: { uri: string; tag: string; target: string };
  cseq: number;
  answer: string;
  video: string | null;
  audio: string | null;
  /** The 2xx retransmission until the ACK (RFC 3261 13.3.1.4). */
  ackTimer: NodeJS.Timeout | null;
  lastFastUpdate: number;
  invite: SipRequest;
  /** Keys a room may press: a stuck or flooding remote is throttled, not obeyed. */
  keys: TokenBucket;
  media: RoomMedia;
}

const SYSTEM: Actor = { role: 'system' };
const T1 = 500;
const T2 = 4000;

/**
 * The calls of hardware room systems: dial-in to a meeting's conference number, recognised by the From address; the
 * room's media put on the bridge as its point's; DTMF by SIP INFO turned into the point's commands; key-frame
 * requests both ways; BYE, CANCEL and a room that never ACKs handled. The rules (who is calling, what a key means,
 * the call's states) are in domain/sip.
 */
export class SipCalls {
  readonly #options: SipCallsOptions;
  readonly #now: () => number;
  #agent: SipUserAgent | null = null;
  readonly #calls = new Map<string, Call>();
  /** Call-ids of INVITEs being set up, and whether a CANCEL came meanwhile. */
  readonly #pending = new Map<string, { cancelled: boolean }>();
  readonly #unsubscribe: () => void;
  /** Calls by state over the process's life, for /metrics. */
  readonly counts = new Map<CallState | 'refused', number>();

  constructor(options: SipCallsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = options.meetings.onEvents((runtime, events) => {
      if (events.some((e) => e.type === 'MeetingEnded')) {
        for (const call of [...this.#calls.values()].filter((c) => c.meetingId === runtime.id)) {
          this.hangUp(call.callId, 'ended');
        }
      }
    });
    options.media.bridge.on('keyFrameWanted', (participantId) => this.#sendFastUpdate(participantId));
  }

  attach(agent: SipUserAgent): void {
    this.#agent = agent;
  }

  /** The live calls of a meeting. */
  callsOf(meetingId: string): CallView[] {
    return [...this.#calls.values()]
      .filter((c) => c.meetingId === meetingId)
      .map((c) => ({
        callId: c.callId,
        pointId: c.pointId,
        direction: c.direction,
        state: c.state,
        words: CALL_STATE_WORDS[c.state].vi,
        since: c.since,
        video: c.video,
        audio: c.audio,
        address: c.remote.uri,
      }));
  }

  handle(request: SipRequest, remote: sip.Remote): void {
    switch (request.method) {
      case 'INVITE':
        void this.#invite(request, remote).catch((error: unknown) => {
          logger.error({ err: error, callId: request.headers['call-id'] }, 'INVITE failed');
          this.#respond(request, 500, 'Server Internal Error');
        });

        return;
      case 'ACK':
        this.#ack(request);

        return;
      case 'BYE':
        this.#bye(request);

        return;
      case 'CANCEL':
        this.#cancel(request);

        return;
      case 'OPTIONS':
        this.#respond(request, 200, 'OK', {
          headers: { allow: ALLOW, accept: 'application/sdp', supported: '' },
        });

        return;
      case 'INFO':
        this.#info(request);

        return;
      default:
        this.#respond(request, 405, 'Method Not Allowed', { headers: { allow: ALLOW } });
    }
  }

  /** Ends a call from this side (BYE), as the room would see a hang-up. */
  hangUp(callId: string, state: CallState = 'ended'): void {
    const call = this.#calls.get(callId);
    if (call === undefined) {
      return;
    }
    this.#inDialog(call, 'BYE');
    this.#end(call, state);
  }

  close(): void {
    this.#unsubscribe();
    for (const callId of [...this.#calls.keys()]) {
      this.hangUp(callId);
    }
  }

  async #invite(request: SipRequest, remote: sip.Remote): Promise<void> {
    const callId = request.headers['call-id'];
    const existing = this.#calls.get(callId);
    if (request.headers.to.params.tag !== undefined) {
      // A re-INVITE (session refresh, hold): the session stays as it is, answered with the same description.
      if (existing === undefined) {
        this.#respond(request, 481, 'Call/Transaction Does Not Exist');
      } else {
        this.#respond(request, 200, 'OK', this.#answerOf(existing));
      }

      return;
    }
    if (this.#pending.has(callId) || existing !== undefined) {
      return;
    }
    this.#respond(request, 100, 'Trying');
    const number = userOfUri(request.uri);
    const runtime = number === null ? undefined : this.#options.meetings.byConferenceNumber(number);
    if (runtime === undefined) {
      this.#refuse(request, null, 'unknown-meeting', request.headers.from.uri);

      return;
    }
    const decision = identifyCaller(runtime.state, request.headers.from.uri, (address) =>
      this.#directoryPointOf(address),
    );
    if (decision.kind === 'refuse') {
      this.#refuse(request, runtime.id, decision.reason, request.headers.from.uri);

      return;
    }
    if (decision.kind === 'askPin') {
      // Rooms not on file are recognised by PIN (a spoken prompt) in a later step; until then they are refused.
      this.#refuse(request, runtime.id, 'not-invited', request.headers.from.uri);

      return;
    }
    let streams;
    try {
      streams = readOffer(request.content ?? '');
    } catch (error) {
      this.#respond(request, 488, 'Not Acceptable Here');
      logger.info({ callId, err: error instanceof SdpError ? error.message : error }, 'INVITE | unusable SDP');

      return;
    }
    if (!streams.some((s) => s.codec !== null)) {
      this.#respond(request, 488, 'Not Acceptable Here');

      return;
    }
    const agent = this.#agent;
    if (agent === null) {
      this.#respond(request, 503, 'Service Unavailable');

      return;
    }
    const { pointId } = decision;
    // A room calling again (after a drop its old call did not report) replaces its old call.
    for (const old of [...this.#calls.values()].filter((c) => c.meetingId === runtime.id && c.pointId === pointId)) {
      this.hangUp(old.callId, 'ended');
    }
    const pending = { cancelled: false };
    this.#pending.set(callId, pending);
    const participantId = `sip:${runtime.id}:${pointId}`;
    const sendToStatedAddress = sendsToStatedAddress(
      streams.find((s) => s.codec !== null)?.remote.ip ?? '',
      remote.address,
    );
    let media: RoomMedia;
    try {
      media = await openRoomMedia({
        media: this.#options.media,
        relay: this.#options.relay,
        meetingId: runtime.id,
        participant: { id: participantId, role: 'point', pointId },
        streams,
        sendToStatedAddress,
        address: agent.announcedIp,
        onKey: (key) => {
          const call = this.#calls.get(callId);
          if (call !== undefined) {
            this.#key(call, key);
          }
        },
      });
    } finally {
      this.#pending.delete(callId);
    }
    if (pending.cancelled || media.answers.size === 0) {
      media.close();
      this.#options.media.leave(runtime.id, participantId);
      if (!pending.cancelled) {
        this.#respond(request, 488, 'Not Acceptable Here');
      }

      return;
    }
    const call: Call = {
      callId,
      direction: 'in',
      meetingId: runtime.id,
      pointId,
      participantId,
      state: 'connected',
      since: this.#now(),
      local: { uri: request.uri, tag: randomBytes(6).toString('hex') },
      remote: {
        uri: request.headers.from.uri,
        tag: String(request.headers.from.params.tag ?? ''),
        target: request.headers.contact?.[0]?.uri ?? request.headers.from.uri,
      },
      cseq: 1,
      answer: writeAnswer(streams, media.answers, agent.announcedIp, 1),
      video: media.codecs.video,
      audio: media.codecs.audio,
      ackTimer: null,
      lastFastUpdate: 0,
      invite: request,
      keys: new TokenBucket({ capacity: 5, perSecond: 2 }),
      media,
    };
    this.#calls.set(callId, call);
    this.#count('connected');
    this.#sendOk(call, T1, 0);
    this.#options.presence.attached(runtime.id, pointId);
    void this.#options.program
      ?.addRoom(runtime.id, {
        participantId,
        pointId,
        onPayloadTypes: (payloadTypes) => media.payloadTypesFromBridge(payloadTypes),
      })
      .catch((error: unknown) => logger.warn({ err: error, callId }, 'the room does not receive the program'));
    this.#audit(
      runtime.id,
      `${pointName(runtime.state.def.points, pointId)} gọi vào (${call.remote.uri}): ${call.video ?? 'không hình'}, ${call.audio ?? 'không tiếng'}`,
    );
    logger.info({ callId, meetingId: runtime.id, pointId, video: call.video, audio: call.audio }, 'dial-in connected');
  }

  /** Sends the 200 OK, again at T1, 2·T1 … T2 until the ACK; a room that never ACKs is hung up after 64·T1. */
  #sendOk(call: Call, interval: number, elapsed: number): void {
    if (this.#calls.get(call.callId) !== call) {
      return;
    }
    this.#respond(call.invite, 200, 'OK', this.#answerOf(call));
    if (elapsed >= 64 * T1) {
      logger.warn({ callId: call.callId }, 'no ACK: the call is ended');
      this.hangUp(call.callId, 'lost');

      return;
    }
    call.ackTimer = setTimeout(() => this.#sendOk(call, Math.min(interval * 2, T2), elapsed + interval), interval);
  }

  #answerOf(call: Call) {
    return {
      headers: {
        to: { ...call.invite.headers.to, params: { ...call.invite.headers.to.params, tag: call.local.tag } },
        contact: [
          { uri: `sip:${userOfUri(call.local.uri) ?? 'diemcau'}@${this.#agent?.announcedIp}:${this.#agent?.port}` },
        ],
        'content-type': 'application/sdp',
        allow: ALLOW,
      },
      content: call.answer,
    };
  }

  #ack(request: SipRequest): void {
    const call = this.#calls.get(request.headers['call-id']);
    if (call?.ackTimer != null) {
      clearTimeout(call.ackTimer);
      call.ackTimer = null;
    }
  }

  #bye(request: SipRequest): void {
    const call = this.#calls.get(request.headers['call-id']);
    if (call === undefined) {
      this.#respond(request, 481, 'Call/Transaction Does Not Exist');

      return;
    }
    this.#respond(request, 200, 'OK');
    this.#end(call, 'ended');
  }

  #cancel(request: SipRequest): void {
    const callId = request.headers['call-id'];
    const pending = this.#pending.get(callId);
    if (pending === undefined) {
      this.#respond(request, 481, 'Call/Transaction Does Not Exist');

      return;
    }
    pending.cancelled = true;
    this.#respond(request, 200, 'OK');
    this.#respond(
      {
        ...request,
        method: 'INVITE',
        headers: { ...request.headers, cseq: { ...request.headers.cseq, method: 'INVITE' } },
      },
      487,
      'Request Terminated',
    );
  }

  #info(request: SipRequest): void {
    const call = this.#calls.get(request.headers['call-id']);
    if (call === undefined) {
      this.#respond(request, 481, 'Call/Transaction Does Not Exist');

      return;
    }
    const type = request.headers['content-type'] ?? '';
    const body = request.content ?? '';
    if (isFastUpdate(type, body)) {
      this.#respond(request, 200, 'OK');
      void this.#options.media.bridge.plain?.keyFrameRequested(call.participantId).catch(() => undefined);

      return;
    }
    const key = dtmfOfInfo(type, body);
    if (key === null) {
      this.#respond(request, 415, 'Unsupported Media Type', {
        headers: { accept: 'application/dtmf-relay, application/dtmf, application/media_control+xml' },
      });

      return;
    }
    this.#respond(request, 200, 'OK');
    this.#key(call, key);
  }

  /** A key from the room's remote (SIP INFO or RFC 4733), as its point's command. */
  #key(call: Call, key: string): void {
    const runtime = this.#options.meetings.loaded(call.meetingId);
    if (runtime === undefined || !call.keys.take()) {
      return;
    }
    const action = dtmfAction(runtime.state, call.pointId, key);
    if (action.command !== null) {
      runtime.execute(action.command, { role: 'point', pointId: call.pointId }).catch((error: unknown) => {
        logger.info({ err: error, callId: call.callId, key }, 'DTMF command refused');
      });
    }
  }

  #sendFastUpdate(participantId: string): void {
    const call = [...this.#calls.values()].find((c) => c.participantId === participantId);
    // Once a second at most: mediasoup repeats its request while it waits.
    if (call === undefined || call.state !== 'connected' || this.#now() - call.lastFastUpdate < 1000) {
      return;
    }
    call.lastFastUpdate = this.#now();
    this.#inDialog(call, 'INFO', { 'content-type': 'application/media_control+xml' }, FAST_UPDATE_XML);
  }

  /** A request inside the call's dialog (BYE, INFO), to the room's Contact. */
  #inDialog(call: Call, method: string, headers: Record<string, unknown> = {}, content = ''): void {
    const agent = this.#agent;
    if (agent === null) {
      return;
    }
    call.cseq += 1;
    agent.send({
      method,
      uri: call.remote.target,
      headers: {
        to: { uri: call.remote.uri, params: { tag: call.remote.tag } },
        from: { uri: call.local.uri, params: { tag: call.local.tag } },
        'call-id': call.callId,
        cseq: { method, seq: call.cseq },
        via: [],
        'max-forwards': 70,
        ...headers,
      },
      content,
    });
  }

  #end(call: Call, state: CallState): void {
    if (this.#calls.get(call.callId) !== call) {
      return;
    }
    this.#calls.delete(call.callId);
    if (call.ackTimer !== null) {
      clearTimeout(call.ackTimer);
    }
    call.state = state;
    call.media.close();
    this.#options.program?.removeRoom(call.meetingId, call.participantId);
    this.#count(state);
    this.#options.media.leave(call.meetingId, call.participantId);
    this.#options.presence.detached(call.meetingId, call.pointId);
    logger.info({ callId: call.callId, pointId: call.pointId, state }, 'call ended');
  }

  #refuse(request: SipRequest, meetingId: string | null, reason: RefusalReason, from: string): void {
    this.#respond(request, REFUSAL_STATUS[reason], REASON_PHRASES[REFUSAL_STATUS[reason]] ?? 'Forbidden');
    this.#count('refused');
    logger.info({ from, meetingId, reason }, 'call refused');
    if (meetingId !== null) {
      this.#audit(meetingId, `${from}: ${REFUSAL_WORDS[reason]}`, 'sip_refused');
    }
  }

  #audit(meetingId: string, detail: string, action: 'sip_refused' | 'sip_call' = 'sip_call'): void {
    this.#options.meetings
      .loaded(meetingId)
      ?.execute({ type: 'audit.record', action, detail: detail.slice(0, 500) }, SYSTEM)
      .catch(() => undefined);
  }

  #directoryPointOf(address: string): string | null {
    const point = this.#options.meetings.directory.points.find(
      (p) => p.sipUri != null && normaliseSipAddress(p.sipUri) === address,
    );

    return point?.code ?? null;
  }

  #respond(request: SipRequest, status: number, reason: string, extension?: Parameters<SipUserAgent['respond']>[3]) {
    this.#agent?.respond(request, status, reason, extension);
  }

  #count(state: CallState | 'refused'): void {
    this.counts.set(state, (this.counts.get(state) ?? 0) + 1);
  }
}

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO';

const REASON_PHRASES: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  486: 'Busy Here',
};

/** The user part of a request URI (`sip:123456@host` → `123456`). */
function userOfUri(uri: string): string | null {
  return /^sips?:([^@;?]+)@/i.exec(uri)?.[1] ?? null;
}

function pointName(points: { code: string; name: string }[], pointId: string): string {
  return points.find((p) => p.code === pointId)?.name ?? pointId;
}
