import { EventEmitter } from 'node:events';
import type { RTCRtpTransceiver } from 'werift';
import { KeyedQueue } from '../KeyedQueue.js';
import { gatheredSdp, NEGOTIATION_TIMEOUT_MS, SDP_ONLY } from './negotiation.js';
import { createPeer, inputOf, KEYFRAME_MIN_INTERVAL_MS, sendOnSlot, type Input, type Peer } from './peer.js';
import { openUdpTap, type UdpTapSink } from './udpTap.js';
import { DomainError } from '../../domain/core/errors.js';
import { createLogger } from '../../logger.js';
import type { MediaBridge, MediaBridgeEvents, RtpTap, TransportStats } from '../MediaBridge.js';
import type { IceRestart, JoinResult, SlotLabel, TransportOptions } from '../../protocol/mediaWire.js';
import { MAX_GRID_PAGE, type MediaParticipant, type RoutingPlan } from '../routing.js';

const logger = createLogger('WeriftBridge');

export interface WeriftBridgeOptions {
  /** Only this address is offered and used for ICE (loopback in tests; the server's address in production). */
  listenIp?: string | undefined;
  /** UDP port range for ICE. Default the OS's choice. */
  portRange?: [number, number] | undefined;
  /** Thumbnail slots for staff. Default `MAX_GRID_PAGE`. */
  gridSlots?: number;
}

/**
 * The embedded bridge: one werift RTCPeerConnection per participant, offered by the server with fixed slots (its own
 * microphone and camera in; program, audio and thumbnail slots out). RTP from a producer is re-sent on every slot it
 * fills; werift's sender rewrites SSRC and payload type, and a source switch re-bases sequence numbers and timestamps
 * and asks the new source for a keyframe (without one a browser gets bytes but decodes no frame).
 */
export class WeriftBridge implements MediaBridge {
  readonly kind = 'werift' as const;
  readonly #peers = new Map<string, Peer>();
  readonly #emitter = new EventEmitter();
  readonly #listenIp: string | undefined;
  readonly #portRange: [number, number] | undefined;
  readonly #gridSlots: number;
  /** Per meeting: whose microphone flows. */
  readonly #openMics = new Map<string, Set<string>>();
  /** Per participant: the recorder's copies of its camera and microphone. */
  readonly #taps = new Map<string, Set<UdpTapSink>>();
  #closed = false;

  constructor({ listenIp, portRange, gridSlots = MAX_GRID_PAGE }: WeriftBridgeOptions = {}) {
    this.#listenIp = listenIp;
    this.#portRange = portRange;
    this.#gridSlots = gridSlots;
  }

  get closed(): boolean {
    return this.#closed;
  }

  on<E extends keyof MediaBridgeEvents>(event: E, listener: MediaBridgeEvents[E]): void {
    this.#emitter.on(event, listener);
  }

  /** Negotiations run one at a time per participant: a second join or restart waits for the first. */
  readonly #queue = new KeyedQueue({ timeoutMs: NEGOTIATION_TIMEOUT_MS });

  join(meetingId: string, participant: MediaParticipant): Promise<JoinResult> {
    return this.#serial(participant.id, () => this.#join(meetingId, participant));
  }

  async #join(meetingId: string, participant: MediaParticipant): Promise<JoinResult> {
    if (this.#closed) {
      throw new DomainError('MEDIA_UNAVAILABLE', 'Cầu truyền hình đã đóng (media bridge closed)');
    }
    // Joining again before answering gets the same offer: a new peer would change nothing, and werift can stall
    // creating one while an unanswered one closes.
    const existing = this.#peers.get(participant.id);
    if (existing?.pc.signalingState === 'have-local-offer' && existing.offer !== null) {
      return {
        bridge: 'werift',
        offer: existing.offer,
        slots: existing.slots.map((s) => ({ ...s.label })),
        screenMid: existing.screen.mid ?? '',
      };
    }
    this.#leaveNow(participant.id);
    const peer = createPeer({
      meetingId,
      participant,
      listenIp: this.#listenIp,
      portRange: this.#portRange,
      gridSlots: this.#gridSlots,
      onKeyframeWanted: (source, input) => this.#requestKeyframe(source, input),
    });
    const { pc, mic, camera, screen, slots } = peer;
    this.#peers.set(participant.id, peer);
    this.#receive(peer, mic, 'audio');
    this.#receive(peer, camera, 'camera');
    this.#receive(peer, screen, 'screen');
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed') {
        this.#emitter.emit('participantFailed', participant.id, 'ice failed');
      } else if (state === 'connected') {
        // Keyframes asked for when the slots were routed went out before this transport could carry them; a late
        // joiner would receive only delta frames of a running camera and decode nothing. Ask again now.
        slots
          .filter((slot) => slot.label.kind === 'video')
          .forEach((slot) => this.#requestKeyframe(slot.label.source, inputOf(slot)));
      }
    });

    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    for (const slot of slots) {
      slot.label.mid = slot.transceiver.mid ?? '';
    }
    const sdp = await gatheredSdp(pc, this.#listenIp);
    peer.offer = sdp;
    logger.debug({ participantId: participant.id, meetingId }, 'join() | offer ready');

    return { bridge: 'werift', offer: sdp, slots: slots.map((s) => ({ ...s.label })), screenMid: screen.mid ?? '' };
  }

  async answer(participantId: string, sdp: string): Promise<void> {
    const peer = this.#peer(participantId);
    if (!/^v=0\r?\n/.test(sdp) || !sdp.includes('m=')) {
      throw DomainError.validation('SDP không hợp lệ (not an SDP answer)');
    }
    try {
      await peer.pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      throw DomainError.validation(`SDP không hợp lệ (invalid SDP answer): ${(error as Error).message}`.slice(0, 300));
    }
  }

  restartIce(participantId: string): Promise<IceRestart> {
    return this.#serial(participantId, async () => {
      const peer = this.#peer(participantId);
      if (peer.pc.signalingState !== 'stable') {
        throw new DomainError('MEDIA_UNAVAILABLE', 'Hãy trả lời offer trước (answer the current offer first)');
      }
      const offer = await peer.pc.createOffer({ iceRestart: true });
      await peer.pc.setLocalDescription(offer);

      return { offer: await gatheredSdp(peer.pc, this.#listenIp) };
    });
  }

  /**
   * Runs negotiation steps of one participant in order. A peer closed under a step (a newer join, a leave) or a step
   * that hangs inside the WebRTC stack makes that step fail with MEDIA_UNAVAILABLE, never an internal error.
   */
  async #serial<T>(participantId: string, step: () => Promise<T>): Promise<T> {
    try {
      return await this.#queue.run(participantId, step);
    } catch (error) {
      if (error instanceof DomainError) {
        throw error;
      }
      logger.warn({ err: error, participantId }, 'negotiation interrupted');
      throw new DomainError(
        'MEDIA_UNAVAILABLE',
        'Thương lượng truyền hình bị gián đoạn, hãy thử lại (media negotiation interrupted)',
      );
    }
  }

  setRtpCapabilities(): void {
    throw SDP_ONLY();
  }

  createTransport(): Promise<TransportOptions> {
    return Promise.reject(SDP_ONLY());
  }

  connectTransport(): Promise<void> {
    return Promise.reject(SDP_ONLY());
  }

  produce(): Promise<string> {
    return Promise.reject(SDP_ONLY());
  }

  resumeConsumer(): Promise<void> {
    return Promise.reject(SDP_ONLY());
  }

  /** Leaves after any negotiation in flight, so a peer is never closed under its own offer. */
  leave(participantId: string): void {
    void this.#serial(participantId, async () => this.#leaveNow(participantId)).catch(() => undefined);
  }

  #leaveNow(participantId: string): void {
    const peer = this.#peers.get(participantId);
    if (peer === undefined) {
      return;
    }
    this.#peers.delete(participantId);
    this.#taps.delete(participantId);
    // Whoever showed this participant shows nothing now.
    for (const other of this.#peers.values()) {
      for (const slot of other.slots) {
        if (slot.label.source === participantId) {
          slot.label.source = null;
          slot.label.sourcePointId = null;
        }
      }
    }
    // Not awaited: closing a peer that never connected can take werift a long while.
    void peer.pc.close().catch(() => undefined);
  }

  closeMeeting(meetingId: string): void {
    for (const peer of [...this.#peers.values()]) {
      if (peer.meetingId === meetingId) {
        this.leave(peer.participant.id);
      }
    }
    this.#openMics.delete(meetingId);
  }

  /** How many meetings have open-microphone state here (diagnostics and the soak). */
  get meetingCount(): number {
    return this.#openMics.size;
  }

  slotsOf(participantId: string): SlotLabel[] {
    return this.#peers.get(participantId)?.slots.map((s) => ({ ...s.label })) ?? [];
  }

  route(meetingId: string, plan: RoutingPlan): void {
    this.#openMics.set(meetingId, plan.openMics);
    for (const peer of this.#peers.values()) {
      if (peer.meetingId !== meetingId) {
        continue;
      }
      const routing = plan.byParticipant.get(peer.participant.id);
      const video = [routing?.program[0] ?? null, routing?.program[1] ?? null, ...(routing?.grid ?? [])];
      const content = routing?.content ?? null;
      const audio = routing?.audio ?? [];
      let changed = false;
      let v = 0;
      let a = 0;
      for (const slot of peer.slots) {
        const input = inputOf(slot);
        const source = input === 'screen' ? content : input === 'camera' ? (video[v++] ?? null) : (audio[a++] ?? null);
        if (slot.label.source !== source) {
          slot.label.source = source;
          slot.label.sourcePointId = source === null ? null : (this.#peers.get(source)?.participant.pointId ?? null);
          slot.rebase = true;
          changed = true;
          if (slot.label.kind === 'video') {
            this.#requestKeyframe(source, input);
          }
        }
      }
      if (changed) {
        this.#emitter.emit(
          'slots',
          peer.participant.id,
          peer.slots.map((s) => ({ ...s.label })),
        );
      }
    }
  }

  async stats(participantId: string): Promise<TransportStats | null> {
    const peer = this.#peers.get(participantId);
    if (peer === undefined) {
      return null;
    }
    const report = await peer.pc.getStats();
    let bytesIn = 0;
    let bytesOut = 0;
    let packetsLost = 0;
    let rttMs: number | null = null;
    for (const stat of report.values()) {
      const s = stat as unknown as Record<string, number | string | undefined>;
      if (s.type === 'inbound-rtp') {
        bytesIn += Number(s.bytesReceived ?? 0);
        packetsLost += Number(s.packetsLost ?? 0);
      } else if (s.type === 'outbound-rtp') {
        bytesOut += Number(s.bytesSent ?? 0);
      } else if (s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined) {
        rttMs = Number(s.roundTripTime) * 1000;
      }
    }

    return { participantId, bytesIn, bytesOut, packetsLost, rttMs, state: peer.pc.connectionState };
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    const peers = [...this.#peers.values()];
    this.#peers.clear();
    await Promise.allSettled(peers.map((p) => p.pc.close()));
  }

  #peer(participantId: string): Peer {
    const peer = this.#peers.get(participantId);
    if (peer === undefined) {
      throw new DomainError('NOT_FOUND', 'Chưa tham gia truyền hình (media not joined)');
    }

    return peer;
  }

  /** Forwards a participant's incoming track to every slot it fills (audio only while its microphone is open). */
  #receive(peer: Peer, transceiver: RTCRtpTransceiver, input: Input): void {
    transceiver.onTrack.subscribe((track) => {
      if (input === 'audio') {
        peer.micSsrc = track.ssrc ?? null;
      } else if (input === 'camera') {
        peer.cameraSsrc = track.ssrc ?? null;
        this.#requestKeyframe(peer.participant.id);
      } else {
        peer.screenSsrc = track.ssrc ?? null;
        this.#requestKeyframe(peer.participant.id, 'screen');
      }
      track.onReceiveRtp.subscribe((rtp) => {
        if (input === 'audio' && !this.#openMics.get(peer.meetingId)?.has(peer.participant.id)) {
          return; // paused at the bridge
        }
        let buffer: Buffer | null = null;
        for (const tap of this.#taps.get(peer.participant.id) ?? []) {
          if (tap.input === input && tap.send !== null) {
            buffer ??= rtp.serialize();
            tap.send(buffer);
          }
        }
        for (const other of this.#peers.values()) {
          if (other.meetingId !== peer.meetingId || other === peer) {
            continue;
          }
          for (const slot of other.slots) {
            if (slot.label.source === peer.participant.id && inputOf(slot) === input) {
              buffer ??= rtp.serialize();
              sendOnSlot(slot, peer.participant.id, buffer, rtp.header, Date.now());
            }
          }
        }
      });
    });
  }

  /** The recorder's copy of a participant's camera or microphone; null until the browser sends that track. */
  async tap(
    participantId: string,
    kind: 'audio' | 'video',
    target: { port: number; rtcpPort: number },
    screen = false,
  ): Promise<RtpTap | null> {
    const peer = this.#peers.get(participantId);
    const input: Input = kind === 'audio' ? 'audio' : screen ? 'screen' : 'camera';
    const ssrc = { audio: peer?.micSsrc, camera: peer?.cameraSsrc, screen: peer?.screenSsrc }[input];
    if (peer === undefined || ssrc == null) {
      return null;
    }
    let sinks = this.#taps.get(participantId);
    if (sinks === undefined) {
      sinks = new Set();
      this.#taps.set(participantId, sinks);
    }

    return openUdpTap(sinks, input, target, () => {
      // The recorder waits for a key frame like any receiver; it is not rate-limited away.
      if (input === 'screen') {
        peer.screenKeyframeAskedAt = 0;
      } else {
        peer.keyframeAskedAt = 0;
      }
      this.#requestKeyframe(participantId, input);
    });
  }

  #requestKeyframe(participantId: string | null, input: Input = 'camera'): void {
    const peer = participantId === null ? undefined : this.#peers.get(participantId);
    const now = Date.now();
    if (peer === undefined || input === 'audio') {
      return;
    }
    // Every receiver of a source may ask at once (and browsers repeat until they decode): one PLI per interval.
    if (input === 'screen') {
      if (peer.screenSsrc !== null && now - peer.screenKeyframeAskedAt >= KEYFRAME_MIN_INTERVAL_MS) {
        peer.screenKeyframeAskedAt = now;
        void peer.screen.receiver.sendRtcpPLI(peer.screenSsrc).catch(() => undefined);
      }
    } else if (peer.cameraSsrc !== null && now - peer.keyframeAskedAt >= KEYFRAME_MIN_INTERVAL_MS) {
      peer.keyframeAskedAt = now;
      void peer.camera.receiver.sendRtcpPLI(peer.cameraSsrc).catch(() => undefined);
    }
  }

  stopScreen(): void {
    // Nothing to close: the console stops sending on its screen transceiver, and the routing empties the slots.
  }
}
