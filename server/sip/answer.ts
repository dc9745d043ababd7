import { createLogger } from '../logger.js';
import { ALLOW, userOfUri, type Call, type CallHost } from './calls.js';
import type { SipRequest } from './sipWire.js';

const logger = createLogger('sipAnswer');

const T1 = 500;
const T2 = 4000;

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
