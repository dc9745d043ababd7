import type * as sip from 'sip';
import { identifyCaller } from '../domain/sip/callers.js';
import { sendsToStatedAddress } from '../domain/sip/mediaPath.js';
import { createLogger } from '../logger.js';
import { TokenBucket } from '../signaling/TokenBucket.js';
import { roomParticipantId, userOfUri, type CallHost } from './calls.js';
import { answeredCall, answerOf, answerWithOk } from './answer.js';
import { askForPin } from './pinLobby.js';
import { openRoomMedia } from './roomMedia.js';
import { readOffer, SdpError } from './sdp.js';
import type { SipRequest } from './sipWire.js';

const logger = createLogger('dialIn');

/** INVITEs being set up, by Call-ID, and whether a CANCEL came meanwhile. */
const pending = new WeakMap<CallHost, Map<string, { cancelled: boolean }>>();
const pendingOf = (host: CallHost) => {
  let map = pending.get(host);
  if (map === undefined) {
    map = new Map();
    pending.set(host, map);
  }

  return map;
};

/**
 * A room calls a meeting's conference number: recognised by its From address (domain/sip/callers), its offer read,
 * its streams put on the bridge as its point's, answered 200 OK with where to send (retransmitted until its ACK).
 * Refusals carry the status the rules give and are audited.
 */
export async function answerInvite(host: CallHost, request: SipRequest, remote: sip.Remote): Promise<void> {
  const callId = request.headers['call-id'];
  const existing = host.calls.get(callId);
  if (request.headers.to.params.tag !== undefined) {
    // A re-INVITE (session refresh, hold): the session stays as it is, answered with the same description.
    if (existing === undefined) {
      host.respond(request, 481, 'Call/Transaction Does Not Exist');
    } else {
      host.respond(request, 200, 'OK', answerOf(host, existing, request));
    }

    return;
  }
  const setups = pendingOf(host);
  if (setups.has(callId) || existing !== undefined) {
    return;
  }
  host.respond(request, 100, 'Trying');
  const number = userOfUri(request.uri);
  const runtime = number === null ? undefined : host.options.meetings.byConferenceNumber(number);
  if (runtime === undefined) {
    host.refuse(request, null, 'unknown-meeting', request.headers.from.uri);

    return;
  }
  // A room on file by its address, or one that registered as its point from where it calls now.
  const decision = identifyCaller(
    runtime.state,
    request.headers.from.uri,
    (address) =>
      host.directoryPointOf(address) ??
      host.options.registrar?.pointCalling(request.headers.from.uri, remote.address) ??
      null,
  );
  if (decision.kind === 'refuse') {
    host.refuse(request, runtime.id, decision.reason, request.headers.from.uri);

    return;
  }
  let streams;
  try {
    streams = readOffer(request.content ?? '');
  } catch (error) {
    host.respond(request, 488, 'Not Acceptable Here');
    logger.info({ callId, err: error instanceof SdpError ? error.message : error }, 'unusable SDP');

    return;
  }
  const agent = host.agent;
  if (!streams.some((s) => s.codec !== null) || agent === null) {
    host.respond(request, agent === null ? 503 : 488, agent === null ? 'Service Unavailable' : 'Not Acceptable Here');

    return;
  }
  if (decision.kind === 'askPin') {
    await askForPin(host, request, remote, runtime, streams);

    return;
  }
  const { pointId } = decision;
  // A room calling again (after a drop its old call did not report) replaces its old call.
  for (const old of [...host.calls.values()].filter((c) => c.meetingId === runtime.id && c.pointId === pointId)) {
    host.end(old, 'ended');
  }
  const setup = { cancelled: false };
  setups.set(callId, setup);
  const participantId = roomParticipantId(runtime.id, pointId);
  let media;
  try {
    media = await openRoomMedia({
      media: host.options.media,
      relay: host.options.relay,
      meetingId: runtime.id,
      participant: { id: participantId, role: 'point', pointId },
      streams,
      sendToStatedAddress: sendsToStatedAddress(streams.find((s) => s.codec !== null)?.remote.ip ?? '', remote.address),
      address: agent.announcedIp,
      onKey: (key) => host.key(callId, key),
      ffmpeg: host.options.ffmpeg,
    });
  } finally {
    setups.delete(callId);
  }
  if (setup.cancelled || media.answers.size === 0) {
    media.close();
    host.options.media.leave(runtime.id, participantId);
    if (!setup.cancelled) {
      host.respond(request, 488, 'Not Acceptable Here');
    }

    return;
  }
  const call = answeredCall(host, request, {
    meetingId: runtime.id,
    pointId,
    participantId,
    state: 'connected',
    streams,
    media,
    announcedIp: agent.announcedIp,
    keys: new TokenBucket({ capacity: 5, perSecond: 2 }),
  });
  host.calls.set(callId, call);
  answerWithOk(host, call);
  host.connected(call);
}

/** The room's ACK ends the 2xx retransmission. */
export function acknowledged(host: CallHost, request: SipRequest): void {
  const call = host.calls.get(request.headers['call-id']);
  if (call?.ackTimer != null) {
    clearTimeout(call.ackTimer);
    call.ackTimer = null;
  }
}

/** A CANCEL of an INVITE still being set up: 200 to the CANCEL, 487 to the INVITE, nothing joins. */
export function cancelInvite(host: CallHost, request: SipRequest): void {
  const setup = pendingOf(host).get(request.headers['call-id']);
  if (setup === undefined) {
    host.respond(request, 481, 'Call/Transaction Does Not Exist');

    return;
  }
  setup.cancelled = true;
  host.respond(request, 200, 'OK');
  const invite = { ...request.headers.cseq, method: 'INVITE' };
  host.respond(
    { ...request, method: 'INVITE', headers: { ...request.headers, cseq: invite } },
    487,
    'Request Terminated',
  );
}
