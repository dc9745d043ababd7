import type {
  ConsumerOptions,
  DownlinkView,
  IceRestart,
  JoinResult,
  SlotLabel,
  TransportOptions,
} from '../protocol/mediaWire.js';
import type { MediaParticipant, RoutingPlan } from './routing.js';

export interface TransportStats {
  participantId: string;
  bytesIn: number;
  bytesOut: number;
  packetsLost: number;
  rttMs: number | null;
  state: string;
  /** mediasoup: the layer the participant's link carries and why. */
  downlink?: DownlinkView;
}

/** A plain-RTP copy of one camera or microphone, sent to a local port (the recorder). */
export interface RtpTap {
  codec: { mimeType: string; payloadType: number; clockRate: number; channels: number | null };
  /** Starts the flow (once the receiver listens) and asks for a key frame. */
  start(): Promise<void>;
  requestKeyFrame(): Promise<void>;
  close(): void;
}

/** One end of a media pipe between two coordinators' bridges (linked meetings): UDP with SRTP, no ICE. */
export interface PipeEndpoint {
  ip: string;
  port: number;
  srtpParameters: unknown;
}

/** A producer as it crosses a pipe: what the far side produces from (all simulcast layers cross). */
export interface PipedProducer {
  kind: 'audio' | 'video';
  rtpParameters: unknown;
}

/** What of a participant crosses a pipe: its camera and microphone, or its shared screen. */
export type PipedMedia = 'camera' | 'screen';

/**
 * Media pipes between bridges on different hosts (mediasoup's pipeToRouter steps done by hand, the parameters carried
 * by the link between coordinators). One pipe per linked pair of meetings.
 */
export interface MediaPipes {
  /** Creates this side's pipe transport for a meeting (idempotent per pipe id) and says where it listens. */
  open(meetingId: string, pipeId: string): Promise<PipeEndpoint>;
  /** Connects this side to the far side's endpoint (once). */
  connect(pipeId: string, remote: PipeEndpoint): Promise<void>;
  /**
   * Sends a participant's camera and microphone, or its shared screen, through the pipe (idempotent); empty while it
   * produces nothing of that.
   */
  send(pipeId: string, participantId: string, what?: PipedMedia): Promise<PipedProducer[]>;
  /** Stops sending that of a participant through the pipe. */
  unsend(pipeId: string, participantId: string, what?: PipedMedia): void;
  /**
   * Puts what the far side sends on this bridge as a participant of the pipe's meeting (replacing an earlier one); a
   * relayed screen's picture is that participant's shared screen.
   */
  receive(pipeId: string, participant: MediaParticipant, producers: PipedProducer[]): Promise<void>;
  /** Closes the pipe, what it sent and the participants it brought. Idempotent. */
  close(pipeId: string): void;
}

/** A codec as a room system's SDP states it (mediasoup's RtpCodecParameters shape). */
export interface PlainCodec {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters: Record<string, string | number>;
}

/** SDES keying (`a=crypto`): the suite and the sender's key. */
export interface SrtpKey {
  cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM' | 'AEAD_AES_256_GCM';
  keyBase64: string;
  /** The crypto line's tag, echoed in the answer. */
  tag: number;
  /** The key carries a master key identifier (each packet then does too). */
  mki?: boolean;
}

/** One m-line of a room system's offer, read (server/sip/sdp.ts). */
export interface PlainStreamOffer {
  index: number;
  kind: 'audio' | 'video';
  /** The m-line's media as written (`audio`, `video`, `application`…), echoed in the answer. */
  media: string;
  protocol: string;
  /** The codec the bridge takes from this stream, or `null` when it forwards none it offers (refused). */
  codec: PlainCodec | null;
  /** The payload type the room receives this codec with, when not the one it sends with (a room we called). */
  roomPayloadType?: number;
  remote: { ip: string; port: number; rtcpPort: number | null };
  /** Audio: the telephone-event payload type the room offered (its remote's keys), or `null`. */
  telephoneEvent: { payloadType: number; clockRate: number } | null;
  rtcpMux: boolean;
  /** The stream reaches the bridge through a relay of this process on loopback (plain RTP sound: DTMF is read there). */
  viaRelay?: boolean;
  ssrc: number | null;
  srtp: SrtpKey | null;
  /** `slides`: a second video (content) rather than the room's camera. */
  content: 'main' | 'slides';
}

/** Where the bridge receives a stream, for the answer. */
export interface PlainStreamAnswer {
  ip: string;
  port: number;
  /** `null` with RTCP multiplexed on the RTP port. */
  rtcpPort: number | null;
  srtp: SrtpKey | null;
}

/** Where the bridge receives one of the program's streams. */
export interface ProgramPorts {
  port: number;
  rtcpPort: number;
}

/** The program's RTP as the encoder sends it: payload types and SSRCs (server/program/format.ts). */
export interface ProgramRtp {
  video: { payloadType: number; ssrc: number; profileLevelId: string };
  /** The same picture in H.264 packetization-mode 0 (every NAL unit fits a packet), for rooms that take only that. */
  videoSingleNal: { payloadType: number; ssrc: number };
  /** The sound in each codec a room may take: the mix, and the mix without the floor holder ("minus"). */
  sounds: readonly ProgramSound[];
}

export interface ProgramSound {
  name: string;
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels: number;
  ssrc: Record<ProgramMix, number>;
}

export type ProgramMix = 'mix' | 'minus';

/** Where the bridge takes each of the program's streams: its picture, and each sound by `<mix>:<codec name>`. */
export interface ProgramInputs {
  video: ProgramPorts;
  videoSingleNal: ProgramPorts;
  sounds: Map<`${ProgramMix}:${string}`, ProgramPorts>;
}

/** A stream's reception as the room's link health reads it (RTCP and the bridge's counters). */
export interface PlainStreamStats {
  kind: 'audio' | 'video';
  bytesReceived: number;
  packetsLost: number;
  jitter: number;
  rttMs: number | null;
  /** Share of packets lost lately, 0–1 (RTCP receiver report). */
  fractionLost: number;
  bitrate: number;
}

/**
 * Hardware room systems on the bridge (mediasoup): one PlainTransport per m-line, what the room sends its
 * participant's camera and microphone, and key-frame requests both ways.
 */
export interface PlainRooms {
  /** Puts a room on the bridge as a participant of a meeting (replacing an earlier one of the same id). */
  open(
    meetingId: string,
    participant: MediaParticipant,
    streams: PlainStreamOffer[],
    options: {
      /** Send to the address the SDP states at once; otherwise only where the room's packets come from (comedia). */
      sendToStatedAddress: boolean;
      /** The address the room is told to send to (SIP_ANNOUNCED_IP, else the address its call reached). */
      address: string;
    },
  ): Promise<Map<number, PlainStreamAnswer>>;
  /**
   * The program encoder's output on the bridge (server/program): loopback ports it sends its picture and, in each
   * codec, its sound and its sound without the floor holder to (RTP, and RTCP on a port of its own: ffmpeg sends its
   * reports from another socket). Idempotent per meeting.
   */
  openProgram(meetingId: string, rtp: ProgramRtp): Promise<ProgramInputs>;
  closeProgram(meetingId: string): void;
  /**
   * A room receives the program: its picture, and the sound with or without the floor holder's voice (its own when
   * it holds the floor). Returns, per kind, the payload type the bridge sends it with (a relay may rewrite it to the
   * one the room asked for). Kinds the room's codecs cannot take from the program are left out.
   */
  receiveProgram(participantId: string, sound: ProgramMix): Promise<Map<'audio' | 'video', number>>;
  /**
   * Copies the program as the encoder sent it (its H.264 picture, or its sound as Opus) to a local port, for a process
   * on this machine (the live stream's ffmpeg); `null` while the meeting has no program.
   */
  tapProgram(meetingId: string, kind: 'audio' | 'video', target: ProgramPorts): Promise<RtpTap | null>;
  /** The room asked for a key frame (SIP INFO picture fast update): asks the sources it receives. */
  keyFrameRequested(participantId: string): Promise<void>;
  /** Reception from the room, per stream. */
  streamStats(participantId: string): Promise<PlainStreamStats[]>;
}

export interface MediaBridgeEvents {
  /** The slots a participant receives changed (labels for its consoles). */
  slots: (participantId: string, slots: SlotLabel[]) => void;
  /** The bridge lost a participant's media (ICE failed, peer closed); the client should reconnect media. */
  participantFailed: (participantId: string, reason: string) => void;
  /** The whole bridge failed (a dead worker); every participant should reconnect media. */
  failure: (reason: string) => void;
  /** mediasoup: new consumers for a participant to consume (paused until it resumes them). */
  consumers: (participantId: string, consumers: ConsumerOptions[]) => void;
  /** mediasoup: consumers closed for a participant. */
  consumersClosed: (participantId: string, consumerIds: string[]) => void;
  /** A participant can now consume or produce more (capabilities, a receive transport, a producer): route again. */
  changed: (participantId: string) => void;
  /** mediasoup: what a participant's link lets through changed (a layer down or up, or no picture). */
  downlink: (participantId: string, view: DownlinkView) => void;
  /** mediasoup: the bridge wants a key frame from a room system's camera (sent to it as SIP INFO as well). */
  keyFrameWanted: (participantId: string) => void;
  /** mediasoup: the loudest open microphone of a meeting changed (ActiveSpeakerObserver). */
  activeSpeaker: (meetingId: string, participantId: string) => void;
}

/**
 * The media bridge port. The meeting decides who receives what (`planRouting`); the bridge carries it. Embedded
 * (`WeriftBridge`, pure TypeScript) for small meetings and CI; mediasoup (`MediasoupBridge`) in production.
 */
export interface MediaBridge {
  readonly kind: 'werift' | 'mediasoup';
  readonly closed: boolean;
  /** Media worker processes that died (each replaced) since the start; absent where there are none (embedded). */
  readonly workerDeaths?: number;
  /** Adds a participant of a meeting and starts its negotiation. */
  join(meetingId: string, participant: MediaParticipant): Promise<JoinResult>;
  /** The participant's SDP answer to the bridge's offer (embedded). */
  answer(participantId: string, sdp: string): Promise<void>;
  /** Restarts ICE after the participant's network changed: a new offer (embedded) or new ICE parameters. */
  restartIce(participantId: string): Promise<IceRestart>;
  /** mediasoup steps (the embedded bridge refuses them: it negotiates with SDP). */
  setRtpCapabilities(participantId: string, rtpCapabilities: unknown): void;
  createTransport(participantId: string, direction: 'send' | 'recv'): Promise<TransportOptions>;
  connectTransport(participantId: string, transportId: string, dtlsParameters: unknown): Promise<void>;
  produce(
    participantId: string,
    transportId: string,
    kind: 'audio' | 'video',
    rtpParameters: unknown,
    screen?: boolean,
  ): Promise<string>;
  /** The participant stopped sharing its screen: its screen producer (if any) closes. */
  stopScreen(participantId: string): void;
  resumeConsumer(participantId: string, consumerId: string): Promise<void>;
  /** Removes a participant and everything it produced or consumed. Idempotent. */
  leave(participantId: string): void;
  /**
   * The meeting is over on this bridge: whoever is still on it leaves, and its rooms (mediasoup routers and pipes)
   * close. Idempotent; a later join opens them again.
   */
  closeMeeting(meetingId: string): void;
  /** How many meetings hold media rooms on this bridge now. */
  readonly meetingCount: number;
  /** What a participant's slots show now. */
  slotsOf(participantId: string): SlotLabel[];
  /** Carries a meeting's routing: fills slots, pauses the microphones the plan keeps closed. */
  route(meetingId: string, plan: RoutingPlan): void;
  stats(participantId: string): Promise<TransportStats | null>;
  /**
   * Copies a participant's camera or microphone as plain RTP to a local port (the recorder's ffmpeg), or `null` when it
   * sends none yet. mediasoup through a PlainTransport; the embedded bridge re-sends the packets it receives.
   */
  tap?(
    participantId: string,
    kind: 'audio' | 'video',
    target: { port: number; rtcpPort: number },
    /** Video: the participant's shared screen rather than its camera. */
    screen?: boolean,
  ): Promise<RtpTap | null>;
  /** Hardware room systems over plain RTP (mediasoup); absent on the embedded bridge. */
  readonly plain?: PlainRooms;
  /** Media pipes to other coordinators' bridges (mediasoup); absent on the embedded bridge. */
  readonly pipes?: MediaPipes;
  on<E extends keyof MediaBridgeEvents>(event: E, listener: MediaBridgeEvents[E]): void;
  /** Closes every peer. Idempotent. */
  close(): Promise<void>;
}
