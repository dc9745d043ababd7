import { randomBytes } from 'node:crypto';
import type { PlainStreamOffer } from '../media/MediaBridge.js';
import { createLogger } from '../logger.js';
import type { TokenBucket } from '../signaling/TokenBucket.js';
import { ALLOW, userOfUri, type Call, type CallHost } from './calls.js';
import type { RoomMedia } from './roomMedia.js';
import { writeAnswer } from './sdp.js';
import type { SipRequest } from './sipWire.js';

const logger = createLogger('sipAnswer');

const T1 = 500;
const T2 = 4000;

/**
 * The call a room's INVITE becomes once answered: our side of the dialog, the room's (its Contact for requests in the
 * dialog), and our answer to its offer on the media it was given.
 */
export function answeredCall(
  host: CallHost,
  request: SipRequest,
  fields: Pick<Call, 'meetingId' | 'pointId' | 'participantId' | 'state'> & {
    streams: PlainStreamOffer[];
    media: RoomMedia;
    announcedIp: string;
    keys: TokenBucket;
  },
): Call {
  const { streams, media, announcedIp, keys, ...who } = fields;
  const from = request.headers.from.uri;

  return {
    ...who,
    callId: request.headers['call-id'],
    direction: 'in',
    since: host.now(),
    local: { uri: request.uri, tag: randomBytes(6).toString('hex') },
    remote: {
      uri: from,
      tag: String(request.headers.from.params.tag ?? ''),
      target: request.headers.contact?.[0]?.uri ?? from,
    },
    cseq: 1,
    sdp: writeAnswer(streams, media.answers, announcedIp, 1),
    video: media.codecs.video,
    audio: media.codecs.audio,
    ackTimer: null,
    invite: request,
    cancel: null,
    lastFastUpdate: 0,
    keptAliveAt: 0,
    keys,
    media,
  };
}

/** Answers a room's INVITE with the call's description, retransmitted until its ACK (RFC 3261 13.3.1.4). */
export function answerWithOk(host: CallHost, call: Call): void {
  sendOk(host, call, T1, 0);
}

/** Sends the 200 OK, again at T1, 2·T1 … T2 until the ACK; a room that never ACKs is hung up after 64·T1. */
function sendOk(host: CallHost, call: Call, interval: number, elapsed: number): void {
  if (host.calls.get(call.callId) !== call || call.invite === null) {
    return;
  }
  host.respond(call.invite, 200, 'OK', answerOf(host, call, call.invite));
  if (elapsed >= 64 * T1) {
    logger.warn({ callId: call.callId }, 'no ACK: the call is ended');
    host.end(call, 'lost');

    return;
  }
  call.ackTimer = setTimeout(() => sendOk(host, call, Math.min(interval * 2, T2), elapsed + interval), interval);
}

export function answerOf(host: CallHost, call: Call, request: SipRequest) {
  return {
    headers: {
      to: { ...request.headers.to, params: { ...request.headers.to.params, tag: call.local.tag } },
      contact: [
        { uri: `sip:${userOfUri(call.local.uri) ?? 'diemcau'}@${host.agent?.announcedIp}:${host.agent?.port}` },
      ],
      'content-type': 'application/sdp',
      allow: ALLOW,
    },
    content: call.sdp,
  };
}
