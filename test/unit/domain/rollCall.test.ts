import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../../server/domain/core/errors.js';
import { tallyRollCall } from '../../../server/domain/rollCall/rollCall.js';
import { Meeting, point } from '../../helpers/domain.js';

const presiding = { name: 'Nguyễn Văn An', title: 'Bí thư Đảng ủy xã' };
const confirm = (m: Meeting, pointId: string, headcount = 12) =>
  m.run({ type: 'rollcall.confirm', pointId, headcount, presiding }, point(pointId));
const codeOf = (fn: () => unknown): string => {
  try {
    fn();

    return 'no error';
  } catch (error) {
    return (error as DomainError).code;
  }
};
const tally = (m: Meeting) => tallyRollCall(m.state, m.state.rollCalls.at(-1)!);

describe('roll call', () => {
  it('covers every invited point (hub excluded) with the default 60 s deadline', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start' });
    const rollCall = m.state.rollCalls[0]!;
    expect(rollCall.pointIds).toEqual(['DC-H1', 'DC-H2', 'DC-X1', 'DC-X2', 'DC-X3', 'DC-X4']);
    expect(rollCall.deadlineAt - m.now).toBe(60_000);
  });

  it('scopes to a unit subtree', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start', unitId: 'H2', deadlineSec: 30 });
    expect(m.state.rollCalls[0]?.pointIds).toEqual(['DC-H2', 'DC-X3', 'DC-X4']);
    expect(codeOf(() => confirm(m, 'DC-X1'))).toBe('ROLL_CALL_NOT_FOUND');
  });

  it('outcomes: present before the deadline, late after it, absent if never, no signal if dropped', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start', deadlineSec: 60 });
    confirm(m, 'DC-X1', 15);
    m.disconnect('DC-X4');
    expect(tally(m).totals).toEqual({ present: 1, late: 0, absent: 0, noSignal: 1, pending: 4, headcount: 15 });
    // DC-X4, away past the attendance grace, also gets its standing alert.
    expect(m.advance(60_000).map((e) => e.type)).toEqual(['AlertRaised', 'RollCallDeadlinePassed']);
    confirm(m, 'DC-X2', 9);
    m.run({ type: 'rollcall.close' });
    const result = tally(m);
    expect(result.outcomes).toEqual({
      'DC-H1': 'absent',
      'DC-H2': 'absent',
      'DC-X1': 'present',
      'DC-X2': 'late',
      'DC-X3': 'absent',
      'DC-X4': 'noSignal',
    });
    expect(result.totals).toEqual({ present: 1, late: 1, absent: 3, noSignal: 1, pending: 0, headcount: 24 });
  });

  it("groups the live tally by unit: a district's own room under the district, a commune under its district", () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start' });
    confirm(m, 'DC-X1');
    confirm(m, 'DC-X3');
    confirm(m, 'DC-H2');
    const byUnit = Object.fromEntries(tally(m).byUnit.map((g) => [g.unitId, g.counts]));
    expect(Object.keys(byUnit)).toEqual(['H1', 'H2']);
    expect(byUnit.H1).toMatchObject({ present: 1, pending: 2 });
    expect(byUnit.H2).toMatchObject({ present: 2, pending: 1 });
  });

  it('a re-run shows the combined result: found by the re-run counts late, the rest keep the first outcome', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start', deadlineSec: 30 });
    confirm(m, 'DC-X1', 12);
    confirm(m, 'DC-X2', 8);
    m.run({ type: 'rollcall.close' });
    m.run({ type: 'rollcall.rerun', rollCallId: 'rc1', deadlineSec: 30 });
    expect(m.state.rollCalls[1]?.pointIds).toEqual(['DC-H1', 'DC-H2', 'DC-X3', 'DC-X4']);
    confirm(m, 'DC-X3', 5);
    const live = tally(m);
    expect(live.totals).toEqual({ present: 2, late: 1, absent: 0, noSignal: 0, pending: 3, headcount: 25 });
    m.run({ type: 'rollcall.close' });
    m.run({ type: 'rollcall.rerun', rollCallId: 'rc2', deadlineSec: 30 });
    confirm(m, 'DC-H1', 30);
    m.run({ type: 'rollcall.close' });
    const final = tally(m);
    expect(final.rollCallId).toBe('rc3');
    expect(final.outcomes).toEqual({
      'DC-H1': 'late',
      'DC-H2': 'absent',
      'DC-X1': 'present',
      'DC-X2': 'present',
      'DC-X3': 'late',
      'DC-X4': 'absent',
    });
    expect(final.totals).toMatchObject({ present: 2, late: 2, absent: 2, headcount: 55 });
  });

  it('frozen outcomes at close do not change when points reconnect later', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start' });
    m.disconnect('DC-X4');
    m.run({ type: 'rollcall.close' });
    m.connect('DC-X4');
    expect(tally(m).outcomes['DC-X4']).toBe('noSignal');
    expect(codeOf(() => confirm(m, 'DC-X4'))).toBe('ROLL_CALL_NOT_FOUND');
  });

  it('closes itself at the end of the late window', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start', deadlineSec: 10 });
    m.advance(10_000);
    const closed = m.advance(m.state.def.settings.rollCallLateWindowSec * 1000);
    expect(closed).toMatchObject([{ type: 'RollCallClosed', reason: 'window' }]);
  });

  it('one roll call at a time; re-run covers only the missing points; every roll call is kept', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start' });
    expect(codeOf(() => m.run({ type: 'rollcall.start' }))).toBe('ROLL_CALL_ACTIVE');
    for (const id of ['DC-H1', 'DC-H2', 'DC-X1', 'DC-X2']) {
      confirm(m, id);
    }
    m.disconnect('DC-X4');
    m.run({ type: 'rollcall.close' });
    m.run({ type: 'rollcall.rerun', rollCallId: 'rc1' });
    expect(m.state.rollCalls.map((r) => r.rollCallId)).toEqual(['rc1', 'rc2']);
    expect(m.state.rollCalls[1]).toMatchObject({ rerunOf: 'rc1', pointIds: ['DC-X3', 'DC-X4'] });
    confirm(m, 'DC-X3');
    m.run({ type: 'rollcall.close' });
    m.run({ type: 'rollcall.rerun', rollCallId: 'rc2' });
    expect(m.state.rollCalls[2]?.pointIds).toEqual(['DC-X4']);
    m.connect('DC-X4');
    confirm(m, 'DC-X4');
    m.run({ type: 'rollcall.close' });
    expect(codeOf(() => m.run({ type: 'rollcall.rerun', rollCallId: 'rc3' }))).toBe('NOTHING_TO_RERUN');
  });

  it('a second confirmation corrects the headcount but keeps the first time and lateness', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start', deadlineSec: 10 });
    confirm(m, 'DC-X1', 10);
    const first = m.now;
    m.advance(20_000);
    confirm(m, 'DC-X1', 14);
    expect(m.state.rollCalls[0]?.confirmations['DC-X1']).toMatchObject({
      headcount: 14,
      confirmedAt: first,
      late: false,
    });
  });

  it('refuses bad scopes and deadlines', () => {
    const m = new Meeting().startSession();
    expect(codeOf(() => m.run({ type: 'rollcall.start', unitId: 'ZZ' }))).toBe('UNIT_NOT_FOUND');
    expect(codeOf(() => m.run({ type: 'rollcall.start', deadlineSec: 1 }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => m.run({ type: 'rollcall.close' }))).toBe('ROLL_CALL_NOT_FOUND');
    expect(m.state.rollCalls).toEqual([]);
  });

  it('ending the meeting closes an open roll call', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start' });
    m.run({ type: 'meeting.end' });
    expect(m.state.rollCalls[0]?.closeReason).toBe('meeting_ended');
  });
});
