import type { Device } from 'mediasoup-client';
import type {
  Consumer,
  Producer,
  RtpCapabilities,
  RtpParameters,
  Transport,
  TransportOptions,
} from 'mediasoup-client/types';
import type { ConsumerOptions, SlotLabel } from '../../../server/protocol/mediaWire.js';
import { request, type MeetingSocket } from '../../../server/protocol/client.js';
import type { AckResultOf, ServerToClientEvents } from '../../../server/protocol/events.js';
import type { RequestPayload } from '../../../server/protocol/requests.js';
import {
  inboundOf,
  SCREEN_ENCODING,
  worstState,
  type InboundStats,
  type MediaSession,
  type SlotSink,
} from './MediaSession.js';

export interface MediasoupSessionOptions {
  socket: MeetingSocket;
  sink: SlotSink;
  /** Asked when the transports cannot be recovered by an ICE restart: the media client joins again. */
  onLost: () => void;
  /** Relay servers (TURN) for a room whose network blocks the direct path. */
  iceServers: RTCIceServer[];
}

/**
 * Camera simulcast: three layers, so the chair's thumbnails take a quarter of the size and the program the whole.
 * Chromium keeps three layers only from 960×540 up (fewer below), hence the camera size the media client asks for.
 */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 450_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

class MediaRequestError extends Error {}

type MediaRequest =
  'media:capabilities' | 'media:transport' | 'media:connect' | 'media:produce' | 'media:resume' | 'media:restart';

/**
 * The mediasoup session: a Device loaded with the router's capabilities, a send transport producing the microphone
 * and the camera (simulcast), a receive transport consuming what the bridge routes here (`media:consumers`, each
 * created paused and resumed once its track exists). Consumers that arrive before the receive transport wait for it.
 */
export class MediasoupSession implements MediaSession {
  readonly #options: MediasoupSessionOptions;
  readonly #device: Device;
  readonly #consumers = new Map<string, Consumer>();
  readonly #producers = new Map<'audio' | 'video', Producer>();
  #screen: Producer | null = null;
  readonly #early: ConsumerOptions[] = [];
  /** Consumers the bridge closed before this page had finished setting them up. */
  readonly #settingUpClosed = new Set<string>();
  readonly #off: (() => void)[] = [];
  #send: Transport | null = null;
  #recv: Transport | null = null;
  #restarting = false;
  #closed = false;

  private constructor(options: MediasoupSessionOptions, device: Device) {
    this.#options = options;
    this.#device = device;
  }

  static async open(
    options: MediasoupSessionOptions,
    routerRtpCapabilities: unknown,
    local: MediaStream | null,
  ): Promise<MediasoupSession> {
    // The camera and microphone belong to the media client and outlive the session (stopTracks: false below).
    // Loaded only where the server runs mediasoup: the embedded bridge needs none of it.
    const { Device } = await import('mediasoup-client');
    const device = new Device();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as RtpCapabilities });
    const session = new MediasoupSession(options, device);
    try {
      await session.#start(local);
    } catch (error) {
      session.close();
      throw error;
    }

    return session;
  }

  get connectionState(): RTCPeerConnectionState {
    // mediasoup-client connects a transport on its first use: a transport not used yet (nothing routed to it, or
    // nothing to send from a room without devices) is waiting, not failing.
    const transports = [this.#send, this.#recv].filter(
      (t): t is Transport => t !== null && t.connectionState !== 'new',
    );
    if (transports.length === 0) {
      return 'new';
    }

    return worstState(transports.map((t) => t.connectionState as RTCPeerConnectionState));
  }

  async stats(): Promise<RTCStatsReport[]> {
    return Promise.all([this.#send, this.#recv].filter((t): t is Transport => t !== null).map((t) => t.getStats()));
  }

  async inbound(): Promise<Map<string, InboundStats>> {
    const out = new Map<string, InboundStats>();
    await Promise.all(
      [...this.#consumers].map(async ([id, consumer]) => {
        const [first] = inboundOf(await consumer.getStats());
        if (first !== undefined) {
          out.set(id, first);
        }
      }),
    );

    return out;
  }

  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    await this.#producers.get(kind)?.replaceTrack({ track });
  }

  async shareScreen(track: MediaStreamTrack | null): Promise<void> {
    this.#screen?.close();
    this.#screen = null;
    if (track !== null && this.#send !== null) {
      this.#screen = await this.#send.produce({
        track,
        encodings: [SCREEN_ENCODING],
        appData: { screen: true },
        stopTracks: false,
      });
      // Legible text first: under load the encoder lowers the frame rate, not the size.
      const sender = this.#screen.rtpSender;
      if (sender !== undefined) {
        const parameters = sender.getParameters();
        parameters.degradationPreference = 'maintain-resolution';
        await sender.setParameters(parameters).catch(() => undefined);
      }
    }
  }

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#off.forEach((off) => off());
    this.#send?.close();
    this.#recv?.close();
  }

  async #start(local: MediaStream | null): Promise<void> {
    this.#listen('media:consumers', ({ consumers }) => consumers.forEach((c) => this.#consume(c)));
    this.#listen('media:consumersClosed', ({ consumerIds }) => {
      for (const id of consumerIds) {
        const consumer = this.#consumers.get(id);
        const waiting = this.#early.findIndex((c) => c.id === id);
        if (consumer !== undefined) {
          consumer.close();
          this.#consumers.delete(id);
        } else if (waiting >= 0) {
          this.#early.splice(waiting, 1);
        } else {
          // Closed while this page was still setting it up: it must not be shown once it is ready.
          this.#settingUpClosed.add(id);
        }
      }
      this.#options.sink.drop(consumerIds);
    });
    await this.#ask('media:capabilities', {
      rtpCapabilities: this.#device.rtpCapabilities as Record<string, unknown>,
    });
    this.#send = await this.#transport('send');
    this.#recv = await this.#transport('recv');
    this.#early.splice(0).forEach((c) => this.#consume(c));
    const audio = local?.getAudioTracks()[0];
    const video = local?.getVideoTracks()[0];
    if (audio !== undefined) {
      this.#producers.set(
        'audio',
        await this.#send.produce({ track: audio, codecOptions: { opusDtx: true, opusFec: true }, stopTracks: false }),
      );
    }
    if (video !== undefined) {
      this.#producers.set(
        'video',
        await this.#send.produce({ track: video, encodings: SIMULCAST_ENCODINGS, stopTracks: false }),
      );
    }
  }

  async #transport(direction: 'send' | 'recv'): Promise<Transport> {
    const { transport: options } = await this.#ask('media:transport', { direction });
    const withRelays = { ...(options as unknown as TransportOptions), iceServers: this.#options.iceServers };
    const transport =
      direction === 'send'
        ? this.#device.createSendTransport(withRelays)
        : this.#device.createRecvTransport(withRelays);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#ask('media:connect', {
        transportId: transport.id,
        dtlsParameters: dtlsParameters as unknown as Record<string, unknown>,
      }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.#ask('media:produce', {
        transportId: transport.id,
        kind,
        rtpParameters: rtpParameters as unknown as Record<string, unknown>,
        ...(appData.screen === true ? { screen: true } : {}),
      }).then(({ producerId }) => callback({ id: producerId }), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' || state === 'disconnected') {
        void this.#restartIce();
      }
    });

    return transport;
  }

  #consume(c: ConsumerOptions): void {
    const recv = this.#recv;
    if (recv === null) {
      this.#early.push(c);

      return;
    }
    const label: SlotLabel = {
      mid: c.id,
      kind: c.kind,
      purpose: c.purpose,
      source: c.source,
      sourcePointId: c.sourcePointId,
    };
    recv
      .consume({ id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters as RtpParameters })
      .then(async (consumer) => {
        if (this.#closed || this.#settingUpClosed.delete(c.id)) {
          consumer.close();

          return;
        }
        this.#consumers.set(c.id, consumer);
        this.#options.sink.attach(label, consumer.track);
        await this.#ask('media:resume', { consumerId: c.id });
      })
      .catch(() => {
        // A consumer closed before it was resumed (the routing moved on): nothing to show.
      });
  }

  /** After a network change: new ICE parameters for both transports; if that fails, a full rejoin. */
  async #restartIce(): Promise<void> {
    if (this.#restarting || this.#closed) {
      return;
    }
    this.#restarting = true;
    try {
      await wait(2000);
      if (this.#closed || this.connectionState === 'connected') {
        return;
      }
      const { restart, ice } = await this.#ask('media:restart', {});
      if (!('transports' in restart)) {
        throw new MediaRequestError('no ICE parameters');
      }
      for (const { id, iceParameters } of restart.transports) {
        const transport = [this.#send, this.#recv].find((t) => t?.id === id);
        // Fresh relay credentials: the old ones may have run out while the network was away.
        await transport?.updateIceServers({ iceServers: ice.iceServers });
        await transport?.restartIce({
          iceParameters: iceParameters as Parameters<Transport['restartIce']>[0]['iceParameters'],
        });
      }
    } catch {
      if (!this.#closed) {
        this.#options.onLost();
      }
    } finally {
      this.#restarting = false;
    }
  }

  #listen<E extends 'media:consumers' | 'media:consumersClosed'>(event: E, listener: ServerToClientEvents[E]): void {
    this.#options.socket.on(event, listener as never);
    this.#off.push(() => this.#options.socket.off(event, listener as never));
  }

  async #ask<N extends MediaRequest>(name: N, payload: RequestPayload<N>): Promise<AckResultOf<N>> {
    const ack = await request(this.#options.socket, name, payload);
    if (!ack.ok) {
      throw new MediaRequestError(`${ack.error.code}: ${ack.error.message}`);
    }

    return ack;
  }
}
