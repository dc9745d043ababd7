import { createSocket, type Socket } from 'node:dgram';
import type { RtpTap } from '../MediaBridge.js';
import { OPUS, VP8 } from './negotiation.js';

/** One tap of a participant's track on the embedded bridge: its packets, as received, go out to a local UDP port. */
export interface UdpTapSink {
  /** The track copied: the microphone, the camera, or the shared screen. */
  input: 'audio' | 'camera' | 'screen';
  /** Set once started: sends one serialized RTP packet. */
  send: ((packet: Buffer) => void) | null;
}

/**
 * A plain-RTP copy of a track on the embedded bridge, for the recorder: `sinks` is where the bridge looks for taps of
 * this participant when a packet arrives; `requestKeyFrame` asks the browser's camera for one (a PLI).
 */
export function openUdpTap(
  sinks: Set<UdpTapSink>,
  input: UdpTapSink['input'],
  target: { port: number; rtcpPort: number },
  requestKeyFrame: () => void,
): RtpTap {
  const kind = input === 'audio' ? 'audio' : 'video';
  const codec = kind === 'audio' ? OPUS() : VP8();
  const sink: UdpTapSink = { input, send: null };
  let socket: Socket | null = null;
  sinks.add(sink);

  return {
    codec: {
      mimeType: codec.mimeType,
      payloadType: codec.payloadType ?? (kind === 'audio' ? 111 : 96),
      clockRate: codec.clockRate,
      channels: codec.channels ?? null,
    },
    async start() {
      const udp = createSocket('udp4');
      // A receiver that went away is the recorder's business, not the bridge's.
      udp.on('error', () => undefined);
      socket = udp;
      sink.send = (packet) => udp.send(packet, target.port, '127.0.0.1');
      requestKeyFrame();
    },
    async requestKeyFrame() {
      requestKeyFrame();
    },
    close() {
      sinks.delete(sink);
      sink.send = null;
      socket?.close();
      socket = null;
    },
  };
}
