import type { SlotLabel } from '../../../server/protocol/mediaWire.js';
import { request, type MeetingSocket } from '../../../server/protocol/client.js';
import { inboundByMid, SCREEN_ENCODING, type InboundStats, type MediaSession, type SlotSink } from './MediaSession.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SdpSessionOptions {
  socket: MeetingSocket;
  sink: SlotSink;
  /** Asked when ICE cannot be restarted: the media client joins again. */
  onLost: () => void;
  /** Relay servers (TURN) for a room whose network blocks the direct path. */
  iceServers: RTCIceServer[];
}

/**
 * The embedded bridge's session: one RTCPeerConnection answering the bridge's offer, the camera and microphone on
 * its first audio and video transceivers, one receive slot per other transceiver (labelled by `mid`). After a network
 * change it restarts ICE with a new offer from the bridge.
 */
export class SdpSession implements MediaSession {
  readonly #options: SdpSessionOptions;
  readonly #pc: RTCPeerConnection;
  readonly #labels = new Map<string, SlotLabel>();
  #screen: RTCRtpTransceiver | null = null;
  #restarting = false;
  #closed = false;

  private constructor(options: SdpSessionOptions) {
    this.#options = options;
    this.#pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers: options.iceServers });
  }

  /** Answers the bridge's offer with the local tracks (either may be missing: the point then only receives). */
  static async open(
    options: SdpSessionOptions,
    offer: { offer: string; slots: SlotLabel[]; screenMid: string },
    local: MediaStream | null,
  ): Promise<SdpSession> {
    const session = new SdpSession(options);
    await session.#negotiate(offer, local);

    return session;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#pc.connectionState;
  }

  async stats(): Promise<RTCStatsReport[]> {
    return [await this.#pc.getStats()];
  }

  async inbound(): Promise<Map<string, InboundStats>> {
    return inboundByMid(await this.#pc.getStats());
  }

  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    await this.#pc
      .getSenders()
      .find((s) => s.track?.kind === kind)
      ?.replaceTrack(track);
  }

  async shareScreen(track: MediaStreamTrack | null): Promise<void> {
    const sender = this.#screen?.sender;
    if (sender === undefined) {
      return;
    }
    await sender.replaceTrack(track);
    if (track !== null) {
      const parameters = sender.getParameters();
      parameters.encodings = [{ ...parameters.encodings[0], ...SCREEN_ENCODING }];
      parameters.degradationPreference = 'maintain-resolution';
      await sender.setParameters(parameters).catch(() => undefined);
    }
  }

  close(): void {
    this.#closed = true;
    this.#pc.close();
  }

  /** New labels from the bridge (`media:slots`). */
  label(labels: SlotLabel[]): void {
    labels.forEach((l) => this.#labels.set(l.mid, l));
    this.#options.sink.label(labels);
  }

  async #negotiate(
    { offer, slots, screenMid }: { offer: string; slots: SlotLabel[]; screenMid: string },
    local: MediaStream | null,
  ): Promise<void> {
    const pc = this.#pc;
    pc.ontrack = (event) => {
      const label = this.#labels.get(event.transceiver.mid ?? '');
      if (label !== undefined) {
        this.#options.sink.attach(label, event.track);
      }
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed' || pc.iceConnectionState === 'disconnected') {
        void this.#restartIce();
      }
    };
    // Label the slots first: tracks arrive while the offer is applied.
    this.label(slots);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    // A shared screen goes on its own transceiver, ready to send without renegotiating.
    this.#screen = pc.getTransceivers().find((t) => t.mid === screenMid) ?? null;
    if (this.#screen !== null) {
      this.#screen.direction = 'sendonly';
    }
    // The bridge's first audio and video transceivers receive from us: put our microphone and camera there.
    for (const kind of ['audio', 'video'] as const) {
      const transceiver = pc
        .getTransceivers()
        .find((t) => t.receiver.track.kind === kind && !this.#labels.has(t.mid ?? '') && t !== this.#screen);
      const track = local?.getTracks().find((t) => t.kind === kind);
      if (transceiver !== undefined && track !== undefined) {
        transceiver.direction = 'sendonly';
        await transceiver.sender.replaceTrack(track);
      } else if (transceiver !== undefined) {
        transceiver.direction = 'inactive';
      }
    }
    await this.#answer();
  }

  async #answer(): Promise<void> {
    const pc = this.#pc;
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    const ack = await request(this.#options.socket, 'media:answer', { sdp: pc.localDescription?.sdp ?? '' });
    if (!ack.ok) {
      throw new Error(`${ack.error.code}: ${ack.error.message}`);
    }
  }

  /** After a network change: new ICE credentials and candidates, same slots. */
  async #restartIce(): Promise<void> {
    if (this.#restarting || this.#closed) {
      return;
    }
    this.#restarting = true;
    try {
      await wait(2000);
      const state = this.#pc.iceConnectionState;
      if (this.#closed || state === 'connected' || state === 'completed') {
        return;
      }
      const ack = await request(this.#options.socket, 'media:restart', {});
      if (ack.ok && 'offer' in ack.restart) {
        // Fresh relay credentials: the old ones may have run out while the network was away.
        this.#pc.setConfiguration({ ...this.#pc.getConfiguration(), iceServers: ack.ice.iceServers });
        await this.#pc.setRemoteDescription({ type: 'offer', sdp: ack.restart.offer });
        await this.#answer();
      } else {
        this.#options.onLost();
      }
    } finally {
      this.#restarting = false;
    }
  }
}

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') {
    return;
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      if (pc.iceGatheringState === 'complete') {
        pc.removeEventListener('icegatheringstatechange', done);
        resolve();
      }
    };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, 3000);
  });
}
