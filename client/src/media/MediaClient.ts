import type { DownlinkView, JoinResult, SlotLabel } from '../../../server/protocol/mediaWire.js';
import { request, type MeetingSocket } from '../../../server/protocol/client.js';
import type { InboundStats, MediaSession, SlotSink } from './MediaSession.js';
import { MediasoupSession } from './MediasoupSession.js';
import { SdpSession } from './SdpSession.js';
import { CAMERA, openDevices, type DeviceError } from './devices.js';

export type { DeviceError } from './devices.js';

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

/** A receive slot with what the browser decoded on it (browser tests and diagnostics). */
export interface SlotStats extends InboundStats {
  mid: string;
  kind: 'audio' | 'video';
  purpose: SlotLabel['purpose'];
  source: string | null;
}

/**
 * Whether another page of this point holds its media: `open` (it was there first; this page joins by itself once it
 * leaves), `replaced` (it took over from this page), or `device` (the room's hardware system is in a SIP call and
 * sends the room's picture and sound: this page controls it, and joins by itself if the call ends).
 */
export type Elsewhere = 'open' | 'replaced' | 'device';

/** How often a page waiting for the point's other page to leave tries to join again. */
const ELSEWHERE_RETRY_MS = 2000;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The browser side of the media bridge, whichever runs: joins, opens camera and microphone, and keeps the receive
 * slots (program, speaker, grid, audio) with their labels and streams. The connection itself is a session
 * (`SdpSession` for the embedded bridge, `MediasoupSession` for mediasoup), replaced whenever the server asks the
 * point to reconnect its media (a dead worker, a lost peer).
 */
export class MediaClient {
  readonly #options: MediaClientOptions;
  #session: MediaSession | null = null;
  #bridge: 'werift' | 'mediasoup' | null = null;
  /** TURN and STUN servers from the coordinator, with credentials bounded by this console's link. */
  #iceServers: RTCIceServer[] = [];
  #local: MediaStream | null = null;
  #deviceError: DeviceError | null = null;
  #slots = new Map<string, SlotView>();
  #joining: Promise<void> | null = null;
  /**
   * Slot labels that arrive between the join's answer and its session (while the devices open and the offer is
   * answered): the bridge reroutes meanwhile, and a label dropped then left a tile black until the next reroute.
   */
  #pendingLabels: Map<string, SlotLabel> | null = null;
  #closed = false;
  /** What this console's link lets through, as the bridge last said (mediasoup; `null`: nothing said). */
  #downlink: DownlinkView | null = null;
  #screen: MediaStreamTrack | null = null;
  #elsewhere: Elsewhere | null = null;
  #elsewhereTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: MediaClientOptions) {
    this.#options = options;
    options.socket.on('media:slots', ({ slots }) => {
      if (this.#pendingLabels !== null) {
        slots.forEach((label) => this.#pendingLabels?.set(label.mid, label));
      } else if (this.#session instanceof SdpSession) {
        this.#session.label(slots);
      }
    });
    options.socket.on('media:reconnect', () => {
      if (this.#elsewhere === null) {
        void this.#rejoin();
      }
    });
    options.socket.on('media:downlink', (view) => {
      this.#downlink = view;
      options.onChange?.();
    });
    options.socket.on('media:replaced', ({ by }) => {
      if (by === 'device') {
        this.#waitForTurn('device');
      } else {
        this.#leaveBridge('replaced');
      }
    });
  }

  /** What this console's link lets through now: a lower layer, or no picture (the sound kept). */
  get downlink(): DownlinkView | null {
    return this.#downlink;
  }

  /** Another page of this point holds its media (`null`: this page does). */
  get elsewhere(): Elsewhere | null {
    return this.#elsewhere;
  }

  /** "Dùng cửa sổ này": moves the point's media to this page; the other page is told. */
  async takeOver(): Promise<void> {
    this.#clearElsewhere();
    await this.#join(true);
  }

  get slots(): SlotView[] {
    return [...this.#slots.values()];
  }

  get localStream(): MediaStream | null {
    return this.#local;
  }

  /** Why camera or microphone could not be opened (the point then only receives); `null` when both work. */
  get deviceError(): DeviceError | null {
    return this.#deviceError;
  }

  /** Which bridge carries the media (`null` before the first join). */
  get bridge(): 'werift' | 'mediasoup' | null {
    return this.#bridge;
  }

  /** The worst state of the media connections, `null` before there are any. */
  get connectionState(): RTCPeerConnectionState | null {
    return this.#session?.connectionState ?? null;
  }

  /** The browser's stats of every media connection (link samples). */
  async stats(): Promise<RTCStatsReport[]> {
    return (await this.#session?.stats()) ?? [];
  }

  /** What each receive slot decoded so far. */
  async slotStats(): Promise<SlotStats[]> {
    const inbound = (await this.#session?.inbound()) ?? new Map<string, InboundStats>();

    return this.slots.map(({ mid, kind, purpose, source }) => ({
      mid,
      kind,
      purpose,
      source,
      ...(inbound.get(mid) ?? { framesDecoded: 0, bytesReceived: 0, frameWidth: 0, frameHeight: 0, audioEnergy: 0 }),
    }));
  }

  /** Joins the bridge, then opens camera and microphone at the size that bridge wants. */
  async start(): Promise<void> {
    await this.#join();
  }

  /**
   * Tries camera and microphone again (after the person allowed them, or plugged one in) and joins anew with
   * whatever opens now: the "Thử lại" button, without reloading the page.
   */
  async retryDevices(): Promise<void> {
    this.#local?.getTracks().forEach((t) => t.stop());
    this.#local = null;
    await this.#join();
  }

  /** Switches camera or microphone without renegotiating (replaceTrack). */
  async useDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === 'audio'
        ? { audio: { deviceId: { exact: deviceId } } }
        : { video: { ...CAMERA[this.#bridge ?? 'werift'], deviceId: { exact: deviceId } } },
    );
    const track = stream.getTracks()[0] as MediaStreamTrack;
    await this.#session?.replaceTrack(kind, track);
    this.#local
      ?.getTracks()
      .filter((t) => t.kind === kind)
      .forEach((t) => {
        t.stop();
        this.#local?.removeTrack(t);
      });
    this.#local?.addTrack(track);
  }

  /** The screen this console shares, while it does. */
  get screen(): MediaStreamTrack | null {
    return this.#screen;
  }

  /**
   * Shares a screen, window or tab the person picks (the browser asks): sent for legibility (content hint `detail`,
   * a few frames a second at full size). Resolves false when the person cancelled. Ends by itself when the browser's
   * own "stop sharing" is used.
   */
  async shareScreen(): Promise<boolean> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { max: 5 } }, audio: false });
    } catch {
      return false;
    }
    const track = stream.getVideoTracks()[0];
    if (track === undefined) {
      return false;
    }
    track.contentHint = 'detail';
    this.#screen?.stop();
    this.#screen = track;
    track.addEventListener('ended', () => {
      if (this.#screen === track) {
        void this.stopScreen();
      }
    });
    await this.#session?.shareScreen(track);
    await request(this.#options.socket, 'media:screen', { sharing: true });
    this.#options.onChange?.();

    return true;
  }

  /** Stops sharing the screen (idempotent). */
  async stopScreen(): Promise<void> {
    const track = this.#screen;
    if (track === null) {
      return;
    }
    this.#screen = null;
    track.stop();
    await this.#session?.shareScreen(null).catch(() => undefined);
    await request(this.#options.socket, 'media:screen', { sharing: false }).catch(() => undefined);
    this.#options.onChange?.();
  }

  close(): void {
    this.#closed = true;
    this.#clearElsewhere();
    this.#session?.close();
    this.#screen?.stop();
    this.#local?.getTracks().forEach((t) => t.stop());
    void request(this.#options.socket, 'media:leave', {}).catch(() => undefined);
  }

  #join(takeOver = false): Promise<void> {
    // One join at a time: a reconnect request during a join waits for it, then joins again.
    const run = (this.#joining ?? Promise.resolve()).catch(() => undefined).then(() => this.#joinOnce(takeOver));
    this.#joining = run;

    return run;
  }

  async #joinOnce(takeOver: boolean): Promise<void> {
    if (this.#closed) {
      return;
    }
    const ack = await request(this.#options.socket, 'media:join', takeOver ? { takeOver } : {});
    if (!ack.ok && (ack.error.code === 'POINT_OPEN_ELSEWHERE' || ack.error.code === 'POINT_ON_DEVICE')) {
      // Not an error: the room is on another page, or its room system sends. This one waits, and joins once it left.
      this.#waitForTurn(ack.error.code === 'POINT_ON_DEVICE' ? 'device' : 'open');

      return;
    }
    if (!ack.ok) {
      throw new Error(`${ack.error.code}: ${ack.error.message}`);
    }
    this.#elsewhere = null;
    const { join, ice } = ack;
    this.#bridge = join.bridge;
    this.#iceServers = ice.iceServers;
    // Labels sent before this answer are no newer than the ones it carries; later ones wait for the session.
    this.#pendingLabels = new Map();
    try {
      await this.#openSession(join);
    } finally {
      const pending = this.#pendingLabels;
      this.#pendingLabels = null;
      if (this.#session instanceof SdpSession && pending.size > 0) {
        this.#session.label([...pending.values()]);
      }
    }
  }

  async #openSession(join: JoinResult): Promise<void> {
    if (this.#local === null || this.#local.getTracks().some((t) => t.readyState === 'ended')) {
      this.#local?.getTracks().forEach((t) => t.stop());
      this.#local = await this.#openDevices(join.bridge);
      this.#options.onChange?.();
    }
    this.#session?.close();
    this.#session = null;
    this.#slots = new Map();
    this.#options.onChange?.();
    const sessionOptions = {
      socket: this.#options.socket,
      sink: this.#sink(),
      onLost: () => void this.#rejoin(),
      iceServers: this.#iceServers,
    };
    this.#session =
      join.bridge === 'mediasoup'
        ? await MediasoupSession.open(sessionOptions, join.routerRtpCapabilities, this.#local)
        : await SdpSession.open(sessionOptions, join, this.#local);
    // A screen shared before a reconnect goes on being shared on the new session.
    if (this.#screen !== null && this.#screen.readyState === 'live') {
      await this.#session.shareScreen(this.#screen);
      await request(this.#options.socket, 'media:screen', { sharing: true });
    }
    this.#options.onChange?.();
  }

  /** Camera and microphone, or whichever open (`deviceError` says why not). */
  async #openDevices(bridge: 'werift' | 'mediasoup'): Promise<MediaStream | null> {
    const { cameraId, microphoneId } = this.#options;
    const { stream, error } = await openDevices({ bridge, cameraId, microphoneId });
    this.#deviceError = error;

    return stream;
  }

  /** Stops sending and receiving here (the point's media is on another page), keeping the meeting socket. */
  #leaveBridge(elsewhere: Elsewhere): void {
    this.#elsewhere = elsewhere;
    this.#session?.close();
    this.#session = null;
    this.#local?.getTracks().forEach((t) => t.stop());
    this.#local = null;
    this.#slots = new Map();
    this.#options.onChange?.();
  }

  /** Leaves the bridge to whatever holds the point's media now, trying again now and then until it has gone. */
  #waitForTurn(elsewhere: 'open' | 'device'): void {
    this.#leaveBridge(elsewhere);
    if (this.#elsewhereTimer !== null) {
      clearTimeout(this.#elsewhereTimer);
    }
    this.#elsewhereTimer = setTimeout(() => {
      this.#elsewhereTimer = null;
      if (this.#elsewhere === elsewhere) {
        this.#clearElsewhere();
        void this.#join().catch(() => undefined);
      }
    }, ELSEWHERE_RETRY_MS);
  }

  #clearElsewhere(): void {
    this.#elsewhere = null;
    if (this.#elsewhereTimer !== null) {
      clearTimeout(this.#elsewhereTimer);
      this.#elsewhereTimer = null;
    }
  }

  #sink(): SlotSink {
    // Bound to the slot map of this join: a late event of a replaced session cannot touch the next one's slots.
    const slots = this.#slots;
    const changed = () => {
      if (slots === this.#slots) {
        this.#options.onChange?.();
      }
    };

    return {
      label: (labels) => {
        for (const label of labels) {
          slots.set(label.mid, { ...label, stream: slots.get(label.mid)?.stream ?? null });
        }
        changed();
      },
      attach: (label, track) => {
        slots.set(label.mid, { ...label, stream: new MediaStream([track]) });
        changed();
      },
      drop: (ids) => {
        ids.forEach((id) => slots.delete(id));
        changed();
      },
    };
  }

  /** Joins again after the bridge lost this point's media, retrying while the bridge recovers (a worker restarts). */
  async #rejoin(): Promise<void> {
    for (let attempt = 0; attempt < 8 && !this.#closed; attempt += 1) {
      try {
        await this.#join();

        return;
      } catch (error) {
        // eslint-disable-next-line no-console -- the one trace a technician gets from the browser's console
        console.warn('media: rejoin failed', (error as Error).message);
        await wait(Math.min(8000, 500 * 2 ** attempt));
      }
    }
  }
}
