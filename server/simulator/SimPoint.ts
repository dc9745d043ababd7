import { connectMeeting, request, type MeetingSocket } from '../protocol/client.js';
import type { FloorKind } from '../domain/core/model.js';
import type { RollCallView, Snapshot } from '../protocol/messages.js';
import { personName } from '../scenarios/names.js';
import { syntheticSample, type Profile } from './profiles.js';

export interface SimPointOptions {
  url: string;
  pointId: string;
  token: string;
  random: () => number;
  /** How long a granted point speaks before releasing the floor. */
  speakMs: () => number;
  /** Delay before confirming a roll call, or `null` to never confirm (absent). */
  rollCallDelayMs: (rollCall: RollCallView) => number | null;
  onError: (what: string) => void;
  /** Link profile for synthetic telemetry. Default `good`. */
  profile?: Profile;
  /** Whether the point's unit is in an upstream outage now. */
  inOutage?: () => boolean;
}

/** Attempts after the first, when the connection itself fails. */
const CONNECT_RETRIES = 5;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One simulated bridge point: a real socket.io-client connection that confirms roll calls after a delay, speaks when
 * granted and can drop its network for a while (socket.io then reconnects and recovers the session).
 */
export class SimPoint {
  readonly pointId: string;
  socket: MeetingSocket | null = null;
  joined = false;
  speaking = false;
  turnsSpoken = 0;
  /** Connection attempts that failed before the coordinator answered and were made again. */
  connectRetries = 0;
  readonly #options: SimPointOptions;
  readonly #confirmed = new Set<string>();
  #telemetry: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: SimPointOptions) {
    this.#options = options;
    this.pointId = options.pointId;
  }

  async connect(): Promise<void> {
    const { socket, snapshot } = await this.#connectWithRetry();
    this.socket = socket;
    this.joined = true;
    const onSnapshot = (s: Snapshot) => {
      if (s.rollCall !== null) {
        this.#onRollCall(s.rollCall);
      }
    };
    onSnapshot(snapshot);
    this.#startTelemetry(snapshot.telemetryIntervalMs);
    await this.#reportReadiness();
    socket.on('rollcall:changed', (view) => this.#onRollCall(view));
    socket.on('meeting:snapshot', onSnapshot);
    socket.on('floor:changed', (floor) => {
      const mine = floor.holder?.pointId === this.pointId;
      if (mine && !this.speaking) {
        this.speaking = true;
        void this.#speak();
      } else if (!mine) {
        this.speaking = false;
      }
    });
  }

  /**
   * A room's browser tries again when its connection fails before the coordinator answered (a refused or reset
   * socket in a join storm), after a growing, jittered pause; a refusal from the coordinator itself is final.
   */
  async #connectWithRetry(): ReturnType<typeof connectMeeting> {
    const { url, token, random } = this.#options;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await connectMeeting(url, token, { reconnectionDelay: 300, reconnectionDelayMax: 1500 });
      } catch (error) {
        const transport = (error as { code?: string }).code === 'CONNECT_FAILED';
        if (!transport || attempt >= CONNECT_RETRIES || this.#closed) {
          throw error;
        }
        this.connectRetries += 1;
        await wait(500 * 2 ** attempt * (0.5 + random()));
      }
    }
  }

  async requestFloor(kind: FloorKind, topic: string | undefined, toParent = false): Promise<void> {
    const ack = await this.#request('floor:request', {
      kind,
      ...(topic ? { topic } : {}),
      ...(toParent ? { toParent: true } : {}),
    });
    if (!ack) {
      this.#options.onError(`floor:request ${this.pointId}`);
    }
  }

  /** Cuts the transport; socket.io reconnects by itself after its delay. */
  dropNetwork(): void {
    this.socket?.io.engine.close();
  }

  /** Disconnects and stays away for `ms`, then comes back (a longer outage than the transport's retry). */
  async dropFor(ms: number): Promise<void> {
    const socket = this.socket;
    if (socket === null) {
      return;
    }
    socket.disconnect();
    await wait(ms);
    if (!this.#closed) {
      socket.connect();
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#telemetry !== null) {
      clearInterval(this.#telemetry);
    }
    this.socket?.close();
  }

  /**
   * The readiness check a point view runs on joining: camera and microphone work (a few rooms' do not), the network
   * unless the link profile is dead.
   */
  async #reportReadiness(): Promise<void> {
    const { random, profile = 'good' } = this.#options;
    await this.#request('point:readiness', {
      camera: random() >= 0.02,
      microphone: random() >= 0.02,
      network: profile !== 'dead',
    });
  }

  /** Reports synthetic link stats on the server's interval, as a browser's getStats() loop would. */
  #startTelemetry(intervalMs: number): void {
    const joinedAt = Date.now();
    const { profile = 'good', inOutage = () => false, random } = this.#options;
    this.#telemetry = setInterval(() => {
      const elapsed = Date.now() - joinedAt;
      const sample = syntheticSample(profile, elapsed, random, inOutage());
      if (sample === null) {
        if (profile === 'dead' && this.socket?.connected) {
          this.socket.disconnect();
        }

        return;
      }
      if (this.socket?.connected) {
        void request(this.socket, 'telemetry:sample', sample).catch(() => undefined);
      }
    }, intervalMs);
    this.#telemetry.unref();
  }

  /** When this point heard the first roll call and sent its answer (the simulator's roll-call latency). */
  readonly firstAnswer: { heardAt: number | null; sentAt: number | null } = { heardAt: null, sentAt: null };

  #onRollCall(view: RollCallView): void {
    if (!view.asked || view.closedAt !== null || this.#confirmed.has(view.rollCallId) || view.confirmation) {
      return;
    }
    this.firstAnswer.heardAt ??= Date.now();
    const delay = this.#options.rollCallDelayMs(view);
    if (delay === null) {
      return;
    }
    this.#confirmed.add(view.rollCallId);
    setTimeout(() => {
      if (this.#closed) {
        return;
      }
      const random = this.#options.random;
      this.firstAnswer.sentAt ??= Date.now();
      void this.#request('rollcall:confirm', {
        rollCallId: view.rollCallId,
        headcount: 5 + Math.floor(random() * 30),
        presiding: { name: personName(random), title: random() < 0.5 ? 'Bí thư Đảng ủy xã' : 'Chủ tịch UBND xã' },
      }).then((ok) => {
        if (!ok) {
          this.#confirmed.delete(view.rollCallId);
        }
      });
    }, delay);
  }

  async #speak(): Promise<void> {
    await wait(this.#options.speakMs());
    if (this.speaking && !this.#closed) {
      this.turnsSpoken += 1;
      const ok = await this.#request('floor:release', {});
      if (!ok) {
        this.#options.onError(`floor:release ${this.pointId}`);
      }
    }
  }

  async #request(
    event: 'floor:request' | 'floor:release' | 'rollcall:confirm' | 'point:readiness',
    payload: never | object,
  ): Promise<boolean> {
    const socket = this.socket;
    if (socket === null) {
      return false;
    }
    try {
      const ack = await request(socket, event, payload as never);

      return ack.ok;
    } catch {
      return false;
    }
  }
}
