import { describe, expect, it } from 'vitest';
import { invitationWindow } from '../../../server/domain/directory/invitations.js';

const H = 3600_000;
const START = Date.UTC(2026, 11, 15, 1, 0); // 08:00 in Hanoi

describe('invitation links are valid around the meeting, not for 12 h from their issue', () => {
  it('open two hours before the start and last until four hours after the scheduled end', () => {
    expect(invitationWindow({ scheduledStart: START, scheduledEnd: START + 3 * H }, START - 5 * 24 * H)).toEqual({
      notBefore: START - 2 * H,
      expiresAt: START + 7 * H,
    });
  });

  it('without a scheduled end, a meeting is taken to last eight hours', () => {
    expect(invitationWindow({ scheduledStart: START, scheduledEnd: null }, START - H).expiresAt).toBe(START + 12 * H);
  });

  it('issued once the window is open, a link works at once; issued after it, for an hour', () => {
    expect(invitationWindow({ scheduledStart: START, scheduledEnd: null }, START).notBefore).toBeNull();
    const late = START + 20 * H;
    expect(invitationWindow({ scheduledStart: START, scheduledEnd: null }, late)).toEqual({
      notBefore: null,
      expiresAt: late + H,
    });
  });
});
