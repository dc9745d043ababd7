import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request, type MeetingSocket } from '../../server/protocol/client.js';
import { ADMIN_KEY, nextMessage, startTestServer, type TestServer } from '../helpers/server.js';

const good = { lossPct: 0.3, rttMs: 40, jitterMs: 5, fpsIn: 25, fpsOut: 25, kbpsIn: 900, kbpsOut: 700 };
const lossy = { ...good, lossPct: 12 };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends samples at a pace the per-socket rate limit allows. */
async function send(socket: MeetingSocket, samples: object[]): Promise<void> {
  for (const sample of samples) {
    const ack = await request(socket, 'telemetry:sample', sample);
    expect(ack).toMatchObject({ ok: true });
    await wait(110);
  }
}

/** Parses Prometheus text format into `name{labels}` → value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match === null) {
      throw new Error(`unparsable metrics line: ${line}`);
    }
    out.set(match[1] as string, Number(match[2]));
  }

  return out;
}

describe('link health over sockets', () => {
  let t: TestServer;

  beforeEach(async () => {
    t = await startTestServer({
      env: { TELEMETRY_INTERVAL_MS: '200', LINK_DISCONNECT_SEC: '1', LINK_SILENT_SEC: '60' },
      meeting: { settings: { alertUnitMinPoints: 2 } },
    });
  });

  afterEach(async () => {
    await t.close();
  });

  it("lets an ended meeting's samples go, keeping its worst links for the record", async () => {
    const { socket } = await t.connect('point', 'DC-X1');
    await send(socket, [good, lossy, good]);
    expect((await t.server.telemetry.history('m1', 'DC-X1')).at.length).toBe(3);
    await t.meeting.execute({ type: 'meeting.end' }, { role: 'chair' });
    expect((await t.server.telemetry.history('m1', 'DC-X1')).at.length).toBe(0);
    expect(t.server.telemetry.latest('m1')).toEqual([]);
    expect(t.server.telemetry.worst('m1')[0]).toMatchObject({ pointId: 'DC-X1', maxLossPct: 12 });
    // A console still sending after the end is answered; nothing of it is kept.
    expect(await request(socket, 'telemetry:sample', lossy)).toMatchObject({ ok: true });
    expect((await t.server.telemetry.history('m1', 'DC-X1')).at.length).toBe(0);
    socket.close();
  });

  it('degrading points turn unstable, raise alerts the technician acknowledges, and show in attendance', async () => {
    const { socket: chair } = await t.connect('chair');
    const { socket: tech, snapshot } = await t.connect('technician');
    expect(snapshot.telemetryIntervalMs).toBe(200);
    const x1 = (await t.connect('point', 'DC-X1')).socket;
    const x3 = (await t.connect('point', 'DC-X3')).socket;
    const x4 = (await t.connect('point', 'DC-X4')).socket;
    await request(chair, 'meeting:start', {});
    await request(chair, 'floor:grant', { pointId: 'DC-X1' });

    // The speaker degrades: class change and an alert, both to the technician.
    const unstable = nextMessage(tech, 'link:changed', (m) => m.pointId === 'DC-X1' && m.health === 'unstable');
    const alert = nextMessage(tech, 'alert:changed', (a) => a.alertId === 'speaker_degraded:DC-X1');
    const latest = nextMessage(tech, 'telemetry:latest', (m) => m.rows.some((r) => r.pointId === 'DC-X1'));
    await send(x1, [good, lossy, lossy, lossy]);
    await unstable;
    expect(await alert).toMatchObject({ kind: 'speaker_degraded', acknowledgedAt: null, clearedAt: null });
    expect((await latest).rows.find((r) => r.pointId === 'DC-X1')).toMatchObject({ lossPct: expect.any(Number) });
    const acked = nextMessage(tech, 'alert:changed', (a) => a.acknowledgedAt !== null);
    expect(await request(tech, 'alert:ack', { alertId: 'speaker_degraded:DC-X1' })).toMatchObject({ ok: true });
    await acked;
    expect(await request(x1, 'alert:ack', { alertId: 'speaker_degraded:DC-X1' })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });

    // Two of H2's two points unstable at once: a unit alert.
    const unitAlert = nextMessage(tech, 'alert:changed', (a) => a.alertId === 'unit_unstable:H2');
    await Promise.all([send(x3, [lossy, lossy, lossy]), send(x4, [lossy, lossy, lossy])]);
    expect(await unitAlert).toMatchObject({ unitId: 'H2' });

    // History for the technician's plot.
    const history = await request(tech, 'telemetry:history', { pointId: 'DC-X1' });
    expect(history.ok && history.history.lossPct).toEqual([0.3, 12, 12, 12]);
    expect(await request(x1, 'telemetry:history', { pointId: 'DC-X1' })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });

    // A point whose socket and samples stop is disconnected after the threshold; its drop is an outage.
    const dead = nextMessage(tech, 'link:changed', (m) => m.pointId === 'DC-X4' && m.health === 'disconnected', 5000);
    x4.close();
    await dead;
    const rows = await request(tech, 'attendance:get', {});
    const x4Row = rows.ok ? rows.rows.find((r) => r.pointId === 'DC-X4') : undefined;
    expect(x4Row?.intervals[0]?.outages).toHaveLength(1);
    const x1Row = rows.ok ? rows.rows.find((r) => r.pointId === 'DC-X1') : undefined;
    // Unstable since its third lossy sample, well over a second before the drop above.
    expect(x1Row?.unstableSeconds).toBeGreaterThanOrEqual(1);

    const csv = await fetch(`${t.url}/api/meetings/m1/attendance.csv`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(await csv.text()).toContain('Thời gian chập chờn (giây)');
    const detail = (await (
      await fetch(`${t.url}/api/meetings/m1`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as {
      alerts: { alertId: string }[];
      worstPoints: { pointId: string }[];
    };
    expect(detail.alerts.map((a) => a.alertId)).toEqual(
      expect.arrayContaining(['speaker_degraded:DC-X1', 'unit_unstable:H2']),
    );
    expect(detail.worstPoints[0]?.pointId).toMatch(/DC-X[134]/);
  });

  it('throttles a socket that floods samples, and only that socket', async () => {
    const x1 = (await t.connect('point', 'DC-X1')).socket;
    const x2 = (await t.connect('point', 'DC-X2')).socket;
    const acks = await Promise.all(Array.from({ length: 10 }, () => request(x1, 'telemetry:sample', good)));
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(await request(x2, 'telemetry:sample', good)).toMatchObject({ ok: true });
    await wait(600); // the bucket refills
    expect(await request(x1, 'telemetry:sample', { ...good, lossPct: 101 })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('serves Prometheus metrics prefixed diemcau_', async () => {
    const x1 = (await t.connect('point', 'DC-X1')).socket;
    await send(x1, [lossy, lossy, lossy]);
    await t.meeting.idle();
    const response = await fetch(`${t.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const metrics = parseMetrics(await response.text());
    expect(metrics.get('diemcau_points{meeting="m1",health="unstable"}')).toBe(1);
    expect(metrics.get('diemcau_telemetry_samples_total')).toBe(3);
    expect(metrics.get('diemcau_sockets')).toBeGreaterThanOrEqual(1);
    expect(metrics.get('diemcau_events_total{type="PointLinkChanged"}')).toBe(1);
    expect(metrics.get('diemcau_floor_queue_length{meeting="m1"}')).toBe(0);
    expect([...metrics.keys()].some((k) => k.startsWith('diemcau_nodejs_eventloop_lag'))).toBe(true);
  });
});

describe('Grafana dashboard', () => {
  it('queries only metrics the server exports', async () => {
    const { readFile } = await import('node:fs/promises');
    const dashboard = JSON.parse(await readFile('infra/grafana-dashboard.json', 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const t = await startTestServer();
    try {
      const exported =
        (await (await fetch(`${t.url}/metrics`)).text()).match(/^# TYPE (\S+)/gm)?.map((l) => l.slice(7)) ?? [];
      for (const expr of dashboard.panels.flatMap((p) => p.targets.map((target) => target.expr))) {
        const names = expr.match(/diemcau_[a-z0-9_]+/g) ?? [];
        for (const name of names) {
          expect(
            exported.some((e) => name === e || name.startsWith(`${e}_`)),
            `${name} in ${expr}`,
          ).toBe(true);
        }
      }
    } finally {
      await t.close();
    }
  });
});
