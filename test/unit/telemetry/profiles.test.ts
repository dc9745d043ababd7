import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../server/scenarios/names.js';
import { parseProfileMix, pickProfile, syntheticSample } from '../../../server/simulator/profiles.js';
import { DEFAULT_THRESHOLDS, isBadSample, type LinkSample } from '../../../server/telemetry/classify.js';

const full = (s: ReturnType<typeof syntheticSample>): LinkSample => ({
  lossPct: null,
  rttMs: null,
  jitterMs: null,
  fpsIn: null,
  fpsOut: null,
  kbpsIn: null,
  kbpsOut: null,
  freezeCount: null,
  freezeMs: null,
  audioLevel: null,
  qualityLimitation: null,
  ...s,
});

describe('simulator link profiles', () => {
  const random = seededRandom('profiles');

  it('good samples classify good, lossy bad, flapping alternates every 10 s, dead goes quiet', () => {
    expect(isBadSample(full(syntheticSample('good', 0, random, false)), DEFAULT_THRESHOLDS)).toBe(false);
    expect(isBadSample(full(syntheticSample('lossy', 0, random, false)), DEFAULT_THRESHOLDS)).toBe(true);
    expect(isBadSample(full(syntheticSample('flapping', 5000, random, false)), DEFAULT_THRESHOLDS)).toBe(false);
    expect(isBadSample(full(syntheticSample('flapping', 15_000, random, false)), DEFAULT_THRESHOLDS)).toBe(true);
    expect(syntheticSample('dead', 1000, random, false)).not.toBeNull();
    expect(syntheticSample('dead', 5000, random, false)).toBeNull();
    expect(isBadSample(full(syntheticSample('good', 0, random, true)), DEFAULT_THRESHOLDS)).toBe(true);
  });

  it('parses a mix and picks profiles in its proportions', () => {
    const mix = parseProfileMix('lossy=0.2,dead=0.1');
    const picks = Array.from({ length: 2000 }, () => pickProfile(mix, random));
    const share = (p: string) => picks.filter((x) => x === p).length / picks.length;
    expect(share('lossy')).toBeCloseTo(0.2, 1);
    expect(share('dead')).toBeCloseTo(0.1, 1);
    expect(share('good')).toBeCloseTo(0.7, 1);
    expect(() => parseProfileMix('noisy=0.1')).toThrow(/profile=share/);
    expect(() => parseProfileMix('lossy=0.7,dead=0.5')).toThrow(/more than 1/);
  });
});
