import type { PlainStreamAnswer, PlainStreamOffer } from '../media/MediaBridge.js';
import type { MediaParticipant } from '../media/routing.js';
import type { MediaService } from '../media/MediaService.js';
import { promptAudio } from './prompts/promptAudio.js';
import type { PromptName } from './prompts/texts.js';
import { RtpRelay } from './RtpRelay.js';
import { relayable } from './srtp.js';

/** A call's media on the bridge: where the room sends (for the SDP answer) and the relays its plain streams take. */
export interface RoomMedia {
  answers: Map<number, PlainStreamAnswer>;
  /** The codec each kind was answered with, by name (`H264`, `G722`), for the consoles. */
  codecs: { audio: string | null; video: string | null };
  /** The program the bridge sends with its own payload type reaches the room with the one the room offered. */
  payloadTypesFromBridge(payloadTypes: Map<'audio' | 'video', number>): void;
  /** Says a prompt to the room (relayed sound in G.722 or G.711; nothing is said to an Opus room). */
  say(words: PromptName): Promise<void>;
  close(): void;
}

/**
 * Whether a stream passes through a relay of this process: every stream with a codec, SRTP too when its suite is one
 * the relay protects itself (else it goes straight to the bridge, which keys SRTP for itself).
 */
export const relayed = (stream: PlainStreamOffer): boolean =>
  stream.codec !== null && (stream.srtp === null || relayable(stream.srtp));

/** A room's relayed streams, each with what the room offered on it. */
export type Relays = Map<'audio' | 'video', { relay: RtpRelay; stream: PlainStreamOffer }>;

/** Says a prompt through the relay of a room's sound, in the codec the room was answered with. */
async function sayThrough(relays: Relays, words: PromptName, ffmpeg: string | undefined): Promise<void> {
  const sound = relays.get('audio');
  const codec = sound?.stream.codec;
  if (sound === undefined || codec == null) {
    return;
  }
  const bytes = await promptAudio(words, codec.mimeType.split('/')[1] ?? '', ffmpeg);
  if (bytes !== null) {
    await sound.relay.say(bytes, sound.stream.roomPayloadType ?? codec.payloadType);
  }
}

/** Opens a relay for each plain stream a room offered (one per kind), before anything is on the bridge. */
export async function openRelays(
  options: Pick<RoomMediaOptions, 'relay' | 'streams' | 'sendToStatedAddress' | 'onKey'>,
): Promise<Relays> {
  const relays: Relays = new Map();
  try {
    for (const stream of options.streams) {
      if (!relayed(stream) || relays.has(stream.kind)) {
        continue;
      }
      const relay = await RtpRelay.open({
        listenIp: options.relay.listenIp,
        ports: options.relay.ports,
        rtcpMux: stream.rtcpMux,
        room: options.sendToStatedAddress
          ? { address: stream.remote.ip, port: stream.remote.port, rtcpPort: stream.remote.rtcpPort }
          : null,
        telephoneEvent: stream.kind === 'audio' ? (stream.telephoneEvent?.payloadType ?? null) : null,
        onKey: options.onKey,
        srtp: stream.srtp,
      });
      relays.set(stream.kind, { relay, stream });
    }
  } catch (error) {
    relays.forEach(({ relay }) => relay.close());
    throw error;
  }

  return relays;
}

/** A room answered on relays only (it keys its PIN before anything of it reaches the bridge). */
export function relaysOnly(relays: Relays, address: string, ffmpeg?: string): RoomMedia {
  const answers = new Map<number, PlainStreamAnswer>();
  relays.forEach(({ relay, stream }) =>
    answers.set(stream.index, { ip: address, ...relay.roomFacing, srtp: relay.srtpAnswer }),
  );
  const codecOf = (kind: 'audio' | 'video') => relays.get(kind)?.stream.codec?.mimeType.split('/')[1] ?? null;

  return {
    answers,
    codecs: { audio: codecOf('audio'), video: codecOf('video') },
    payloadTypesFromBridge: () => undefined,
    say: (words) => sayThrough(relays, words, ffmpeg),
    close: () => relays.forEach(({ relay }) => relay.close()),
  };
}

export interface RoomMediaOptions {
  media: MediaService;
  relay: { listenIp: string; ports: { min: number; max: number } };
  meetingId: string;
  participant: MediaParticipant;
  streams: PlainStreamOffer[];
  sendToStatedAddress: boolean;
  /** The address the room is told (SIP_ANNOUNCED_IP). */
  address: string;
  onKey: (key: string) => void;
  /** Relays opened before the room answered (a room we call is offered their ports). */
  relays?: Map<'audio' | 'video', RtpRelay>;
  /** ffmpeg, which makes the prompts' sound (FFMPEG_PATH). */
  ffmpeg?: string | undefined;
}

/**
 * Puts a room's streams on the bridge. Each stream passes through a relay of this process (its remote's keys read on
 * the sound, the program's payload types renumbered on the way down, SRTP taken off and put on again); only SRTP in a
 * suite the relay does not protect goes straight to the bridge. Closes what it opened when the bridge refuses.
 */
export async function openRoomMedia(options: RoomMediaOptions): Promise<RoomMedia> {
  const { streams, sendToStatedAddress } = options;
  const relays: Relays = new Map();
  const close = () => {
    relays.forEach(({ relay }) => relay.close());
    options.relays?.forEach((relay) => relay.close());
  };
  try {
    const onBridge: PlainStreamOffer[] = [];
    for (const stream of streams) {
      if (!relayed(stream) || relays.has(stream.kind)) {
        onBridge.push(stream);
        continue;
      }
      const room = sendToStatedAddress
        ? { address: stream.remote.ip, port: stream.remote.port, rtcpPort: stream.remote.rtcpPort }
        : null;
      const opened = options.relays?.get(stream.kind);
      opened?.sendTo(room);
      const relay =
        opened ??
        (await RtpRelay.open({
          listenIp: options.relay.listenIp,
          ports: options.relay.ports,
          rtcpMux: stream.rtcpMux,
          room,
          telephoneEvent: stream.kind === 'audio' ? (stream.telephoneEvent?.payloadType ?? null) : null,
          onKey: options.onKey,
          srtp: stream.srtp,
        }));
      relays.set(stream.kind, { relay, stream });
      const inner = relay.bridgeFacing;
      onBridge.push({
        ...stream,
        // The relay takes the room's SRTP off: the bridge's side is plain RTP on loopback.
        srtp: null,
        viaRelay: true,
        rtcpMux: true,
        remote: { ip: inner.ip, port: inner.port, rtcpPort: null },
        // The relay renumbers the room's packets to this (a room's SDP often has no SSRC, and it may change).
        ssrc: relay.upstreamSsrc,
      });
    }
    // What reaches the bridge directly is SRTP: answered where its authenticated packets come from (comedia), as a
    // room's media may leave from another address than its signalling (seen with a multi-homed unit).
    const onBridgeAnswers = await options.media.addRoom(options.meetingId, options.participant, onBridge, {
      sendToStatedAddress: false,
      address: options.address,
    });
    const answers = new Map(onBridgeAnswers);
    for (const { relay, stream } of relays.values()) {
      const answer = onBridgeAnswers.get(stream.index);
      if (answer === undefined) {
        continue;
      }
      // What the room sends reaches the bridge's port; the room is told the relay's (and our key, for SRTP).
      relay.connectBridge(answer.port);
      answers.set(stream.index, { ...answer, ...relay.roomFacing, srtp: relay.srtpAnswer });
    }
    const codecOf = (kind: 'audio' | 'video') =>
      streams.find((s) => s.kind === kind && answers.has(s.index))?.codec?.mimeType.split('/')[1] ?? null;

    return {
      answers,
      codecs: { audio: codecOf('audio'), video: codecOf('video') },
      payloadTypesFromBridge(payloadTypes) {
        for (const [kind, { relay, stream }] of relays) {
          const from = payloadTypes.get(kind);
          if (from !== undefined && stream.codec !== null) {
            relay.rewriteDownlink(from, stream.roomPayloadType ?? stream.codec.payloadType);
          }
        }
      },
      say: (words) => sayThrough(relays, words, options.ffmpeg),
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
