import { createLogger } from '../../logger.js';
import type { PlainRooms, PlainStreamAnswer, PlainStreamOffer, PlainStreamStats } from '../MediaBridge.js';
import type { MediaParticipant } from '../routing.js';
import type { MeetingRouter, Participant } from './participants.js';

const logger = createLogger('MediasoupPlainRooms');

export interface MediasoupPlainRoomsOptions {
  /** The router a new participant of the meeting goes on. */
  routerFor: (meetingId: string) => Promise<MeetingRouter>;
  participants: Map<string, Participant>;
  leave: (participantId: string) => void;
  changed: (participantId: string) => void;
  /** The bridge asked a room's camera for a key frame (RTCP PLI/FIR went out): the call repeats it as SIP INFO. */
  keyFrameWanted: (participantId: string) => void;
  listenIp: string;
  announcedAddress?: string | undefined;
}

/**
 * A room system's media on mediasoup: a PlainTransport per m-line (comedia unless the room signals from the address
 * its SDP states; RTCP multiplexed or on the next port as it offered; SRTP keyed by SDES), its camera and microphone
 * produced from what it sends, as any point's are. Its microphone starts closed, like a browser's: the routing opens it.
 */
export class MediasoupPlainRooms implements PlainRooms {
  readonly #options: MediasoupPlainRoomsOptions;

  constructor(options: MediasoupPlainRoomsOptions) {
    this.#options = options;
  }

  async open(
    meetingId: string,
    info: MediaParticipant,
    streams: PlainStreamOffer[],
    { sendToStatedAddress, address }: { sendToStatedAddress: boolean; address: string },
  ): Promise<Map<number, PlainStreamAnswer>> {
    this.#options.leave(info.id);
    const router = await this.#options.routerFor(meetingId);
    const participant: Participant = {
      info,
      meetingId,
      router,
      rtpCapabilities: null,
      transports: new Map(),
      producers: new Map(),
      consumers: new Map(),
      plain: [],
    };
    const answers = new Map<number, PlainStreamAnswer>();
    try {
      for (const stream of streams) {
        // One picture and one sound per room for now: a second video (content over BFCP) is refused.
        const key = stream.kind;
        if (stream.codec === null || participant.producers.has(key) || stream.content === 'slides') {
          continue;
        }
        const transport = await router.router.createPlainTransport({
          // A stream that comes through a relay of this process (server/sip/AudioRelay) is received on loopback.
          listenInfo:
            stream.viaRelay === true
              ? { protocol: 'udp', ip: '127.0.0.1' }
              : { protocol: 'udp', ip: this.#options.listenIp, announcedAddress: address },
          rtcpMux: stream.rtcpMux,
          comedia: !sendToStatedAddress && stream.viaRelay !== true,
          ...(stream.srtp === null ? {} : { enableSrtp: true, srtpCryptoSuite: stream.srtp.cryptoSuite }),
          appData: { participantId: info.id, kind: stream.kind },
        });
        participant.plain?.push(transport);
        const srtpParameters =
          stream.srtp === null ? undefined : { cryptoSuite: stream.srtp.cryptoSuite, keyBase64: stream.srtp.keyBase64 };
        if (sendToStatedAddress || stream.viaRelay === true) {
          await transport.connect({
            ip: stream.remote.ip,
            port: stream.remote.port,
            ...(stream.rtcpMux || stream.remote.rtcpPort === null ? {} : { rtcpPort: stream.remote.rtcpPort }),
            ...(srtpParameters === undefined ? {} : { srtpParameters }),
          });
        } else if (srtpParameters !== undefined) {
          await transport.connect({ srtpParameters });
        }
        const producer = await transport.produce({
          kind: stream.kind,
          rtpParameters: {
            codecs: [
              {
                ...stream.codec,
                rtcpFeedback:
                  stream.kind === 'video'
                    ? [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]
                    : [],
              },
            ],
            encodings: [stream.ssrc === null ? {} : { ssrc: stream.ssrc }],
          },
          appData: { participantId: info.id },
        });
        participant.producers.set(key, producer);
        if (key === 'audio') {
          // Closed until the routing opens it, as a browser's microphone.
          await producer.pause();
          void router.speakers.addProducer({ producerId: producer.id }).catch(() => undefined);
        } else {
          // Many room systems ignore RTCP PLI and answer only a SIP INFO fast update: both are sent.
          await producer.enableTraceEvent(['pli', 'fir']);
          producer.on('trace', (trace) => {
            if (trace.direction === 'out') {
              this.#options.keyFrameWanted(info.id);
            }
          });
        }
        const srtp = transport.srtpParameters;
        answers.set(stream.index, {
          ip: address,
          port: transport.tuple.localPort,
          rtcpPort: stream.rtcpMux ? null : (transport.rtcpTuple?.localPort ?? null),
          srtp:
            srtp === undefined || stream.srtp === null
              ? null
              : { cryptoSuite: srtp.cryptoSuite, keyBase64: srtp.keyBase64, tag: stream.srtp.tag },
        });
      }
    } catch (error) {
      participant.plain?.forEach((t) => t.close());
      throw error;
    }
    if (participant.producers.size > 0) {
      this.#options.participants.set(info.id, participant);
      this.#options.changed(info.id);
    } else {
      participant.plain?.forEach((t) => t.close());
    }
    logger.info({ meetingId, participantId: info.id, streams: answers.size }, 'open() | room system on the bridge');

    return answers;
  }

  async keyFrameRequested(participantId: string): Promise<void> {
    const participant = this.#options.participants.get(participantId);
    // What the room receives is the program; its sources are asked through the consumers feeding it.
    for (const consumer of participant?.consumers.values() ?? []) {
      if (consumer.kind === 'video' && !consumer.closed) {
        await consumer.requestKeyFrame().catch(() => undefined);
      }
    }
  }

  async streamStats(participantId: string): Promise<PlainStreamStats[]> {
    const participant = this.#options.participants.get(participantId);
    const out: PlainStreamStats[] = [];
    for (const [key, producer] of participant?.producers ?? []) {
      if (key === 'screen' || producer.closed) {
        continue;
      }
      const [stats] = await producer.getStats().catch(() => []);
      const transport = participant?.plain?.find((t) => t.appData.kind === key);
      const [transportStats] = (await transport?.getStats().catch(() => [])) ?? [];
      out.push({
        kind: key,
        bytesReceived: transportStats?.bytesReceived ?? stats?.byteCount ?? 0,
        packetsLost: stats?.packetsLost ?? 0,
        fractionLost: (stats?.fractionLost ?? 0) / 256,
        jitter: stats?.jitter ?? 0,
        rttMs: stats?.roundTripTime ?? null,
        bitrate: stats?.bitrate ?? 0,
      });
    }

    return out;
  }
}
