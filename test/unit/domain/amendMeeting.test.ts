import { describe, expect, it } from 'vitest';
import { replay } from '../../../server/domain/apply.js';
import { defineMeeting } from '../../../server/domain/core/definition.js';
import type { Actor } from '../../../server/domain/core/model.js';
import { codeOf, Meeting, smallDirectory, smallMeetingInput, T0 } from '../../helpers/domain.js';

const OFFICE: Actor = { role: 'admin', person: { username: 'vanphong', name: 'Trần Thị Hoa' } };
const amended = (overrides: Parameters<typeof smallMeetingInput>[0]) =>
  defineMeeting(smallDirectory(), smallMeetingInput(overrides), 'm1');

describe('the office amends a meeting it prepared', () => {
  it('before it opens: new time, title, invitation and limit replace the old; replay gives the same meeting', () => {
    const m = new Meeting();
    const definition = amended({
      title: 'Giao ban tháng 12 (đổi giờ)',
      scheduledStart: T0 + 3600_000,
      invite: { units: ['H1'] },
      settings: { speakingLimitSec: 420 },
    });
    const [event] = m.run({ type: 'meeting.amend', definition }, OFFICE);
    expect(event).toMatchObject({ type: 'MeetingAmended', by: { role: 'admin' } });
    expect(m.state.def.title).toBe('Giao ban tháng 12 (đổi giờ)');
    expect(m.state.def.invitedPointIds).toEqual(['DC-H1', 'DC-X1', 'DC-X2']);
    expect(Object.keys(m.state.points).sort()).toEqual(['DC-H1', 'DC-T', 'DC-X1', 'DC-X2']);
    expect(m.state.speakingLimitSec).toBe(420);
    expect(replay(JSON.parse(JSON.stringify(m.log)))).toEqual(m.state);
  });

  it('while rooms test their link: a connected point stays invited, the others may go; its record is kept', () => {
    const m = new Meeting();
    m.run({ type: 'meeting.open' });
    m.connect('DC-X3');
    const withoutX3 = amended({ invite: { units: ['H1'] } });
    expect(codeOf(() => m.run({ type: 'meeting.amend', definition: withoutX3 }, OFFICE))).toBe('VALIDATION_FAILED');
    expect(m.state.def.invitedPointIds).toContain('DC-X3');
    m.run({ type: 'meeting.amend', definition: amended({ invite: { units: ['H1'], points: ['DC-X3'] } }) }, OFFICE);
    expect(m.state.points['DC-X3']?.connected).toBe(true);
    expect(m.state.points['DC-X4']).toBeUndefined();
  });

  it('not once the session has started, nor by a chair, nor under another id', () => {
    const m = new Meeting();
    expect(codeOf(() => m.run({ type: 'meeting.amend', definition: amended({}) }))).toBe('FORBIDDEN');
    const other = defineMeeting(smallDirectory(), smallMeetingInput(), 'm2');
    expect(codeOf(() => m.run({ type: 'meeting.amend', definition: other }, OFFICE))).toBe('VALIDATION_FAILED');
    m.startSession();
    expect(codeOf(() => m.run({ type: 'meeting.amend', definition: amended({}) }, OFFICE))).toBe('INVALID_TRANSITION');
  });
});
