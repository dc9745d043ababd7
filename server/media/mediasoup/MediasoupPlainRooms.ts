import { createLogger } from '../../logger.js';
import type { types as ms } from 'mediasoup';
import type {
  PlainCodec,
  PlainRooms,
  ProgramInputs,
  ProgramMix,
  ProgramPorts,
  ProgramRtp,
  PlainStreamAnswer,
  PlainStreamOffer,
  PlainStreamStats,
  RtpTap,
} from '../MediaBridge.js';
import { openTap } from './rtpTap.js';
import type { MediaParticipant } from '../routing.js';
import { newParticipant, routerOf, type MeetingRouter, type Participant } from './participants.js';

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
interface Program {
  video: { transport: ms.PlainTransport; producer: ms.Producer };
  videoSingleNal: { transport: ms.PlainTransport; producer: ms.Producer };
  /** By `<mix>:<codec name>`. */
  sounds: Map<`${ProgramMix}:${string}`, { transport: ms.PlainTransport; producer: ms.Producer; mimeType: string }>;
}

export class MediasoupPlainRooms implements PlainRooms {
  readonly #options: MediasoupPlainRoomsOptions;
  readonly #programs = new Map<string, Promise<Program>>();
  readonly #receiving = new Map<string, Promise<void>>();

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
    const participant: Participant = { ...newParticipant(info, meetingId, router), plain: [] };
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
          appData: { participantId: info.id, kind: stream.kind, codec: stream.codec },
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

  async openProgram(meetingId: string, rtp: ProgramRtp): Promise<ProgramInputs> {
    let program = this.#programs.get(meetingId);
    if (program === undefined) {
      program = this.#createProgram(meetingId, rtp);
      program.catch(() => this.#programs.delete(meetingId));
      this.#programs.set(meetingId, program);
    }
    const { video, videoSingleNal, sounds } = await program;
    const ports = (t: ms.PlainTransport): ProgramPorts => ({
      port: t.tuple.localPort,
      rtcpPort: t.rtcpTuple?.localPort ?? 0,
    });

    return {
      video: ports(video.transport),
      videoSingleNal: ports(videoSingleNal.transport),
      sounds: new Map([...sounds].map(([key, sound]) => [key, ports(sound.transport)])),
    };
  }

  closeProgram(meetingId: string): void {
    const program = this.#programs.get(meetingId);
    this.#programs.delete(meetingId);
    void program?.then(
      ({ video, videoSingleNal, sounds }) =>
        [video, videoSingleNal, ...sounds.values()].forEach(({ transport }) => transport.close()),
      () => undefined,
    );
  }

  /** One change at a time per room: two at once would each add a consumer, and the room would get two streams. */
  receiveProgram(participantId: string, sound: ProgramMix): Promise<Map<'audio' | 'video', number>> {
    const previous = this.#receiving.get(participantId) ?? Promise.resolve();
    const next = previous.then(
      () => this.#receiveProgram(participantId, sound),
      () => this.#receiveProgram(participantId, sound),
    );
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#receiving.set(participantId, settled);
    void settled.then(() => {
      if (this.#receiving.get(participantId) === settled) {
        this.#receiving.delete(participantId);
      }
    });

    return next;
  }

  async #receiveProgram(participantId: string, sound: ProgramMix): Promise<Map<'audio' | 'video', number>> {
    const participant = this.#options.participants.get(participantId);
    const program = participant === undefined ? undefined : await this.#programs.get(participant.meetingId);
    const out = new Map<'audio' | 'video', number>();
    if (participant === undefined || program === undefined) {
      return out;
    }
    participant.program ??= new Map();
    for (const transport of participant.plain ?? []) {
      const kind = transport.appData.kind as 'audio' | 'video';
      const codec = transport.appData.codec as PlainCodec;
      // H.264 in the packetization mode the room takes; the sound in its own codec (every one a room may answer with).
      const producer =
        kind === 'video'
          ? (Number(codec.parameters['packetization-mode'] ?? 0) === 1 ? program.video : program.videoSingleNal)
              .producer
          : [...program.sounds]
              .filter(([key]) => key.startsWith(`${sound}:`))
              .find(([, s]) => s.mimeType.toLowerCase() === codec.mimeType.toLowerCase())?.[1].producer;
      if (producer === undefined) {
        continue;
      }
      const had = participant.program.get(kind);
      if (had !== undefined && !had.closed && had.producerId === producer.id) {
        out.set(kind, had.rtpParameters.codecs[0]?.payloadType ?? 0);
        continue;
      }
      had?.close();
      participant.program.delete(kind);
      const rtpCapabilities = {
        codecs: [
          {
            kind,
            mimeType: codec.mimeType,
            clockRate: codec.clockRate,
            ...(codec.channels === undefined ? {} : { channels: codec.channels }),
            parameters: codec.parameters,
            preferredPayloadType: codec.payloadType,
            rtcpFeedback: kind === 'video' ? [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] : [],
          },
        ],
        headerExtensions: [],
      };
      if (!routerOf(participant).router.canConsume({ producerId: producer.id, rtpCapabilities })) {
        // A room whose only picture is what the program is not encoded in (VP8).
        continue;
      }
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities });
      participant.program.set(kind, consumer);
      out.set(kind, consumer.rtpParameters.codecs[0]?.payloadType ?? 0);
    }

    return out;
  }

  async tapProgram(meetingId: string, kind: 'audio' | 'video', target: ProgramPorts): Promise<RtpTap | null> {
    const program = await this.#programs.get(meetingId)?.catch(() => undefined);
    const producer = kind === 'video' ? program?.video.producer : program?.sounds.get('mix:OPUS')?.producer;
    if (producer === undefined || producer.closed) {
      return null;
    }

    return openTap((await this.#options.routerFor(meetingId)).router, producer, target);
  }

  async keyFrameRequested(participantId: string): Promise<void> {
    const participant = this.#options.participants.get(participantId);
    // What the room receives is the program, key frames at least every second; the request is passed on all the same.
    for (const consumer of participant?.program?.values() ?? []) {
      if (consumer.kind === 'video' && !consumer.closed) {
        await consumer.requestKeyFrame().catch(() => undefined);
      }
    }
  }

  async #createProgram(meetingId: string, rtp: ProgramRtp): Promise<Program> {
    const router = (await this.#options.routerFor(meetingId)).router;
    const open = () =>
      router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    const picture = async (mode: 0 | 1, of: { payloadType: number; ssrc: number }) => {
      const transport = await open();
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'video/H264',
              payloadType: of.payloadType,
              clockRate: 90_000,
              parameters: {
                'packetization-mode': mode,
                'profile-level-id': rtp.video.profileLevelId,
                'level-asymmetry-allowed': 1,
              },
              rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
            },
          ],
          encodings: [{ ssrc: of.ssrc }],
        },
        appData: { program: meetingId },
      });

      return { transport, producer };
    };
    const video = await picture(1, rtp.video);
    const videoSingleNal = await picture(0, rtp.videoSingleNal);
    const sounds: Program['sounds'] = new Map();
    for (const codec of rtp.sounds) {
      for (const mix of ['mix', 'minus'] as const) {
        const transport = await open();
        const producer = await transport.produce({
          kind: 'audio',
          rtpParameters: {
            codecs: [
              {
                mimeType: codec.mimeType,
                payloadType: codec.payloadType,
                clockRate: codec.clockRate,
                channels: codec.channels,
                parameters: {},
              },
            ],
            encodings: [{ ssrc: codec.ssrc[mix] }],
          },
          appData: { program: meetingId },
        });
        sounds.set(`${mix}:${codec.name}`, { transport, producer, mimeType: codec.mimeType });
      }
    }

    return { video, videoSingleNal, sounds };
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
