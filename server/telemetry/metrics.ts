import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { Health } from '../domain/core/model.js';
import type { Faults } from './Faults.js';
import type { TelemetryService } from './TelemetryService.js';

export interface MetricsOptions {
  meetings: MeetingService;
  telemetry: TelemetryService;
  faults: Faults;
  /** Live socket count (socket.io engine clients). */
  socketCount: () => number;
  /** Hardware rooms' calls, while SIP is on. */
  sipCalls?: () => { callsOf(meetingId: string): { state: string }[]; counts: ReadonlyMap<string, number> } | null;
  /** The store's append times (server/telemetry/appendTiming.ts). */
  appendSeconds?: Histogram;
  /** Media worker processes that died since the start. */
  mediaWorkerDeaths?: () => number;
}

/**
 * Prometheus metrics, all prefixed `diemcau_`: the process defaults (CPU, heap, event-loop lag) and the meeting
 * figures a technician watches. A registry of its own, so several servers in one process (tests) never clash.
 */
export function createMetrics({
  meetings,
  telemetry,
  faults,
  socketCount,
  sipCalls,
  appendSeconds,
  mediaWorkerDeaths,
}: MetricsOptions): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'diemcau_', eventLoopMonitoringPrecision: 10 });

  const live = () => meetings.list().filter((m) => m.state.status !== 'ended');
  new Gauge({
    name: 'diemcau_points',
    help: 'Invited points of live meetings by link health class',
    labelNames: ['meeting', 'health'],
    registers: [registry],
    collect() {
      this.reset();
      for (const meeting of live()) {
        const counts: Record<Health, number> = { stable: 0, unstable: 0, disconnected: 0 };
        for (const pointId of meeting.state.def.invitedPointIds) {
          const point = meeting.state.points[pointId];
          if (point !== undefined && point.presence.length > 0) {
            counts[point.connected ? point.health : 'disconnected'] += 1;
          }
        }
        for (const [health, count] of Object.entries(counts)) {
          this.set({ meeting: meeting.id, health }, count);
        }
      }
    },
  });
  new Gauge({
    name: 'diemcau_floor_queue_length',
    help: 'Requests waiting for the floor',
    labelNames: ['meeting'],
    registers: [registry],
    collect() {
      this.reset();
      for (const meeting of live()) {
        this.set({ meeting: meeting.id }, meeting.state.queue.length);
      }
    },
  });
  new Gauge({
    name: 'diemcau_sockets',
    help: 'Connected sockets',
    registers: [registry],
    collect() {
      this.set(socketCount());
    },
  });
  new Counter({
    name: 'diemcau_telemetry_samples_total',
    help: 'Link-quality samples ingested',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(telemetry.samplesTotal);
    },
  });
  new Counter({
    name: 'diemcau_faults_total',
    help: "Unexpected errors contained: a meeting's work (rebuilt from its log), a link message, the process",
    labelNames: ['site'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [site, count] of faults.counts) {
        this.inc({ site }, count);
      }
    },
  });
  new Gauge({
    name: 'diemcau_sip_calls',
    help: "Hardware rooms' calls of live meetings by state (calling, ringing, connected)",
    labelNames: ['meeting', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      const calls = sipCalls?.() ?? null;
      if (calls === null) {
        return;
      }
      for (const meeting of live()) {
        for (const call of calls.callsOf(meeting.id)) {
          if (call.state === 'calling' || call.state === 'ringing' || call.state === 'connected') {
            this.inc({ meeting: meeting.id, state: call.state });
          }
        }
      }
    },
  });
  new Counter({
    name: 'diemcau_sip_call_outcomes_total',
    help: "Hardware rooms' calls by how they went: connected, ended, lost (dropped), busy, noAnswer, declined, failed, refused",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, count] of sipCalls?.()?.counts ?? []) {
        this.inc({ state }, count);
      }
    },
  });
  new Gauge({
    name: 'diemcau_links',
    help: 'Links of live meetings to other coordinators: down to each child (by unit) and up to the parent, by state',
    labelNames: ['meeting', 'direction', 'unit', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const meeting of live()) {
        for (const child of Object.values(meeting.state.links)) {
          if (child.state !== 'unlinked') {
            this.set({ meeting: meeting.id, direction: 'down', unit: child.unitId, state: child.state }, 1);
          }
        }
        const uplink = meeting.state.uplink;
        if (uplink !== null) {
          this.set({ meeting: meeting.id, direction: 'up', unit: uplink.unitId ?? '', state: uplink.state }, 1);
        }
      }
    },
  });
  new Counter({
    name: 'diemcau_media_worker_deaths_total',
    help: 'mediasoup worker processes that died (each is replaced; its meetings move to the new one)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(mediaWorkerDeaths?.() ?? 0);
    },
  });
  if (appendSeconds !== undefined) {
    registry.registerMetric(appendSeconds);
  }
  const events = new Counter({
    name: 'diemcau_events_total',
    help: 'Meeting events appended',
    labelNames: ['type'],
    registers: [registry],
  });
  const rollCalls = new Histogram({
    name: 'diemcau_rollcall_duration_seconds',
    help: 'From a roll call start to its close',
    buckets: [10, 30, 60, 120, 300, 600, 1200],
    registers: [registry],
  });
  meetings.onEvents((runtime, batch) => {
    for (const event of batch) {
      events.inc({ type: event.type });
      if (event.type === 'RollCallClosed') {
        const rollCall = runtime.state.rollCalls.find((r) => r.rollCallId === event.rollCallId);
        if (rollCall !== undefined) {
          rollCalls.observe((event.at - rollCall.startedAt) / 1000);
        }
      }
    }
  });

  return registry;
}
