import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { createLogger } from '../logger.js';
import type { Health } from '../domain/core/model.js';
import {
  initialLinkState,
  onSample,
  onSweep,
  type LinkSample,
  type LinkState,
  type LinkThresholds,
  unstableReasons,
} from './classify.js';
import type { HealthReason } from '../domain/core/model.js';
import { SampleRing } from './TelemetryHistory.js';
import { type HistoryColumns } from '../protocol/telemetryWire.js';
import type { TransportStats } from '../media/MediaBridge.js';
import type { DownlinkView } from '../protocol/mediaWire.js';
import type { RedisTelemetryHistory } from './RedisTelemetryHistory.js';

const logger = createLogger('TelemetryService');

/** What the bridge itself sees of a point's transport: bitrate both ways, ICE/DTLS state, RTT. */
export interface BridgeView {
  kbpsIn: number;
  kbpsOut: number;
  state: string;
  rttMs: number | null;
  /** What the point's link lets through, and why (mediasoup). */
  downlink?: DownlinkView;
}

interface Tracked {
  bridge: (BridgeView & { bytesIn: number; bytesOut: number; at: number }) | null;
  link: LinkState;
  ring: SampleRing;
  latest: LinkSample | null;
  /** A hardware room system: what the row says of the device (its samples come from the bridge, not a browser). */
  device: RoomDevice | null;
  /** A new sample since the last `telemetry:latest` batch. */
  dirty: boolean;
}

/** One row of the technician's table. */
export interface LatestRow extends Partial<LinkSample> {
  pointId: string;
  health: LinkState['health'];
  lastSampleAt: number | null;
  /** Why the link reads unstable (absent otherwise). */
  why?: HealthReason[];
  /** The bridge's own view of the point's transport, when it is on the bridge. */
  bridge?: BridgeView;
  /** The point's room is a hardware room system on SIP. */
  device?: RoomDevice;
}

/** A hardware room system as the technicians' table names it: "thiết bị SIP", its codecs. */
export interface RoomDevice {
  kind: 'sip';
  video: string | null;
  audio: string | null;
}

export interface TelemetryServiceOptions {
  meetings: MeetingService;
  thresholds: LinkThresholds;
  /** Expected sample interval, ms. Default 2000. */
  intervalMs?: number;
  /** History kept per point, minutes. Default 30. */
  historyMinutes?: number;
  now?: () => number;
  /** Called once per sweep with the points that sent a sample since the last call. */
  onLatest?: (meetingId: string, rows: LatestRow[]) => void;
  /** The media bridge's per-point transport stats, polled every interval. */
  bridgeStats?: (meetingId: string) => Promise<Map<string, TransportStats>>;
  /** Shared history (Redis capped streams) when several coordinators serve; default only this node's memory. */
  sharedHistory?: (capacity: number) => RedisTelemetryHistory;
}

/** A point's worst loss and round-trip time over the kept window. */
export interface WorstLink {
  pointId: string;
  maxLossPct: number | null;
  maxRttMs: number | null;
}

/** Worst links an ended meeting keeps for its record. */
const WORST_KEPT = 50;

/**
 * Link health: ingests samples, classifies each point with hysteresis, keeps 30 minutes of history per point, and
 * turns class changes into domain commands (`point.link`) so they are logged and feed roll calls, alerts and
 * attendance.
 */
export class TelemetryService {
  readonly #meetings: MeetingService;
  readonly #thresholds: LinkThresholds;
  readonly #intervalMs: number;
  readonly #capacity: number;
  readonly #now: () => number;
  readonly #onLatest: TelemetryServiceOptions['onLatest'];
  readonly #bridgeStats: TelemetryServiceOptions['bridgeStats'];
  readonly #shared: RedisTelemetryHistory | null;
  #lastBridgePoll = 0;
  readonly #tracked = new Map<string, Map<string, Tracked>>();
  /** An ended meeting's worst links, kept for its record; its samples themselves are let go. */
  readonly #endedWorst = new Map<string, WorstLink[]>();
  readonly #timer: NodeJS.Timeout;
  readonly #unsubscribe: () => void;
  #samples = 0;
  #closed = false;

  constructor({
    meetings,
    thresholds,
    intervalMs = 2000,
    historyMinutes = 30,
    now = Date.now,
    onLatest,
    bridgeStats,
    sharedHistory,
  }: TelemetryServiceOptions) {
    this.#bridgeStats = bridgeStats;
    this.#meetings = meetings;
    this.#thresholds = thresholds;
    this.#intervalMs = intervalMs;
    this.#capacity = Math.ceil((historyMinutes * 60_000) / intervalMs);
    this.#shared = sharedHistory?.(this.#capacity) ?? null;
    this.#now = now;
    this.#onLatest = onLatest;
    // A point that joins starts its silence clock now, whether or not it ever sends a sample.
    this.#unsubscribe = meetings.onEvents((runtime, events) => {
      for (const event of events) {
        if (event.type === 'PointConnected' && runtime.state.status !== 'ended') {
          this.#track(runtime.id, event.pointId);
        } else if (event.type === 'MeetingEnded') {
          this.#release(runtime.id);
        }
      }
    });
    this.#timer = setInterval(() => this.#sweep(), Math.min(1000, Math.max(100, intervalMs / 2)));
    this.#timer.unref();
  }

  /** Samples ingested since start (for metrics). */
  get samplesTotal(): number {
    return this.#samples;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  ingest(runtime: MeetingRuntime, pointId: string, sample: LinkSample, device?: RoomDevice): Health {
    if (runtime.state.status === 'ended') {
      // A console still open after the end: its samples are no longer kept.
      return runtime.state.points[pointId]?.health ?? 'stable';
    }
    const now = this.#now();
    const tracked = this.#track(runtime.id, pointId);
    this.#samples += 1;
    tracked.ring.push(now, sample);
    this.#shared?.append(runtime.id, pointId, now, sample).catch((error: unknown) => {
      logger.warn({ err: error, meetingId: runtime.id }, 'shared history write failed');
    });
    tracked.latest = sample;
    tracked.device = device ?? null;
    tracked.dirty = true;
    this.#update(runtime, pointId, tracked, onSample(tracked.link, sample, now, this.#thresholds));

    return tracked.link.health;
  }

  /** A point's recent samples: from the shared history when there is one (any node can answer), else memory. */
  async history(meetingId: string, pointId: string, since?: number): Promise<HistoryColumns> {
    if (this.#shared !== null) {
      return this.#shared.columns(meetingId, pointId, since);
    }

    return this.#localHistory(meetingId, pointId, since);
  }

  #localHistory(meetingId: string, pointId: string, since?: number): HistoryColumns {
    return (this.#tracked.get(meetingId)?.get(pointId)?.ring ?? new SampleRing({ capacity: 1 })).columns(since);
  }

  /** The latest sample and health of every point that has been seen. */
  latest(meetingId: string): LatestRow[] {
    return [...(this.#tracked.get(meetingId) ?? new Map<string, Tracked>())].map(([pointId, t]) =>
      row(pointId, t, this.#thresholds),
    );
  }

  /** Worst loss and RTT per point over the kept window, worst first (for the meeting record and exports). */
  worst(meetingId: string, limit = 10): WorstLink[] {
    const ended = this.#endedWorst.get(meetingId);
    if (ended !== undefined) {
      return ended.slice(0, limit);
    }

    return [...(this.#tracked.get(meetingId) ?? new Map<string, Tracked>())]
      .map(([pointId, t]) => ({ pointId, maxLossPct: t.ring.max('lossPct'), maxRttMs: t.ring.max('rttMs') }))
      .sort((a, b) => (b.maxLossPct ?? 0) - (a.maxLossPct ?? 0) || (b.maxRttMs ?? 0) - (a.maxRttMs ?? 0))
      .slice(0, limit);
  }

  /**
   * A meeting ended: its points' samples (up to half an hour of them per point, kept outside the JavaScript heap) are
   * let go, its worst links kept for the record.
   */
  #release(meetingId: string): void {
    this.#endedWorst.set(meetingId, this.worst(meetingId, WORST_KEPT));
    this.#tracked.delete(meetingId);
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unsubscribe();
  }

  #track(meetingId: string, pointId: string): Tracked {
    let points = this.#tracked.get(meetingId);
    if (points === undefined) {
      points = new Map();
      this.#tracked.set(meetingId, points);
    }
    let tracked = points.get(pointId);
    if (tracked === undefined) {
      tracked = {
        bridge: null,
        link: initialLinkState(this.#now()),
        ring: new SampleRing({ capacity: this.#capacity }),
        latest: null,
        device: null,
        dirty: false,
      };
      points.set(pointId, tracked);
    }

    return tracked;
  }

  #update(runtime: MeetingRuntime, pointId: string, tracked: Tracked, next: LinkState): void {
    const before = tracked.link;
    tracked.link = next;
    if (before.health !== next.health || before.silent !== next.silent) {
      const { health, silent } = next;
      runtime.execute({ type: 'point.link', pointId, health, silent }, { role: 'system' }).catch((error: unknown) => {
        logger.warn({ err: error, meetingId: runtime.id, pointId }, 'point.link failed');
      });
    }
  }

  /** Folds the bridge's byte counters into bitrates per point. */
  async #pollBridge(meetingId: string): Promise<void> {
    const stats = await this.#bridgeStats?.(meetingId).catch(() => new Map<string, TransportStats>());
    const now = this.#now();
    for (const [pointId, s] of stats ?? []) {
      const tracked = this.#track(meetingId, pointId);
      const previous = tracked.bridge;
      const seconds = previous === null ? 0 : (now - previous.at) / 1000;
      const rate = (bytes: number, before: number | undefined) =>
        seconds > 0 && before !== undefined ? Math.max(0, Math.round(((bytes - before) * 8) / 1000 / seconds)) : 0;
      tracked.bridge = {
        kbpsIn: rate(s.bytesIn, previous?.bytesIn),
        kbpsOut: rate(s.bytesOut, previous?.bytesOut),
        state: s.state,
        rttMs: s.rttMs,
        ...(s.downlink === undefined ? {} : { downlink: s.downlink }),
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        at: now,
      };
      tracked.dirty = true;
    }
  }

  #sweep(): void {
    const now = this.#now();
    if (this.#bridgeStats !== undefined && now - this.#lastBridgePoll >= this.#intervalMs) {
      this.#lastBridgePoll = now;
      for (const meeting of this.#meetings.list()) {
        if (meeting.state.status !== 'ended') {
          void this.#pollBridge(meeting.id);
        }
      }
    }
    for (const [meetingId, points] of this.#tracked) {
      if (!this.#meetings.has(meetingId)) {
        this.#tracked.delete(meetingId);
        continue;
      }
      const runtime = this.#meetings.get(meetingId);
      if (runtime.state.status === 'ended') {
        continue;
      }
      const batch: LatestRow[] = [];
      for (const [pointId, tracked] of points) {
        const point = runtime.state.points[pointId];
        const lostAt = point === undefined || point.connected ? null : (point.presence.at(-1)?.at ?? now);
        this.#update(runtime, pointId, tracked, onSweep(tracked.link, lostAt, now, this.#thresholds));
        if (tracked.dirty) {
          tracked.dirty = false;
          batch.push(row(pointId, tracked, this.#thresholds));
        }
      }
      if (batch.length > 0) {
        this.#onLatest?.(meetingId, batch);
      }
    }
  }
}

function row(pointId: string, tracked: Tracked, thresholds: LinkThresholds): LatestRow {
  const b = tracked.bridge;
  const why = unstableReasons(tracked.link, tracked.latest, thresholds);

  return {
    pointId,
    health: tracked.link.health,
    ...(why.length === 0 ? {} : { why }),
    lastSampleAt: tracked.latest === null ? null : tracked.link.lastSampleAt,
    ...tracked.latest,
    ...(tracked.device === null ? {} : { device: tracked.device }),
    ...(b === null
      ? {}
      : {
          bridge: {
            kbpsIn: b.kbpsIn,
            kbpsOut: b.kbpsOut,
            state: b.state,
            rttMs: b.rttMs,
            ...(b.downlink === undefined ? {} : { downlink: b.downlink }),
          },
        }),
  };
}
