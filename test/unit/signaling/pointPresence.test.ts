import { describe, expect, it } from 'vitest';
import { PointPresence } from '../../../server/signaling/PointPresence.js';

describe('PointPresence: a point is present while it holds a socket on any node', () => {
  it('commands a change only when the point gains its first socket or loses its last', () => {
    const presence = new PointPresence();
    presence.added('m1', 'DC-1');
    expect(presence.change('m1', 'DC-1', false)).toBe(true);
    presence.added('m1', 'DC-1');
    expect(presence.change('m1', 'DC-1', false)).toBeNull(); // already commanded, not yet in the state
    presence.removed('m1', 'DC-1');
    expect(presence.change('m1', 'DC-1', true)).toBeNull();
    presence.removed('m1', 'DC-1');
    expect(presence.change('m1', 'DC-1', true)).toBe(false);
    expect(presence.change('m1', 'DC-1', true)).toBeNull();
  });

  it('keeps meetings and points apart, and forgets one meeting whole', () => {
    const presence = new PointPresence();
    presence.added('m1', 'DC-1');
    presence.added('m10', 'DC-1');
    expect(presence.change('m1', 'DC-1', false)).toBe(true);
    expect(presence.change('m1', 'DC-2', false)).toBeNull();
    presence.forget('m1');
    // Forgotten: the meeting's own record decides again, and m10's socket still counts.
    expect(presence.change('m1', 'DC-1', true)).toBe(false);
    expect(presence.change('m10', 'DC-1', false)).toBe(true);
  });

  it('a removal never counted does not go below zero', () => {
    const presence = new PointPresence();
    presence.removed('m1', 'DC-1');
    presence.added('m1', 'DC-1');
    expect(presence.change('m1', 'DC-1', false)).toBe(true);
  });
});
