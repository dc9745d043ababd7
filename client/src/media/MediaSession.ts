import type { SlotLabel } from '../../../server/protocol/mediaWire.js';

/** What one receive slot has decoded so far, from the browser's own `getStats()`. */
export interface InboundStats {
  framesDecoded: number;
  bytesReceived: number;
  /** Size of the last decoded frame (video), 0 before the first. */
  frameWidth: number;
  frameHeight: number;
  /** Audio: the energy received so far (it grows while sound, not silence, arrives). */
  audioEnergy: number;
}

/** How a session tells the media client what its slots show. */
export interface SlotSink {
  /** New or relabelled slots (labels only; their streams stay). */
  label(labels: SlotLabel[]): void;
  /** A slot's media arrived. */
  attach(label: SlotLabel, track: MediaStreamTrack): void;
  /** Slots that closed. */
  drop(slotIds: string[]): void;
}

/**
 * One connection to a bridge, as the media client sees it: the embedded bridge's single peer connection negotiated
 * with SDP, or mediasoup's send and receive transports. The media client replaces the session when it rejoins.
 */
export interface MediaSession {
  /** The worst state of the session's connections (`connected` only when every one is). */
  readonly connectionState: RTCPeerConnectionState;
  /** The browser's stats of every connection of the session. */
  stats(): Promise<RTCStatsReport[]>;
  /** Inbound stats per receive slot id. */
  inbound(): Promise<Map<string, InboundStats>>;
  /** Puts another camera or microphone track on the bridge without renegotiating. */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void>;
  /** Sends a shared screen (or, with `null`, stops sending one). */
  shareScreen(track: MediaStreamTrack | null): Promise<void>;
  /** Closes the session's connections and stops listening. Idempotent. */
  close(): void;
}

/**
 * A shared screen is sent for legibility: full resolution, a few frames a second, its own budget (a weak link gets a
 * sharp still rather than a blurred moving picture).
 */
export const SCREEN_ENCODING: RTCRtpEncodingParameters = { maxBitrate: 1_500_000, maxFramerate: 5 };

const toInbound = (s: Record<string, unknown>): InboundStats => ({
  framesDecoded: Number(s.framesDecoded ?? 0),
  bytesReceived: Number(s.bytesReceived ?? 0),
  frameWidth: Number(s.frameWidth ?? 0),
  frameHeight: Number(s.frameHeight ?? 0),
  audioEnergy: Number(s.totalAudioEnergy ?? 0),
});

/** Inbound RTP entries of one stats report (a mediasoup consumer's report has exactly one). */
export function inboundOf(report: RTCStatsReport): InboundStats[] {
  const out: InboundStats[] = [];
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp') {
      out.push(toInbound(s));
    }
  });

  return out;
}

/** Inbound RTP of a peer connection per `mid`. */
export function inboundByMid(report: RTCStatsReport): Map<string, InboundStats> {
  const out = new Map<string, InboundStats>();
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && typeof s.mid === 'string') {
      out.set(s.mid, toInbound(s));
    }
  });

  return out;
}

const ORDER: RTCPeerConnectionState[] = ['closed', 'failed', 'disconnected', 'new', 'connecting', 'connected'];

/** The worst of several connection states: one failed transport fails the session. */
export function worstState(states: RTCPeerConnectionState[]): RTCPeerConnectionState {
  return states.reduce<RTCPeerConnectionState>(
    (worst, s) => (ORDER.indexOf(s) < ORDER.indexOf(worst) ? s : worst),
    'connected',
  );
}
