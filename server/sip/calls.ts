import type * as sip from 'sip';
import type { Actor } from '../domain/core/model.js';
import type { RefusalReason } from '../domain/sip/callers.js';
import { CALL_STATE_WORDS, type CallState } from '../domain/sip/callState.js';
import type { MediaService } from '../media/MediaService.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { ProgramService } from '../program/ProgramService.js';
import type { TokenBucket } from '../signaling/TokenBucket.js';
import type { Registrar } from './Registrar.js';
import type { WrongGuesses } from './WrongGuesses.js';
import type { RoomMedia } from './roomMedia.js';
import type { SipUserAgent } from './SipUserAgent.js';
import type { SipRequest, SipResponse } from './sipWire.js';

/** How the SIP calls reach the rest of the coordinator (composition root: app.ts). */
export interface SipCallsOptions {
  meetings: MeetingService;
  media: MediaService;
  /** A call is its point's presence (MeetingGateway). */
  presence: { attached(meetingId: string, pointId: string): void; detached(meetingId: string, pointId: string): void };
  /** The program the rooms receive (server/program); absent where no encoder runs. */
  program?: ProgramService | undefined;
  /** Where rooms' plain-RTP streams are relayed (SIP_RTP_PORT_MIN/MAX on the SIP listen address). */
  relay: { listenIp: string; ports: { min: number; max: number } };
  /** The secret rooms' PINs are derived from (JWT_SECRET: the same on every node, never stored). */
  pinSecret: string;
  /** ffmpeg, which makes the prompts' sound (FFMPEG_PATH). */
  ffmpeg?: string | undefined;
  /** Rooms registered to be called behind NAT (REGISTER with digest). */
  registrar?: Registrar | undefined;
  /** Wrong PINs counted per address (shared with the registrar's wrong passwords). */
  guesses?: WrongGuesses | undefined;
  now?: () => number;
}

/** A call as the consoles show it. */
export interface CallView {
  callId: string;
  pointId: string;
  direction: 'in' | 'out';
  state: CallState;
  /** The state in words (Vietnamese). */
  words: string;
  since: number;
  video: string | null;
  audio: string | null;
  address: string;
}

export interface Call {
  callId: string;
  direction: 'in' | 'out';
  meetingId: string;
  pointId: string;
  participantId: string;
  state: CallState;
  since: number;
  /** Our side of the dialog and theirs (address-of-record and tag), and where in-dialog requests go. */
  local: { uri: string; tag: string };
  remote: { uri: string; tag: string; target: string };
  cseq: number;
  /** Our session description (the answer to a room's offer, or our offer to a room we called). */
  sdp: string;
  video: string | null;
  audio: string | null;
  /** Dial-in: the 2xx retransmission until the ACK (RFC 3261 13.3.1.4), and the INVITE it answers. */
  ackTimer: NodeJS.Timeout | null;
  invite: SipRequest | null;
  /** Dial-out: withdraws our INVITE while the room has not answered (CANCEL), so that it stops ringing. */
  cancel: (() => void) | null;
  lastFastUpdate: number;
  /** When the room was last asked whether the call still stands (OPTIONS), or 0. */
  keptAliveAt: number;
  /** Keys a room may press: a stuck or flooding remote is throttled, not obeyed. */
  keys: TokenBucket;
  media: RoomMedia | null;
}

/** What the dial-in and dial-out steps need of the call registry (SipCalls). */
export interface CallHost {
  readonly options: SipCallsOptions;
  readonly agent: SipUserAgent | null;
  now(): number;
  readonly calls: Map<string, Call>;
  respond(
    request: SipRequest,
    status: number,
    reason: string,
    extension?: { headers?: Record<string, unknown>; content?: string },
  ): void;
  /** A call is up: counted, present, receiving the program, in the audit trail. */
  connected(call: Call): void;
  end(call: Call, state: CallState): void;
  /** A key from the room's remote. */
  key(callId: string, key: string): void;
  refuse(request: SipRequest, meetingId: string | null, reason: RefusalReason, from: string): void;
  /** A call already answered is refused (counted and audited; the BYE carries the status). */
  refused(meetingId: string, reason: RefusalReason, from: string): void;
  /** Ends a call from this side: BYE (with a Reason header when given), then ended as `declined`. */
  bye(call: Call, reason?: string): void;
  hangUp(callId: string, state?: CallState): void;
  /** Each invited point's PIN for a meeting (server/sip/pins). */
  pinsOf(runtime: MeetingRuntime): ReadonlyMap<string, string>;
  /** Whether an address may still key PINs (its wrong ones are counted over an hour). */
  pinGuessesLeft(address: string): boolean;
  wrongPin(address: string): void;
  /** A point's state of calls (including a finished dial-out's outcome) changed. */
  changed(meetingId: string): void;
  /** Where a point's room is called (the directory's address now, else the meeting's), or `null`. */
  sipAddressOf(meetingId: string, pointId: string): string | null;
  /** A point of the directory (not only of a meeting) answering to a SIP address. */
  directoryPointOf(address: string): string | null;
}

export const SYSTEM: Actor = { role: 'system' };

export const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REGISTER';

/** The participant a room's call is on the bridge as (one per point: a new call replaces the old). */
export const roomParticipantId = (meetingId: string, pointId: string) => `sip:${meetingId}:${pointId}`;

/** The user part of a request URI (`sip:123456@host` → `123456`). */
export function userOfUri(uri: string): string | null {
  return /^sips?:([^@;?]+)@/i.exec(uri)?.[1] ?? null;
}

export function pointName(points: { code: string; name: string }[], pointId: string): string {
  return points.find((p) => p.code === pointId)?.name ?? pointId;
}

/** A request inside a call's dialog (BYE, INFO, ACK), to the room's Contact. */
export function inDialog(
  agent: SipUserAgent,
  call: Call,
  method: string,
  headers: Record<string, unknown> = {},
  content = '',
  seq?: number,
  onResponse?: (response: SipResponse | null) => void,
): void {
  if (seq === undefined) {
    call.cseq += 1;
  }
  agent.send(
    {
      method,
      uri: call.remote.target,
      headers: {
        to: { uri: call.remote.uri, params: { tag: call.remote.tag } },
        from: { uri: call.local.uri, params: { tag: call.local.tag } },
        'call-id': call.callId,
        cseq: { method, seq: seq ?? call.cseq },
        via: [],
        'max-forwards': 70,
        ...headers,
      },
      content,
    },
    onResponse,
  );
}

export type { sip };

/** A point's key within a meeting (outcomes, redials). */
export const keyOf = (meetingId: string, pointId: string) => `${meetingId}\u0000${pointId}`;

/** A call as the consoles show it. */
export function viewOf(call: Call): CallView {
  return {
    callId: call.callId,
    pointId: call.pointId,
    direction: call.direction,
    state: call.state,
    words: CALL_STATE_WORDS[call.state].vi,
    since: call.since,
    video: call.video,
    audio: call.audio,
    address: call.remote.uri,
  };
}
