import type { JoinResult, SlotLabel } from '../../../server/media/MediaBridge.js';
import type { RtpCapabilities, RtpParameters, TransportOptions } from 'mediasoup-client/types';
import { request, type MeetingSocket } from '../../../server/protocol/client.js';

export interface MediaClientOptions {
  socket: MeetingSocket;
  /** Camera and microphone to use (from `enumerateDevices`); default the system's. */
  cameraId?: string;
  microphoneId?: string;
  /** Called whenever slots gain a stream or change source. */
  onChange?: () => void;
}

export interface SlotView extends SlotLabel {
  stream: MediaStream | null;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The browser side of the media bridge. Embedded bridge: a plain RTCPeerConnection answering the bridge's offer,
 * its camera and microphone on the offered receive slots, and one stream per send slot (program, audio, grid).
 * Reconnects media after a network change with an ICE restart, and fully when the server asks.
 */
export class MediaClient {
  readonly #options: MediaClientOptions;
  #pc: RTCPeerConnection | null = null;
  #local: MediaStream | null = null;
  #slots = new Map<string, SlotView>();
  #restarting = false;
  #closed = false;

  constructor(options: MediaClientOptions) {
    this.#options = options;
    options.socket.on('media:slots', ({ slots }) => this.#label(slots));
    options.socket.on('media:reconnect', () => void this.#rejoin());
  }

  get slots(): SlotView[] {
    return [...this.#slots.values()];
  }

  get localStream(): MediaStream | null {
    return this.#local;
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.#pc;
  }

  /** Opens camera and microphone and joins the bridge. */
  async start(): Promise<void> {
    const { cameraId, microphoneId } = this.#options;
    this.#local = await navigator.mediaDevices.getUserMedia({
      audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
      video: { width: 640, height: 360, frameRate: 25, ...(cameraId ? { deviceId: { exact: cameraId } } : {}) },
    });
    await this.#join();
  }

  /** Switches camera or microphone without renegotiating (replaceTrack). */
  async useDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === 'audio' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId } } },
    );
    const track = stream.getTracks()[0] as MediaStreamTrack;
    const sender = this.#pc?.getSenders().find((s) => s.track?.kind === kind);
    await sender?.replaceTrack(track);
    this.#local
      ?.getTracks()
      .filter((t) => t.kind === kind)
      .forEach((t) => {
        t.stop();
        this.#local?.removeTrack(t);
      });
    this.#local?.addTrack(track);
  }

  close(): void {
    this.#closed = true;
    this.#pc?.close();
    this.#local?.getTracks().forEach((t) => t.stop());
    void request(this.#options.socket, 'media:leave', {}).catch(() => undefined);
  }

  async #join(): Promise<void> {
    const ack = await request(this.#options.socket, 'media:join', {});
    if (!ack.ok) {
      throw new Error(`${ack.error.code}: ${ack.error.message}`);
    }
    const join: JoinResult = ack.join;
    if (join.bridge === 'mediasoup') {
      await this.#joinMediasoup(join.routerRtpCapabilities);

      return;
    }
    this.#pc?.close();
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.#pc = pc;
    this.#slots = new Map();
    pc.ontrack = (event) => {
      const mid = event.transceiver.mid ?? '';
      const slot = this.#slots.get(mid);
      if (slot !== undefined) {
        slot.stream = new MediaStream([event.track]);
        this.#options.onChange?.();
      }
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed' || pc.iceConnectionState === 'disconnected') {
        void this.#restartIce(pc);
      }
    };
    // Label the slots first: tracks arrive while the offer is applied.
    this.#label(join.slots);
    await pc.setRemoteDescription({ type: 'offer', sdp: join.offer });
    // The bridge's first audio and video transceivers receive from us: put our microphone and camera there.
    const local = this.#local;
    for (const kind of ['audio', 'video'] as const) {
      const transceiver = pc
        .getTransceivers()
        .find((t) => t.receiver.track.kind === kind && !this.#slots.has(t.mid ?? ''));
      const track = local?.getTracks().find((t) => t.kind === kind);
      if (transceiver !== undefined && track !== undefined) {
        transceiver.direction = 'sendonly';
        await transceiver.sender.replaceTrack(track);
      }
    }
    await this.#answer(pc);
  }

  /** mediasoup: a Device, a send transport producing camera (3 simulcast layers) and microphone, a receive one. */
  async #joinMediasoup(routerRtpCapabilities: unknown): Promise<void> {
    const socket = this.#options.socket;
    const must = <T extends { ok: boolean }>(ack: T): T & { ok: true } => {
      if (!ack.ok) {
        throw new Error(`media: ${JSON.stringify((ack as { error?: unknown }).error)}`);
      }

      return ack as T & { ok: true };
    };
    // Loaded only where the server runs mediasoup: the embedded bridge needs none of it.
    const { Device } = await import('mediasoup-client');
    const device = new Device();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as RtpCapabilities });
    must(
      await request(socket, 'media:capabilities', {
        rtpCapabilities: device.rtpCapabilities as Record<string, unknown>,
      }),
    );
    const open = async (direction: 'send' | 'recv') => {
      const { transport } = must(await request(socket, 'media:transport', { direction }));
      const options = transport as unknown as TransportOptions;
      const t = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
      t.on('connect', ({ dtlsParameters }, callback, errback) => {
        request(socket, 'media:connect', {
          transportId: t.id,
          dtlsParameters: dtlsParameters as unknown as Record<string, unknown>,
        })
          .then((a) => (a.ok ? callback() : errback(new Error(a.error.message))))
          .catch(errback);
      });

      return t;
    };
    const send = await open('send');
    send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      request(socket, 'media:produce', {
        transportId: send.id,
        kind,
        rtpParameters: rtpParameters as unknown as Record<string, unknown>,
      })
        .then((a) => (a.ok ? callback({ id: a.producerId }) : errback(new Error(a.error.message))))
        .catch(errback);
    });
    const recv = await open('recv');
    socket.on('media:consumers', ({ consumers }) => {
      for (const c of consumers) {
        void recv
          .consume({
            id: c.id,
            producerId: c.producerId,
            kind: c.kind,
            rtpParameters: c.rtpParameters as RtpParameters,
          })
          .then(async (consumer) => {
            const { purpose, source, sourcePointId, kind } = c;
            this.#slots.set(c.id, {
              mid: c.id,
              kind,
              purpose,
              source,
              sourcePointId,
              stream: new MediaStream([consumer.track]),
            });
            this.#options.onChange?.();
            await request(socket, 'media:resume', { consumerId: c.id });
          });
      }
    });
    socket.on('media:consumersClosed', ({ consumerIds }) => {
      consumerIds.forEach((id) => this.#slots.delete(id));
      this.#options.onChange?.();
    });
    const audio = this.#local?.getAudioTracks()[0];
    const video = this.#local?.getVideoTracks()[0];
    if (audio !== undefined) {
      await send.produce({ track: audio });
    }
    if (video !== undefined) {
      await send.produce({
        track: video,
        encodings: [
          { scaleResolutionDownBy: 4, maxBitrate: 120_000 },
          { scaleResolutionDownBy: 2, maxBitrate: 350_000 },
          { scaleResolutionDownBy: 1, maxBitrate: 900_000 },
        ],
      });
    }
  }

  async #answer(pc: RTCPeerConnection): Promise<void> {
    await pc.setLocalDescription(await pc.createAnswer());
    await this.#gathered(pc);
    const ack = await request(this.#options.socket, 'media:answer', { sdp: pc.localDescription?.sdp ?? '' });
    if (!ack.ok) {
      throw new Error(`${ack.error.code}: ${ack.error.message}`);
    }
  }

  /** After a network change: new ICE credentials and candidates, same slots. */
  async #restartIce(pc: RTCPeerConnection): Promise<void> {
    if (this.#restarting || this.#closed) {
      return;
    }
    this.#restarting = true;
    try {
      await wait(2000);
      if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed' || pc !== this.#pc) {
        return;
      }
      const ack = await request(this.#options.socket, 'media:restart', {});
      if (ack.ok && 'offer' in ack.restart) {
        await pc.setRemoteDescription({ type: 'offer', sdp: ack.restart.offer });
        await this.#answer(pc);
      } else {
        await this.#rejoin();
      }
    } finally {
      this.#restarting = false;
    }
  }

  async #rejoin(): Promise<void> {
    if (!this.#closed) {
      await this.#join();
    }
  }

  #label(slots: SlotLabel[]): void {
    for (const label of slots) {
      const slot = this.#slots.get(label.mid);
      this.#slots.set(label.mid, { ...label, stream: slot?.stream ?? null });
    }
    this.#options.onChange?.();
  }

  async #gathered(pc: RTCPeerConnection): Promise<void> {
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
}
