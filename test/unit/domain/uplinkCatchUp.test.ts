import { describe, expect, it } from 'vitest';
import { catchUp, reportsUp, type ParentStanding } from '../../../server/domain/linking/uplinkCatchUp.js';
import { CHAIR, Meeting, point, SYSTEM } from '../../helpers/domain.js';

const presiding = { name: 'Lê Thị Hoa', title: 'Chủ tịch UBND xã' };

/** A province's meeting in session, linked up to the nation's. */
function child(): Meeting {
  const m = new Meeting().startSession();
  m.run({ type: 'uplink.configure', parentUrl: 'https://tw.example', linkTokenId: 'x' }, { role: 'admin' });
  m.run({ type: 'uplink.state', state: 'linked', parentMeetingId: 'tw', unitId: 'P1', parentTitle: 'TW' }, SYSTEM);

  return m;
}

/** The child holding the parent's roll call `parentRollCallId`, answered by its commune DC-X1. */
function answeredParentRollCall(parentRollCallId: string): Meeting {
  const m = child();
  m.run({ type: 'uplink.rollCall', parentRollCallId, deadlineAt: m.now + 60_000, closesAt: m.now + 90_000 }, SYSTEM);
  const local = m.state.rollCalls[0]!.rollCallId;
  m.run({ type: 'rollcall.confirm', rollCallId: local, pointId: 'DC-X1', headcount: 9, presiding }, point('DC-X1'));

  return m;
}

const standing = (overrides: Partial<ParentStanding> = {}): ParentStanding => ({
  parentMeetingId: 'tw',
  parentTitle: 'Hội nghị toàn quốc',
  unitId: 'P1',
  rollCall: null,
  turn: null,
  queued: [],
  slides: null,
  screen: null,
  ...overrides,
});

describe('catchUp()', () => {
  it('brings the meeting to where the parent stands: its roll call, the one it closed meanwhile, its turn, and what went up again', () => {
    const m = answeredParentRollCall('rc0');
    const answer = standing({
      rollCall: { rollCallId: 'rc1', deadlineAt: m.now + 60_000, closesAt: m.now + 90_000 },
      turn: { pointId: 'DC-X2', limitSec: 120 },
    });
    const { commands, reports } = catchUp(m.state, answer, () => false);
    expect(commands.map((c) => c.type)).toEqual([
      'uplink.state',
      'uplink.rollCall',
      'uplink.rollCallClosed',
      'uplink.slides',
      'uplink.screen',
      'uplink.turn',
    ]);
    expect(commands[2]).toMatchObject({ parentRollCallId: 'rc0' });
    // The answer to rc0 is not sent again: the parent's open roll call is rc1.
    expect(reports).toEqual([]);
    // Each command is one the meeting takes.
    for (const command of commands) {
      m.run(command, SYSTEM);
    }
    expect(m.state.floor).toMatchObject({ pointId: 'DC-X2', fromParent: true });
  });

  it('sends again the answers to the open roll call, and keeps ended a turn whose release is still on its way', () => {
    const m = answeredParentRollCall('rc1');
    const answer = standing({
      rollCall: { rollCallId: 'rc1', deadlineAt: m.now + 60_000, closesAt: m.now + 90_000 },
      turn: { pointId: 'DC-X1', limitSec: 120 },
    });
    const { commands, reports } = catchUp(m.state, answer, (pointId) => pointId === 'DC-X1');
    expect(commands.map((c) => c.type)).not.toContain('uplink.turn');
    // With when the commune answered here: the parent judges it by that, not by when it arrives.
    const answeredAt = m.state.rollCalls[0]!.confirmations['DC-X1']!.confirmedAt;
    expect(reports).toEqual([
      {
        key: 'confirm:rc1:DC-X1',
        event: 'link:confirm',
        body: { pointId: 'DC-X1', rollCallId: 'rc1', headcount: 9, presiding, answeredAt },
      },
    ]);
  });
});

describe('reportsUp()', () => {
  it('tells the parent of presence, answers, a released turn it gave, and asks for a new hello when a child links in', () => {
    const m = child();
    m.run({ type: 'point.disconnect', pointId: 'DC-X1' }, SYSTEM);
    const connected = m.run({ type: 'point.connect', pointId: 'DC-X1' }, SYSTEM);
    expect(reportsUp(m.state, connected, null).reports).toEqual([
      { key: 'presence:DC-X1', event: 'link:presence', body: { pointId: 'DC-X1', connected: true } },
    ]);
    const granted = m.run({ type: 'uplink.turn', pointId: 'DC-X1', limitSec: 120 }, SYSTEM);
    const afterGrant = reportsUp(m.state, granted, null);
    expect(afterGrant.parentTurn).toBe('DC-X1');
    const released = m.run({ type: 'floor.release', pointId: 'DC-X1' }, point('DC-X1'));
    expect(reportsUp(m.state, released, afterGrant.parentTurn).reports).toEqual([
      { key: 'release:DC-X1', event: 'link:release', body: { pointId: 'DC-X1' } },
    ]);
    // A turn the chair gave here is not the parent's: its end is not told up.
    m.run({ type: 'floor.grant', pointId: 'DC-X2', limitSec: 60 }, CHAIR);
    expect(
      reportsUp(m.state, m.run({ type: 'floor.release', pointId: 'DC-X2' }, point('DC-X2')), null).reports,
    ).toEqual([]);
    expect(reportsUp(m.state, [{ ...connected[0]!, type: 'ChildLinked' } as never], null).hello).toBe(true);
  });
});
