import { describe, expect, it } from 'vitest';
import { summarizeAttendance } from '../../../client/src/chair/attendanceSummary.js';
import { countdownPhase, WARNING_SEC } from '../../../client/src/components/Countdown.js';
import { shownHealth } from '../../../client/src/components/pointHealth.js';
import { TURN_NOTICE_MS, turnNotice } from '../../../client/src/point/turnNotice.js';
import type { PointStatus } from '../../../server/protocol/messages.js';
import { attendance } from '../../../server/domain/rollCall/attendance.js';
import { en } from '../../../client/src/i18n/en.js';
import { initialLanguage } from '../../../client/src/i18n/index.js';
import { vi } from '../../../client/src/i18n/vi.js';
import { applyMessage, fromSnapshot, serverNow, type ConsoleState } from '../../../client/src/state/consoleState.js';
import { pointsOfUnit, unitsInTreeOrder, unitSubtree } from '../../../client/src/state/units.js';
import { DirectoryIndex } from '../../../server/domain/directory/directory.js';
import { floorView, rollCallPointView, rollCallStaffView, snapshotFor } from '../../../server/signaling/views.js';
import { CHAIR, Meeting, point, smallDirectory, SYSTEM } from '../../helpers/domain.js';

const index = new DirectoryIndex(smallDirectory());

/** A console's state from the server's own snapshot view of a test meeting. */
function consoleOf(m: Meeting, actor = CHAIR, localNow = m.now): ConsoleState {
  return fromSnapshot(snapshotFor(m.state, index, actor, m.now, 2000), localNow);
}

describe('console state: the snapshot and the deltas that follow it', () => {
  it('starts from the snapshot with the server clock offset, points in directory order and the unit tree', () => {
    const m = new Meeting().startSession();
    const state = consoleOf(m, CHAIR, m.now - 1500);
    expect(state.clockOffsetMs).toBe(1500);
    expect(serverNow(state, m.now - 1500)).toBe(m.now);
    expect(state.pointOrder).toEqual(m.state.def.invitedPointIds);
    expect(Object.values(state.points).every((p) => p.connected)).toBe(true);
    expect(state.units.length).toBeGreaterThan(0);
    expect(state.mics).toEqual({ chairsOpen: m.state.mics.chairsOpen, openPoints: [], scan: null });
  });

  it('tells a point that never joined (grey, last) from one that joined and was lost (red)', () => {
    const m = new Meeting();
    m.run({ type: 'meeting.open' });
    m.run({ type: 'point.connect', pointId: 'DC-X1' }, SYSTEM);
    let state = consoleOf(m);
    expect(shownHealth(state.points['DC-X1'] as PointStatus)).toBe('stable');
    expect(shownHealth(state.points['DC-X2'] as PointStatus)).toBe('notJoined');
    // One message per stored batch: one point dropped and another joined in it.
    state = applyMessage(state, {
      name: 'presence:changed',
      payload: {
        seq: 61,
        points: [
          { pointId: 'DC-X1', connected: false, at: m.now },
          { pointId: 'DC-X3', connected: true, at: m.now },
        ],
      },
    });
    expect(shownHealth(state.points['DC-X1'] as PointStatus)).toBe('disconnected');
    expect(shownHealth(state.points['DC-X3'] as PointStatus)).toBe('stable');
    expect(shownHealth(state.points['DC-X2'] as PointStatus)).toBe('notJoined');
    expect(vi.health.notJoined).toBe('Chưa vào');
  });

  it('tells a room its request was not accepted, its time ran out or the chair stopped it — the latest of these', () => {
    const m = new Meeting().startSession();
    let state = consoleOf(m, point('DC-X1'));
    expect(turnNotice(state, m.now)).toBeNull();
    const denied = (pointId: string, at: number) =>
      ({ name: 'floor:denied', payload: { seq: 80, requestId: 'r9', pointId, reason: 'Trùng nội dung', at } }) as const;
    state = applyMessage(state, denied('DC-X2', m.now));
    expect(turnNotice(state, m.now)).toBeNull();
    state = applyMessage(state, denied('DC-X1', m.now));
    expect(turnNotice(state, m.now)).toEqual({ kind: 'denied', reason: 'Trùng nội dung' });
    m.now += 1000;
    m.run({ type: 'floor.grant', pointId: 'DC-X1', limitSec: 60 });
    m.advance(60_000);
    state = applyMessage(state, { name: 'floor:changed', payload: floorView(m.state, index) });
    expect(turnNotice(state, m.now)).toEqual({ kind: 'timeUp' });
    m.run({ type: 'floor.grant', pointId: 'DC-X1', limitSec: 60 });
    m.run({ type: 'floor.revoke' });
    state = applyMessage(state, { name: 'floor:changed', payload: floorView(m.state, index) });
    expect(turnNotice(state, m.now)).toEqual({ kind: 'stopped' });
    // News for a minute and a half, not for the rest of the meeting.
    expect(turnNotice(state, m.now + TURN_NOTICE_MS)).toBeNull();
    // Another room's turn after it changes nothing here; this room's own release needs no notice.
    m.run({ type: 'floor.grant', pointId: 'DC-X2', limitSec: 60 });
    m.run({ type: 'floor.revoke' });
    state = applyMessage(state, { name: 'floor:changed', payload: floorView(m.state, index) });
    expect(turnNotice(state, m.now)).toEqual({ kind: 'stopped' });
    m.run({ type: 'floor.grant', pointId: 'DC-X1', limitSec: 60 });
    m.run({ type: 'floor.release', pointId: 'DC-X1' }, point('DC-X1'));
    state = applyMessage(state, { name: 'floor:changed', payload: floorView(m.state, index) });
    expect(turnNotice(state, m.now)).toBeNull();
  });

  it('follows presence, link class, readiness and alerts; ignores points it does not know', () => {
    const m = new Meeting().startSession();
    let state = consoleOf(m);
    state = applyMessage(state, {
      name: 'presence:changed',
      payload: { seq: 50, points: [{ pointId: 'DC-X1', connected: false, at: m.now }] },
    });
    state = applyMessage(state, {
      name: 'link:changed',
      payload: { seq: 51, pointId: 'DC-X2', health: 'unstable', silent: false, at: m.now },
    });
    state = applyMessage(state, {
      name: 'readiness:changed',
      payload: {
        seq: 52,
        points: [{ pointId: 'DC-X2', camera: true, microphone: false, network: true, at: m.now }],
      },
    });
    state = applyMessage(state, {
      name: 'alert:changed',
      payload: {
        seq: 53,
        alertId: 'speaker_degraded:DC-X2',
        kind: 'speaker_degraded',
        pointId: 'DC-X2',
        unitId: null,
        raisedAt: m.now,
        acknowledgedAt: null,
        clearedAt: null,
      },
    });
    const before = state;
    state = applyMessage(state, {
      name: 'presence:changed',
      payload: { seq: 54, points: [{ pointId: 'DC-NOBODY', connected: true, at: m.now }] },
    });
    expect(state.points['DC-NOBODY']).toBeUndefined();
    expect(state.points).toBe(before.points);
    expect(state.seq).toBe(54);
    expect(state.points['DC-X1']?.connected).toBe(false);
    expect(state.points['DC-X2']).toMatchObject({ health: 'unstable', readiness: { microphone: false } });
    expect(state.alerts['speaker_degraded:DC-X2']?.kind).toBe('speaker_degraded');
  });

  it('merges partial roll-call tallies into the outcomes it has', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start', deadlineSec: 60 });
    let state = consoleOf(m);
    const rollCall = m.state.rollCalls.at(-1);
    if (rollCall === undefined) {
      throw new Error('expected a roll call');
    }
    expect(Object.values(state.rollCall?.outcomes ?? {}).every((o) => o === 'pending')).toBe(true);
    m.run(
      { type: 'rollcall.confirm', pointId: 'DC-X1', headcount: 12, presiding: { name: 'Lê Văn An', title: 'Bí thư' } },
      point('DC-X1'),
    );
    const full = rollCallStaffView(m.state, rollCall, index);
    state = applyMessage(state, {
      name: 'rollcall:changed',
      payload: { ...full, outcomes: { 'DC-X1': 'present' }, partial: true },
    });
    expect(state.rollCall?.totals?.present).toBe(1);
    expect(state.rollCall?.outcomes?.['DC-X1']).toBe('present');
    expect(Object.keys(state.rollCall?.outcomes ?? {})).toHaveLength(m.state.def.invitedPointIds.length);
  });

  it('a point keeps its own confirmation when a scope broadcast leaves it out', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'rollcall.start', deadlineSec: 60 });
    m.run(
      { type: 'rollcall.confirm', pointId: 'DC-X1', headcount: 9, presiding: { name: 'Lê Văn An', title: 'Bí thư' } },
      point('DC-X1'),
    );
    let state = consoleOf(m, point('DC-X1'));
    expect(state.rollCall?.confirmation?.headcount).toBe(9);
    const rollCall = m.state.rollCalls.at(-1);
    if (rollCall === undefined) {
      throw new Error('expected a roll call');
    }
    const { confirmation: _left, ...broadcast } = rollCallPointView(m.state, rollCall, 'DC-X1');
    state = applyMessage(state, { name: 'rollcall:changed', payload: broadcast });
    expect(state.rollCall?.confirmation?.headcount).toBe(9);
  });

  it('keeps "get ready" only while that request still waits, and marks the warned speaker', () => {
    const m = new Meeting().startSession();
    const requestId = m.request('DC-X1');
    let state = consoleOf(m, point('DC-X1'));
    state = applyMessage(state, { name: 'floor:getReady', payload: { seq: m.state.seq, requestId } });
    state = applyMessage(state, { name: 'floor:changed', payload: floorView(m.state, index) });
    expect(state.getReady).toBe(requestId);
    m.run({ type: 'floor.grant', requestId });
    state = applyMessage(state, { name: 'floor:changed', payload: floorView(m.state, index) });
    expect(state.getReady).toBeNull();
    const endsAt = state.floor.holder?.endsAt ?? 0;
    state = applyMessage(state, { name: 'floor:warning', payload: { seq: m.state.seq, pointId: 'DC-X1', endsAt } });
    expect(state.floor.holder?.warned).toBe(true);
  });

  it('ignores media messages (the media client owns them)', () => {
    const state = consoleOf(new Meeting().startSession());
    expect(applyMessage(state, { name: 'media:reconnect', payload: { reason: 'bridge restarted' } })).toBe(state);
  });
});

describe('console helpers', () => {
  it('the countdown is normal, amber from the warning, red at the limit', () => {
    expect(countdownPhase(WARNING_SEC + 1, false)).toBe('normal');
    expect(countdownPhase(WARNING_SEC, false)).toBe('warning');
    expect(countdownPhase(200, true)).toBe('warning');
    expect(countdownPhase(0, true)).toBe('over');
  });

  it("the chair's attendance figures: who attended, people present, outages, who never joined", () => {
    const m = new Meeting();
    m.run({ type: 'meeting.open' });
    const [first, second, ...rest] = m.state.def.invitedPointIds as [string, string, ...string[]];
    m.connect(first, second);
    m.run({ type: 'meeting.start' });
    m.run({ type: 'rollcall.start', deadlineSec: 60 });
    m.run(
      { type: 'rollcall.confirm', pointId: first, headcount: 14, presiding: { name: 'Lê Văn An', title: 'Bí thư' } },
      point(first),
    );
    m.now += 5000;
    m.disconnect(second);
    m.now += 5000;
    m.connect(second);
    m.now += 60_000;
    const summary = summarizeAttendance(attendance(m.state, m.now));
    expect(summary).toMatchObject({ attended: 2, invited: 2 + rest.length, headcount: 14, withOutages: 1 });
    expect(summary.neverJoined).toHaveLength(rest.length);
  });

  it('units in tree order with depth, subtrees and their points, at any depth', () => {
    const units = [
      { code: 'T', name: 'Tỉnh', level: 'province', parentCode: null },
      { code: 'X', name: 'Xã', level: 'commune', parentCode: 'H' },
      { code: 'H', name: 'Huyện', level: 'district', parentCode: 'T' },
      { code: 'TH', name: 'Thôn', level: 'village', parentCode: 'X' },
      { code: 'LOST', name: 'Đơn vị lẻ', level: 'commune', parentCode: 'GONE' },
    ];
    expect(unitsInTreeOrder(units).map(({ unit, depth }) => `${unit.code}:${depth}`)).toEqual([
      'T:0',
      'H:1',
      'X:2',
      'TH:3',
      'LOST:0',
    ]);
    expect([...unitSubtree(units, 'H')].sort()).toEqual(['H', 'TH', 'X']);
    const p = (pointId: string, unitId: string) => ({
      pointId,
      name: pointId,
      unitId,
      level: '',
      connected: true,
      joined: true,
      linkLost: false,
      health: 'stable' as const,
      silent: false,
      readiness: null,
    });
    const points = { a: p('a', 'T'), b: p('b', 'TH'), c: p('c', 'LOST') };
    expect(pointsOfUnit(units, ['c', 'b', 'a'], points, 'H').map((x) => x.pointId)).toEqual(['b']);
    expect(pointsOfUnit(units, ['c', 'b', 'a'], points, null).map((x) => x.pointId)).toEqual(['c', 'b', 'a']);
  });

  it('Vietnamese and English have the same keys, none empty; Vietnamese is the default', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`),
      );
    expect(keys(en).sort()).toEqual(keys(vi).sort());
    const values = (o: object): string[] =>
      Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : values(v as object)));
    expect(values(vi).every((s) => s.trim() !== '')).toBe(true);
    expect(initialLanguage('', null)).toBe('vi');
    expect(initialLanguage('?lang=en', 'vi')).toBe('en');
    expect(initialLanguage('', 'en')).toBe('en');
    expect(initialLanguage('?lang=fr', null)).toBe('vi');
  });
});
