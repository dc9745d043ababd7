/**
 * The shapes media negotiation sends to a console (either bridge), as the protocol's: the bridges produce them, the
 * browser reads them, and neither side's code is imported by the other for them.
 */

/**
 * Why a receiver gets the layer it gets, for the technician and the point: it has just joined (the top layer comes
 * after a clean wait), nothing holds it back, losses brought it down, or a layer up is being tried (a loss now counts
 * as a failed try).
 */
export const DOWNLINK_REASONS = ['starting', 'clear', 'loss', 'trying'] as const;
export type DownlinkReason = (typeof DOWNLINK_REASONS)[number];

/** What a participant's browser shows in each receive slot (its transceiver `mid`). */
export interface SlotLabel {
  mid: string;
  kind: 'audio' | 'video';
  purpose: 'hub' | 'speaker' | 'content' | 'grid' | 'audio';
  /** The participant whose media fills the slot, or `null` while empty. */
  source: string | null;
  /** The point that participant is the room of (`null` for the hub's consoles), for captions. */
  sourcePointId: string | null;
}

/** Negotiation a participant starts with: the embedded bridge offers SDP; mediasoup sends router capabilities. */
export type JoinResult =
  | {
      bridge: 'werift';
      offer: string;
      slots: SlotLabel[];
      /** The transceiver a shared screen is sent on (idle until the console shares one). */
      screenMid: string;
    }
  | { bridge: 'mediasoup'; routerRtpCapabilities: unknown };

/** What a participant sends: its microphone, its camera, or a shared screen. */
export type MediaSource = 'audio' | 'camera' | 'screen';

/** What a mediasoup-client Device needs to open a transport. */
export interface TransportOptions {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown;
  dtlsParameters: unknown;
}

/** What a mediasoup-client transport needs to consume one producer (created paused; resume after). */
export interface ConsumerOptions {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
  purpose: SlotLabel['purpose'];
  source: string;
  sourcePointId: string | null;
}

export type IceRestart = { offer: string } | { transports: { id: string; iceParameters: unknown }[] };

/** What a receiver's link lets through now (mediasoup's simulcast layers, 0–2; `-1`: no picture, the sound kept). */
export interface DownlinkView {
  /** The highest layer its link is trusted with. */
  ceiling: number;
  reason: DownlinkReason;
  /** The layer its main picture is forwarded in now (`null`: none received). */
  layer: number | null;
  /**
   * The highest layer the main picture's sender sends now (`null`: not known). Below the ceiling, a low picture is
   * the sender's doing (a loaded browser drops its upper layers), not the receiver's link.
   */
  source: number | null;
}

/** An ICE server (STUN or TURN) a console is given. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The ICE servers a console uses, and until when their credentials are good (null: none to renew). */
export interface IceServers {
  iceServers: IceServer[];
  expiresAt: number | null;
}
