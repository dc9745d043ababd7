import type { ConsumerOptions } from '../../server/protocol/mediaWire.js';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';

/** A mediasoup peer in Node (msc-node: mediasoup-client over werift), for the side-by-side media benchmark. */
export interface BenchPeer {
  socket: MeetingSocket;
  /** Writes one RTP packet of the synthetic camera (hub only). */
  writeRtp(packet: Buffer): void;
  /** RTP packets received on the program (hub) slot so far. */
  received(): number;
  close(): Promise<void>;
}

/**
 * Joins the mediasoup bridge as the product's browsers do (capabilities, a send and a receive transport, consumers
 * resumed once made) with a synthetic VP8 camera when `sends`, counting the program packets it receives.
 */
export async function mediasoupPeer(
  url: string,
  token: string,
  sends: boolean,
  /** Called with each program packet's payload as it arrives (the linked-meeting delay measurement). */
  onPacket?: (payload: Buffer) => void,
): Promise<BenchPeer> {
  const msc = await import('msc-node');
  const { socket } = await connectMeeting(url, token, { reconnection: false });
  const must = <T extends { ok: boolean }>(ack: T, what: string): T & { ok: true } => {
    if (!ack.ok) {
      throw new Error(`${what}: ${JSON.stringify(ack)}`);
    }

    return ack as T & { ok: true };
  };
  const { join } = must(await request(socket, 'media:join', {}), 'media:join');
  if (join.bridge !== 'mediasoup') {
    throw new Error('the server does not run mediasoup');
  }
  const device = new msc.Device({
    codecs: {
      video: [
        new msc.RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90_000,
          payloadType: 96,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
        }),
      ],
      audio: [
        new msc.RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111 }),
      ],
    },
  });
  await device.load({ routerRtpCapabilities: join.routerRtpCapabilities as never });
  must(
    await request(socket, 'media:capabilities', { rtpCapabilities: device.rtpCapabilities as Record<string, unknown> }),
    'media:capabilities',
  );
  const open = async (direction: 'send' | 'recv') => {
    const { transport: options } = must(await request(socket, 'media:transport', { direction }), 'media:transport');
    const settings = { ...(options as object), additionalSettings: { iceAdditionalHostAddresses: ['127.0.0.1'] } };
    const transport =
      direction === 'send'
        ? device.createSendTransport(settings as never)
        : device.createRecvTransport(settings as never);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      request(socket, 'media:connect', {
        transportId: transport.id,
        dtlsParameters: dtlsParameters as unknown as Record<string, unknown>,
      }).then((a) => (a.ok ? callback() : errback(new Error(a.error.message))), errback);
    });
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      request(socket, 'media:produce', {
        transportId: transport.id,
        kind,
        rtpParameters: rtpParameters as unknown as Record<string, unknown>,
      }).then((a) => (a.ok ? callback({ id: a.producerId }) : errback(new Error(a.error.message))), errback);
    });

    return transport;
  };
  let received = 0;
  // Listening before the receive transport exists: its consumers can come in the same chunk as its ack.
  const early: ConsumerOptions[] = [];
  let recv: Awaited<ReturnType<typeof open>> | null = null;
  const consume = (c: ConsumerOptions) => {
    if (recv === null) {
      early.push(c);

      return;
    }
    void recv
      .consume({ id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters as never })
      .then(async (consumer) => {
        consumer.track.onReceiveRtp.subscribe((packet: { payload: Buffer }) => {
          received += 1;
          onPacket?.(packet.payload);
        });
        await request(socket, 'media:resume', { consumerId: c.id });
      })
      .catch(() => undefined);
  };
  socket.on('media:consumers', ({ consumers }) =>
    consumers.filter((c) => c.kind === 'video' && c.purpose === 'hub').forEach(consume),
  );
  recv = await open('recv');
  early.splice(0).forEach(consume);
  const camera = new msc.MediaStreamTrack({ kind: 'video' });
  const send = sends ? await open('send') : null;
  if (send !== null) {
    await send.produce({ track: camera });
  }

  return {
    socket,
    writeRtp: (packet) => camera.writeRtp(packet),
    received: () => received,
    async close() {
      socket.close();
      send?.close();
      recv?.close();
    },
  };
}
