import { describe, expect, it } from 'vitest';
import type { RequestName } from '../../../server/protocol/requests.js';
import { socketLimiter } from '../../../server/signaling/limits.js';

/** The requests one mediasoup join makes, in order (client/src/media/MediasoupSession.ts). */
const MEDIASOUP_JOIN: RequestName[] = [
  'media:join',
  'media:capabilities',
  'media:transport',
  'media:transport',
  'media:produce',
  'media:connect',
  'media:produce',
  'media:connect',
];

describe('media request budget', () => {
  it('admits a join and two immediate rejoins after a dead worker without throttling', () => {
    const allow = socketLimiter(5000, 1);
    const sequence = [...MEDIASOUP_JOIN, ...MEDIASOUP_JOIN, ...MEDIASOUP_JOIN];
    expect(sequence.map((name) => allow(name))).toEqual(sequence.map(() => true));
  });

  it('admits resuming a full grid page of consumers at once, twice', () => {
    const allow = socketLimiter(5000, 1);
    const resumes = Array.from({ length: 40 }, () => allow('media:resume'));
    expect(resumes.every(Boolean)).toBe(true);
  });

  it('still throttles a socket that floods media requests', () => {
    const allow = socketLimiter(5000, 1);
    const results = Array.from({ length: 100 }, () => allow('media:transport'));
    expect(results.filter((ok) => !ok).length).toBeGreaterThan(50);
  });
});
