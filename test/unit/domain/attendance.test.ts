import { describe, expect, it } from 'vitest';
import { attendance, intervalsOf } from '../../../server/domain/rollCall/attendance.js';
import { Meeting, point } from '../../helpers/domain.js';

const s = 1000;
const on = (at: number) => ({ at, connected: true });
const off = (at: number) => ({ at, connected: false });

describe('attendance intervals', () => {
  it('a drop shorter than the grace is an outage inside the interval', () => {
    expect(intervalsOf([on(0), off(100 * s), on(110 * s)], 20 * s, 200 * s, true)).toEqual([
      { from: 0, to: 200 * s, outages: [{ from: 100 * s, to: 110 * s }] },
    ]);
  });

  it('a drop longer than the grace ends the interval at the moment of the drop', () => {
    expect(intervalsOf([on(0), off(100 * s), on(130 * s)], 20 * s, 200 * s, true)).toEqual([
      { from: 0, to: 100 * s, outages: [] },
      { from: 130 * s, to: 200 * s, outages: [] },
    ]);
  });

  it('exactly the grace period still counts as an outage', () => {
    expect(intervalsOf([on(0), off(10 * s), on(30 * s)], 20 * s, 40 * s, true)).toHaveLength(1);
  });

  it('a drop still within grace is an ongoing outage while the meeting runs, and a leave once it has ended', () => {
    expect(intervalsOf([on(0), off(50 * s)], 20 * s, 60 * s, false)).toEqual([
      { from: 0, to: null, outages: [{ from: 50 * s, to: null }] },
    ]);
    expect(intervalsOf([on(0), off(50 * s)], 20 * s, 60 * s, true)).toEqual([{ from: 0, to: 50 * s, outages: [] }]);
    expect(intervalsOf([on(0), off(50 * s)], 20 * s, 90 * s, false)).toEqual([{ from: 0, to: 50 * s, outages: [] }]);
  });

  it('a point that never joined has no interval', () => {
    expect(intervalsOf([], 20 * s, 60 * s, true)).toEqual([]);
  });
});

describe('attendance rows', () => {
  it('a room that waited in the waiting room is present from the opening, not from its arrival', () => {
    const m = new Meeting();
    m.connect('DC-X1');
    m.now += 40 * 60 * s;
    m.run({ type: 'meeting.open' });
    const openedAt = m.now;
    m.now += 30 * 60 * s;
    m.run({ type: 'meeting.end' });
    const row = attendance(m.state, m.now).find((r) => r.pointId === 'DC-X1');
    expect(row?.intervals[0]?.from).toBe(openedAt);
    expect(row?.minutesPresent).toBe(30);
  });

  it('carries minutes present, outages and the latest roll call headcount and presiding official', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start' });
    m.run(
      { type: 'rollcall.confirm', pointId: 'DC-X1', headcount: 12, presiding: { name: 'A', title: 'Bí thư' } },
      point('DC-X1'),
    );
    m.run({ type: 'rollcall.close' });
    m.now += 60 * s;
    m.disconnect('DC-X1');
    m.now += 10 * s;
    m.connect('DC-X1');
    m.run({ type: 'rollcall.start' });
    m.run(
      { type: 'rollcall.confirm', pointId: 'DC-X1', headcount: 15, presiding: { name: 'B', title: 'Chủ tịch' } },
      point('DC-X1'),
    );
    m.now += 50 * s;
    m.run({ type: 'meeting.end' });
    const rows = attendance(m.state, m.now);
    expect(rows).toHaveLength(6);
    const x1 = rows.find((r) => r.pointId === 'DC-X1')!;
    expect(x1).toMatchObject({
      minutesPresent: 2,
      outageSeconds: 10,
      headcount: 15,
      presiding: { name: 'B', title: 'Chủ tịch' },
    });
    expect(x1.unitPath).toEqual(['Tỉnh Thử Nghiệm', 'Huyện Một', 'Xã Tân Sơn']);
    // A district's own room counts under its district, as its communes do.
    expect(rows.map((r) => r.groupUnitId)).toEqual(['H1', 'H1', 'H1', 'H2', 'H2', 'H2']);
    expect(rows.find((r) => r.pointId === 'DC-X2')?.headcount).toBeNull();
  });
});
