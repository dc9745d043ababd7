import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../../server/domain/health/alerts.js';
import { attendance } from '../../../server/domain/rollCall/attendance.js';
import type { Health } from '../../../server/domain/core/model.js';
import { Meeting, SYSTEM, smallMeetingInput } from '../../helpers/domain.js';

/** Sets a point's link class and lets the alert rules run, as the runtime does. */
function link(m: Meeting, pointId: string, health: Health, silent = false): void {
  m.run({ type: 'point.link', pointId, health, silent }, SYSTEM);
  m.run({ type: 'alerts.evaluate' }, SYSTEM);
}

const open = (m: Meeting) => m.state.alerts.filter((a) => a.clearedAt === null).map((a) => a.alertId);

describe('alert rules', () => {
  it('the speaker or the next in line degrading raises an alert, cleared when it recovers', () => {
    // Units of three points would also raise their unit's alert here; this test is about the two points.
    const m = new Meeting(smallMeetingInput({ settings: { alertUnitMinPoints: 4 } })).startSession();
    m.request('DC-X1');
    m.request('DC-X2');
    m.request('DC-X3');
    m.run({ type: 'floor.next' });
    link(m, 'DC-X3', 'unstable');
    expect(open(m)).toEqual([]);
    // The next in line is named as such, not as the speaker.
    link(m, 'DC-X2', 'unstable');
    expect(open(m)).toEqual(['next_degraded:DC-X2']);
    link(m, 'DC-X1', 'disconnected');
    expect(open(m)).toEqual(['next_degraded:DC-X2', 'speaker_degraded:DC-X1']);
    link(m, 'DC-X2', 'stable');
    expect(open(m)).toEqual(['speaker_degraded:DC-X1']);
    expect(m.state.alerts.find((a) => a.alertId === 'next_degraded:DC-X2')?.clearedAt).toBe(m.now);
  });

  it('a point that joined and stays away past the grace gets a standing alert until it is back; a blip gets none', () => {
    const m = new Meeting().startSession();
    const graceMs = m.state.def.settings.attendanceGraceSec * 1000;
    // A short drop, back within the grace: nothing.
    m.disconnect('DC-X1');
    m.advance(graceMs / 2);
    m.connect('DC-X1');
    m.run({ type: 'alerts.evaluate' }, SYSTEM);
    m.advance(graceMs);
    expect(open(m)).toEqual([]);
    // Away past the grace: raised by the timer, kept while the point is away (acknowledged or not).
    m.disconnect('DC-X2');
    m.advance(graceMs - 1);
    expect(open(m)).toEqual([]);
    expect(m.advance(1).map((e) => e.type)).toEqual(['AlertRaised']);
    expect(m.state.alerts).toMatchObject([{ alertId: 'point_lost:DC-X2', kind: 'point_lost', pointId: 'DC-X2' }]);
    m.run({ type: 'alert.acknowledge', alertId: 'point_lost:DC-X2' });
    link(m, 'DC-X3', 'unstable');
    m.advance(60_000);
    expect(open(m)).toEqual(['point_lost:DC-X2']);
    // Back: cleared.
    m.connect('DC-X2');
    m.run({ type: 'alerts.evaluate' }, SYSTEM);
    expect(open(m)).toEqual([]);
  });

  it("more than the configured share of one unit's points unstable at once raises a unit alert", () => {
    const m = new Meeting(
      smallMeetingInput({ settings: { alertUnitMinPoints: 2, alertUnitShare: 0.5 } }),
    ).startSession();
    link(m, 'DC-X3', 'unstable');
    expect(open(m)).toEqual([]);
    link(m, 'DC-X4', 'unstable');
    expect(m.state.alerts).toMatchObject([{ alertId: 'unit_unstable:H2', kind: 'unit_unstable', unitId: 'H2' }]);
  });

  it('units smaller than the minimum never raise a unit alert', () => {
    const m = new Meeting(smallMeetingInput({ settings: { alertUnitMinPoints: 4 } })).startSession();
    link(m, 'DC-X3', 'unstable');
    link(m, 'DC-X4', 'unstable');
    expect(open(m)).toEqual([]);
  });

  it('a connected point silent too long raises an alert; acknowledging keeps it open until it clears', () => {
    const m = new Meeting().startSession();
    link(m, 'DC-X1', 'stable', true);
    expect(open(m)).toEqual(['point_silent:DC-X1']);
    m.run({ type: 'alert.acknowledge', alertId: 'point_silent:DC-X1' }, { role: 'technician' });
    expect(m.state.alerts[0]?.acknowledgedAt).toBe(m.now);
    expect(m.run({ type: 'alert.acknowledge', alertId: 'point_silent:DC-X1' }, { role: 'technician' })).toEqual([]);
    link(m, 'DC-X1', 'stable', false);
    expect(open(m)).toEqual([]);
    expect(m.state.alerts).toHaveLength(1);
    expect(() => m.run({ type: 'alert.acknowledge', alertId: 'nope' }, { role: 'technician' })).toThrow(
      /NOT_FOUND|cảnh báo/,
    );
  });

  it('a point that is not the speaker may degrade without an alert', () => {
    const m = new Meeting().startSession();
    link(m, 'DC-X1', 'unstable');
    expect(evaluateAlerts(m.state)).toEqual([]);
  });
});

describe('link health in roll calls and attendance', () => {
  it('a point whose link is classified disconnected has no signal in the roll call', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start' });
    link(m, 'DC-X1', 'disconnected');
    m.run({ type: 'rollcall.close' });
    expect(m.state.rollCalls[0]?.outcomes?.['DC-X1']).toBe('noSignal');
  });

  it('attendance counts unstable time and merges link outages with socket drops', () => {
    const m = new Meeting().startSession();
    m.now += 10_000;
    link(m, 'DC-X1', 'unstable');
    m.now += 30_000;
    link(m, 'DC-X1', 'stable');
    m.now += 10_000;
    m.disconnect('DC-X1');
    m.now += 2000;
    link(m, 'DC-X1', 'disconnected');
    m.now += 8000;
    m.connect('DC-X1');
    link(m, 'DC-X1', 'unstable');
    m.now += 4000;
    m.run({ type: 'meeting.end' });
    const row = attendance(m.state, m.now).find((r) => r.pointId === 'DC-X1');
    expect(row?.intervals).toHaveLength(1);
    expect(row?.intervals[0]?.outages).toEqual([{ from: m.now - 14_000, to: m.now - 4000 }]);
    expect(row).toMatchObject({ outageSeconds: 10, unstableSeconds: 34 });
  });
});
