import type { types as ms } from 'mediasoup';
import type { RtpTap } from '../MediaBridge.js';

/**
 * Copies one producer as plain RTP to a local port (and RTCP to the next), for a process on this machine such as the
 * recorder's ffmpeg. The consumer starts paused so the receiver can bind first; `start` resumes it and asks the
 * camera for a key frame, without which the receiver cannot begin.
 */
export async function openTap(
  router: ms.Router,
  producer: ms.Producer,
  target: { port: number; rtcpPort: number },
): Promise<RtpTap> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: false,
    comedia: false,
  });
  try {
    await transport.connect({ ip: '127.0.0.1', port: target.port, rtcpPort: target.rtcpPort });
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
      paused: true,
    });
    if (consumer.type === 'simulcast') {
      // The recording keeps the program at full size.
      await consumer.setPreferredLayers({ spatialLayer: 2, temporalLayer: 2 });
    }
    const codec = consumer.rtpParameters.codecs[0];
    if (codec === undefined) {
      throw new Error('consumer without a codec');
    }

    const requestKeyFrame = async () => {
      if (consumer.kind === 'video' && !consumer.closed) {
        await consumer.requestKeyFrame();
      }
    };

    return {
      codec: {
        mimeType: codec.mimeType,
        payloadType: codec.payloadType,
        clockRate: codec.clockRate,
        channels: codec.channels ?? null,
      },
      async start() {
        await consumer.resume();
        await requestKeyFrame();
      },
      requestKeyFrame,
      close() {
        transport.close();
      },
    };
  } catch (error) {
    transport.close();
    throw error;
  }
}
