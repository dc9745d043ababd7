import { RTCRtpCodecParameters, type RTCPeerConnection } from 'werift';
import { DomainError } from '../../domain/core/errors.js';

/** What the embedded bridge negotiates: codecs, timeouts, and the SDP it offers. */

/** A negotiation step that takes longer has hung inside the WebRTC stack; fail it rather than the queue. */
export const NEGOTIATION_TIMEOUT_MS = 4000;

export const SDP_ONLY = () =>
  DomainError.validation(
    'Cầu truyền hình nội bộ thương lượng bằng SDP (the embedded bridge negotiates with media:answer)',
  );

export const OPUS = () =>
  new RTCRtpCodecParameters({
    mimeType: 'audio/opus',
    clockRate: 48_000,
    channels: 2,
    payloadType: 111,
    parameters: 'minptime=10;useinbandfec=1',
  });
export const VP8 = () =>
  new RTCRtpCodecParameters({
    mimeType: 'video/VP8',
    clockRate: 90_000,
    payloadType: 96,
    rtcpFeedback: [
      { type: 'nack' },
      { type: 'nack', parameter: 'pli' },
      { type: 'ccm', parameter: 'fir' },
      { type: 'goog-remb' },
    ],
  });

/** The local SDP once host candidates are gathered, with only the listen address's candidates when one is set. */
export async function gatheredSdp(pc: RTCPeerConnection, listenIp: string | undefined): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    // Host candidates gather in milliseconds; never let a stuck gatherer hold the participant's queue.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 3000);
      const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') {
          done();
        }
      });
      function done() {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      }
    });
  }
  if (pc.connectionState === 'closed') {
    throw new DomainError('MEDIA_UNAVAILABLE', 'Phiên truyền hình đã đóng (media session closed)');
  }
  const sdp = pc.localDescription?.sdp ?? '';
  if (listenIp === undefined) {
    return sdp;
  }

  // Offer only the listen address.
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.includes(` ${listenIp} `))
    .join('\r\n');
}
