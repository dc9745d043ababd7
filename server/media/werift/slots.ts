import { RtpPacket, type RTCPeerConnection, type RTCRtpTransceiver, type RtpHeader } from 'werift';
import type { SlotLabel } from '../MediaBridge.js';
import type { MediaParticipant } from '../routing.js';
import { Vp8IdContinuity } from './vp8Ids.js';

/**
 * The embedded bridge's per-participant bookkeeping: the slots it is sent on, and what it sends in. A slot carries
 * one source at a time; switching sources keeps the receiver's sequence numbers, timestamps and VP8 picture ids
 * running on.
 */

/** Audio slots per participant: the open microphones it hears, mixed by the browser. */
const AUDIO_SLOTS = 6;
/** Receivers that cannot decode repeat their PLI; a short interval keeps a camera from encoding keyframes only. */
const KEYFRAME_MIN_INTERVAL_MS = 250;

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
 * A participant's slots, in the order consoles know them by: program (hub, speaker), audio, thumbnails (staff only),
 * then the shared screen out (content last, so the others keep their places).
 */
export function addSlots(pc: RTCPeerConnection, gridSlots: number): Slot[] {
  const slot = (kind: 'audio' | 'video', purpose: SlotLabel['purpose']): Slot => ({
    label: { mid: '', kind, purpose, source: null, sourcePointId: null },
    transceiver: pc.addTransceiver(kind, { direction: 'sendonly' }),
    sending: null,
    rebase: true,
    lastSentAt: 0,
    vp8: kind === 'video' ? new Vp8IdContinuity() : null,
  });

  return [
    slot('video', 'hub'),
    slot('video', 'speaker'),
    ...Array.from({ length: AUDIO_SLOTS }, () => slot('audio', 'audio')),
    ...Array.from({ length: gridSlots }, () => slot('video', 'grid')),
    slot('video', 'content'),
  ];
}

/** Sends one of `source`'s packets on the slot, re-based if the slot carried another source (or none) before. */
export function forward(slot: Slot, source: string, buffer: Buffer, header: RtpHeader, now: number): void {
  const sender = slot.transceiver.sender;
  if (slot.rebase || slot.sending !== source) {
    // A new source continues the slot's sequence numbers and VP8 picture ids (a receiver drops frames whose id is
    // behind the last it decoded: the new source's bytes arrived and none was decoded), and its timestamps run on
    // by as long as the slot was silent (a reload takes seconds), so the receiver's timing sees the real gap.
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

/** Asks the participant's camera or screen for a key frame, at most once per interval (every receiver may ask). */
export function askKeyframe(peer: Peer, input: Input, now: number): void {
  if (input === 'screen') {
    if (peer.screenSsrc !== null && now - peer.screenKeyframeAskedAt >= KEYFRAME_MIN_INTERVAL_MS) {
      peer.screenKeyframeAskedAt = now;
      void peer.screen.receiver.sendRtcpPLI(peer.screenSsrc).catch(() => undefined);
    }
  } else if (input === 'camera' && peer.cameraSsrc !== null && now - peer.keyframeAskedAt >= KEYFRAME_MIN_INTERVAL_MS) {
    peer.keyframeAskedAt = now;
    void peer.camera.receiver.sendRtcpPLI(peer.cameraSsrc).catch(() => undefined);
  }
}
