import { randomBytes } from 'node:crypto';
import type * as sip from 'sip';
import { DomainError } from '../domain/core/errors.js';
import { isFinal, stateForResponse } from '../domain/sip/callState.js';
import { conferenceNumberOf } from '../domain/sip/conferenceNumber.js';
import { dialUri } from '../domain/sip/sipAddress.js';
import { createLogger } from '../logger.js';
import { TokenBucket } from '../signaling/TokenBucket.js';
import { inDialog, roomParticipantId, type Call, type CallHost } from './calls.js';
import { openRoomMedia } from './roomMedia.js';
import { RtpRelay } from './RtpRelay.js';
import { readAnswer, writeOffer, OFFERED } from './sdp.js';
import type { SipResponse } from './sipWire.js';

const logger = createLogger('dialOut');

/** A room that rings this long without answering is given up ("không trả lời"). */
const RING_LIMIT_MS = 45_000;

/**
 * The coordinator calls a room at its directory address, as an MCU operator does ("Gọi điểm cầu"): our offer names
 * relays of this process (plain RTP), the room's answer says where it receives; once it answers, its streams go on
 * the bridge as its point's and it receives the program. Refused with a code when the point cannot be called.
 */
export async function placeCall(host: CallHost, meetingId: string, pointId: string): Promise<Call> {
  const runtime = host.options.meetings.get(meetingId);
  const { state } = runtime;
  if (state.status === 'ended') {
    throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
  }
  if (state.points[pointId] === undefined || pointId === state.def.hubPointId) {
    throw new DomainError('NOT_INVITED', 'Điểm cầu không được mời dự hội nghị này (point not invited)');
  }
  // A room that registered is called where it registered from (behind NAT); else at its directory address.
  const registered = host.options.registrar?.bindingOf(pointId)?.target ?? null;
  const address = host.sipAddressOf(meetingId, pointId);
  if (address === null && registered === null) {
    throw new DomainError(
      'NO_SIP_ADDRESS',
      'Điểm cầu chưa có địa chỉ SIP trong danh bạ (the point has no SIP address)',
    );
  }
  if ([...host.calls.values()].some((c) => c.meetingId === meetingId && c.pointId === pointId)) {
    throw new DomainError('ALREADY_IN_CALL', 'Điểm cầu đang trong cuộc gọi (the point is already in a call)');
  }
  const agent = host.agent;
  if (agent === null) {
    throw new DomainError('MEDIA_UNAVAILABLE', 'SIP chưa sẵn sàng (SIP is not ready)');
  }
  const callId = randomBytes(12).toString('hex');
  const relay = (rtcpMux: boolean, telephoneEvent: number | null) =>
    RtpRelay.open({
      listenIp: host.options.relay.listenIp,
      ports: host.options.relay.ports,
      rtcpMux,
      room: null,
      telephoneEvent,
      onKey: (key) => host.key(callId, key),
    });
  const relays = new Map<'audio' | 'video', RtpRelay>();
  try {
    relays.set('audio', await relay(false, OFFERED.telephoneEvent));
    relays.set('video', await relay(false, null));
  } catch (error) {
    relays.forEach((r) => r.close());
    throw error;
  }
  const number = conferenceNumberOf(state.def);
  const hostPart = agent.announcedIp.includes(':') ? `[${agent.announcedIp}]` : agent.announcedIp;
  const ours = `sip:${number}@${hostPart}:${agent.port}`;
  const target = registered ?? dialUri(address ?? '');
  const call: Call = {
    callId,
    direction: 'out',
    meetingId,
    pointId,
    participantId: roomParticipantId(meetingId, pointId),
    state: 'calling',
    since: host.now(),
    local: { uri: ours, tag: randomBytes(6).toString('hex') },
    remote: { uri: target, tag: '', target },
    cseq: 1,
    sdp: writeOffer(
      agent.announcedIp,
      { audio: relayPorts(relays.get('audio')), video: relayPorts(relays.get('video')) },
      1,
    ),
    video: null,
    audio: null,
    ackTimer: null,
    invite: null,
    cancel: null,
    lastFastUpdate: 0,
    keptAliveAt: 0,
    keys: new TokenBucket({ capacity: 5, perSecond: 2 }),
    media: null,
  };
  host.calls.set(callId, call);
  host.changed(meetingId);
  const giveUp = setTimeout(() => {
    if (call.state === 'calling' || call.state === 'ringing') {
      call.cancel?.();
      relays.forEach((r) => r.close());
      host.end(call, 'noAnswer');
    }
  }, RING_LIMIT_MS);
  giveUp.unref();
  const invite: sip.SipMessage = {
    method: 'INVITE',
    uri: target,
    headers: {
      to: { uri: target, params: {} },
      from: { uri: ours, params: { tag: call.local.tag } },
      'call-id': callId,
      cseq: { method: 'INVITE', seq: 1 },
      contact: [{ uri: ours }],
      'content-type': 'application/sdp',
      'max-forwards': 70,
      via: [],
    },
    content: call.sdp,
  };
  // A CANCEL names the INVITE by its Via (the stack filled in its branch as it sent it): RFC 3261 9.1.
  call.cancel = () => {
    call.cancel = null;
    agent.send({
      method: 'CANCEL',
      uri: target,
      headers: {
        to: { uri: target, params: {} },
        from: { uri: ours, params: { tag: call.local.tag } },
        'call-id': callId,
        cseq: { method: 'CANCEL', seq: 1 },
        via: invite.headers.via,
        'max-forwards': 70,
      },
    });
  };
  agent.send(invite, (response) => {
    void answered(host, call, relays, response, giveUp).catch((error: unknown) => {
      logger.warn({ err: error, callId }, 'the answer could not be used');
      relays.forEach((r) => r.close());
      if (host.calls.get(callId) === call) {
        inDialog(agent, call, 'BYE');
        host.end(call, 'failed');
      }
    });
  });

  return call;
}

async function answered(
  host: CallHost,
  call: Call,
  relays: Map<'audio' | 'video', RtpRelay>,
  response: SipResponse | null,
  giveUp: NodeJS.Timeout,
): Promise<void> {
  const agent = host.agent;
  if (response === null || agent === null) {
    return;
  }
  const state = stateForResponse(response.status);
  const current = host.calls.get(call.callId) === call;
  if (response.status >= 200) {
    // Answered one way or the other: nothing left to withdraw; a call already hung up lets go of its ports.
    call.cancel = null;
    if (!current) {
      relays.forEach((r) => r.close());
    }
  }
  if (response.status >= 200 && response.status < 300) {
    call.remote.tag = String(response.headers.to.params.tag ?? '');
    call.remote.target = response.headers.contact?.[0]?.uri ?? call.remote.target;
    // Every 2xx is acknowledged (a retransmitted one too); one that comes after we gave up is hung up at once.
    inDialog(agent, call, 'ACK', {}, '', 1);
    if (!current) {
      inDialog(agent, call, 'BYE');

      return;
    }
    if (call.state === 'connected') {
      return;
    }
    clearTimeout(giveUp);
    const streams = readAnswer(response.content ?? '');
    const media = await openRoomMedia({
      media: host.options.media,
      relay: host.options.relay,
      meetingId: call.meetingId,
      participant: { id: call.participantId, role: 'point', pointId: call.pointId },
      streams,
      sendToStatedAddress: true,
      address: agent.announcedIp,
      onKey: (key) => host.key(call.callId, key),
      relays,
    });
    if (host.calls.get(call.callId) !== call) {
      media.close();

      return;
    }
    call.media = media;
    call.video = media.codecs.video;
    call.audio = media.codecs.audio;
    call.state = 'connected';
    call.since = host.now();
    host.connected(call);

    return;
  }
  if (!current) {
    return;
  }
  if (!isFinal(state)) {
    if (call.state !== state) {
      call.state = state;
      host.changed(call.meetingId);
    }

    return;
  }
  clearTimeout(giveUp);
  relays.forEach((r) => r.close());
  host.end(call, state);
}

function relayPorts(relay: RtpRelay | undefined): { port: number; rtcpPort: number | null } {
  return relay?.roomFacing ?? { port: 0, rtcpPort: null };
}
