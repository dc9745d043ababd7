import { inDialog, type CallHost } from './calls.js';
import { dtmfOfInfo, FAST_UPDATE_XML, isFastUpdate, type SipRequest } from './sipWire.js';

/** A room's INFO: a key (dtmf-relay) or a key-frame request (RFC 5168); other bodies are refused (415). */
export function answerInfo(host: CallHost, request: SipRequest): void {
  const call = host.calls.get(request.headers['call-id']);
  if (call === undefined) {
    host.respond(request, 481, 'Call/Transaction Does Not Exist');

    return;
  }
  const type = request.headers['content-type'] ?? '';
  const body = request.content ?? '';
  if (isFastUpdate(type, body)) {
    host.respond(request, 200, 'OK');
    void host.options.media.bridge.plain?.keyFrameRequested(call.participantId).catch(() => undefined);

    return;
  }
  const key = dtmfOfInfo(type, body);
  if (key === null) {
    host.respond(request, 415, 'Unsupported Media Type', {
      headers: { accept: 'application/dtmf-relay, application/dtmf, application/media_control+xml' },
    });

    return;
  }
  host.respond(request, 200, 'OK');
  host.key(call.callId, key);
}

/** The bridge wants a key frame from a room: asked by SIP INFO picture fast update, once a second at most. */
export function sendFastUpdate(host: CallHost, participantId: string): void {
  const call = [...host.calls.values()].find((c) => c.participantId === participantId);
  // Once a second at most: mediasoup repeats its request while it waits.
  if (
    call === undefined ||
    call.state !== 'connected' ||
    host.agent === null ||
    host.now() - call.lastFastUpdate < 1000
  ) {
    return;
  }
  call.lastFastUpdate = host.now();
  inDialog(host.agent, call, 'INFO', { 'content-type': 'application/media_control+xml' }, FAST_UPDATE_XML);
}
