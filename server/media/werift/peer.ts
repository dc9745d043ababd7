import {
  PictureLossIndication,
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  RtpPacket,
  type RtcpPacket,
  type RTCRtpTransceiver,
  type RtpHeader,
} from 'werift';
import type { SlotLabel } from '../../protocol/mediaWire.js';
import type { MediaParticipant } from '../routing.js';
import { OPUS, VP8 } from './negotiation.js';
import { Vp8IdContinuity } from './vp8Ids.js';

/** Receive slots per participant: program (hub, speaker), audio mix, thumbnails for staff. */
const AUDIO_SLOTS = 6;
/** Receivers that cannot decode repeat their PLI; a short interval keeps a camera from encoding keyframes only. */
export const KEYFRAME_MIN_INTERVAL_MS = 250;

export interface Slot {
  label: SlotLabel;
  transceiver: RTCRtpTransceiver;
  /** The source whose packets we are sending; switching sources re-bases sequence numbers and timestamps. */
  sending: string | null;
  rebase: boolean;
  /** When the slot last sent a packet (epoch ms; 0 before the first). */
  lastSentAt: number;
  /** Video slots: VP8 picture ids carried on across sources. */
  vp8: Vp8IdContinuity | null;
}

/** What a participant sends in: its microphone, its camera, its shared screen. */
export type Input = 'audio' | 'camera' | 'screen';

/** The input a slot carries: content slots the shared screen, other video slots the camera. */
export const inputOf = (slot: Slot): Input =>
  slot.label.kind === 'audio' ? 'audio' : slot.label.purpose === 'content' ? 'screen' : 'camera';

export interface Peer {
  participant: MediaParticipant;
  meetingId: string;
  pc: RTCPeerConnection;
  mic: RTCRtpTransceiver;
  camera: RTCRtpTransceiver;
  /** Receives a shared screen (idle until the console shares one). */
  screen: RTCRtpTransceiver;
  slots: Slot[];
  micSsrc: number | null;
  cameraSsrc: number | null;
  screenSsrc: number | null;
  /** The offer made, until answered. */
  offer: string | null;
  /** When a keyframe was last asked of this participant's camera, and of its screen (epoch ms). */
  keyframeAskedAt: number;
  screenKeyframeAskedAt: number;
}

/**
 * A participant's peer connection as the embedded bridge offers it: its microphone, camera and screen in, then its
 * fixed slots out (program, audio, thumbnails for staff, content last so that the others keep their places). A
 * browser's request for a key frame on a slot is passed on for whoever fills that slot.
 */
export function createPeer({
  meetingId,
  participant,
  listenIp,
  portRange,
  gridSlots,
  onKeyframeWanted,
}: {
  meetingId: string;
  participant: MediaParticipant;
  listenIp: string | undefined;
  portRange: [number, number] | undefined;
  gridSlots: number;
  onKeyframeWanted: (source: string | null, input: Input) => void;
}): Peer {
  const pc = new RTCPeerConnection({
    codecs: { audio: [OPUS()], video: [VP8()] },
    // One ICE/DTLS transport per participant, not one per slot.
    bundlePolicy: 'max-bundle',
    ...(listenIp === undefined
      ? {}
      : {
          iceAdditionalHostAddresses: [listenIp],
          // Talk only to the peer's candidates on our own network (loopback in tests).
          iceFilterCandidatePair: (pair) =>
            pair.remoteCandidate.host === listenIp && pair.localCandidate.host === listenIp,
        }),
    ...(portRange === undefined ? {} : { icePortRange: portRange }),
  });
  const mic = pc.addTransceiver('audio', { direction: 'recvonly' });
  const camera = pc.addTransceiver('video', { direction: 'recvonly' });
  const slots: Slot[] = [];
  const addSlot = (kind: 'audio' | 'video', purpose: SlotLabel['purpose']) => {
    const transceiver = pc.addTransceiver(kind, { direction: 'sendonly' });
    const slot: Slot = {
      label: { mid: '', kind, purpose, source: null, sourcePointId: null },
      transceiver,
      sending: null,
      rebase: true,
      lastSentAt: 0,
      vp8: kind === 'video' ? new Vp8IdContinuity() : null,
    };
    slots.push(slot);
  };
  addSlot('video', 'hub');
  addSlot('video', 'speaker');
  for (let i = 0; i < AUDIO_SLOTS; i += 1) {
    addSlot('audio', 'audio');
  }
  if (participant.role !== 'point') {
    for (let i = 0; i < gridSlots; i += 1) {
      addSlot('video', 'grid');
    }
  }
  // Content last, so the slots above keep the places consoles know them by: the shared screen out, and in.
  addSlot('video', 'content');
  const screen = pc.addTransceiver('video', { direction: 'recvonly' });
  // A browser that lost a slot's picture asks for a keyframe; pass it to whoever fills that slot. werift hands a
  // PLI to whatever matches the browser's *sender* SSRC first (often our receiver of its camera), so listen on
  // every transceiver and find the slot by the PLI's media SSRC.
  const onFeedback = (packet: RtcpPacket) => {
    if (packet instanceof RtcpPayloadSpecificFeedback && packet.feedback instanceof PictureLossIndication) {
      const { mediaSsrc } = packet.feedback;
      const lost = slots.find((s) => s.label.kind === 'video' && s.transceiver.sender.ssrc === mediaSsrc);
      onKeyframeWanted(lost?.label.source ?? null, lost === undefined ? 'camera' : inputOf(lost));
    }
  };
  for (const transceiver of [mic, camera, screen, ...slots.map((s) => s.transceiver)]) {
    transceiver.sender.onRtcp.subscribe(onFeedback);
    transceiver.receiver.onRtcp.subscribe(onFeedback);
  }

  return {
    participant,
    meetingId,
    pc,
    mic,
    camera,
    screen,
    slots,
    micSsrc: null,
    cameraSsrc: null,
    screenSsrc: null,
    offer: null,
    keyframeAskedAt: 0,
    screenKeyframeAskedAt: 0,
  };
}

/**
 * Sends a source's packet on a slot. A new source continues the slot's sequence numbers and VP8 picture ids (a
 * receiver drops frames whose id is behind the last it decoded: the new source's bytes arrived and none was decoded),
 * and its timestamps run on by as long as the slot was silent (a reload takes seconds), so the receiver's timing sees
 * the real gap.
 */
export function sendOnSlot(slot: Slot, source: string, buffer: Buffer, header: RtpHeader, now: number): void {
  const sender = slot.transceiver.sender;
  if (slot.rebase || slot.sending !== source) {
    const silentTicks = slot.lastSentAt === 0 ? 0 : (now - slot.lastSentAt) * (slot.label.kind === 'audio' ? 48 : 90);
    sender.replaceRTP(
      { sequenceNumber: header.sequenceNumber, timestamp: (header.timestamp - silentTicks) >>> 0 },
      true,
    );
    slot.sending = source;
    slot.rebase = false;
    slot.vp8?.switchSource();
  }
  slot.lastSentAt = now;
  const packet = RtpPacket.deSerialize(buffer);
  if (slot.vp8 !== null) {
    packet.payload = slot.vp8.rewrite(packet.payload);
  }
  void sender.sendRtp(packet).catch(() => undefined);
}
