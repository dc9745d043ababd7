import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS as T,
  initialLinkState,
  isBadSample,
  onSample,
  onSweep,
  unstableReasons,
  type LinkSample,
  type LinkState,
} from '../../../server/telemetry/classify.js';
import { SampleRing } from '../../../server/telemetry/TelemetryHistory.js';

const sample = (over: Partial<LinkSample> = {}): LinkSample => ({
  lossPct: 0.5,
  rttMs: 60,
  jitterMs: 8,
  fpsIn: 25,
  fpsOut: 25,
  kbpsIn: 900,
  kbpsOut: 800,
  freezeCount: 0,
  freezeMs: 0,
  audioLevel: 0.2,
  qualityLimitation: 'none',
  ...over,
});
const good = sample();
const lossy = sample({ lossPct: 9 });

const feed = (state: LinkState, samples: LinkSample[], start = 0): LinkState =>
  samples.reduce((s, x, i) => onSample(s, x, start + i * 2000, T), state);

describe('link classification', () => {
  it('says why a link is unstable: the bad measures, or recovering when the latest sample is good', () => {
    const unstable = feed(initialLinkState(0), [lossy, lossy, sample({ lossPct: 9, fpsIn: 4, fpsOut: 4 })]);
    expect(unstable.health).toBe('unstable');
    expect(unstableReasons(unstable, sample({ lossPct: 9, fpsIn: 4, fpsOut: 4 }), T)).toEqual(['loss', 'fps']);
    const better = feed(unstable, [good], 10_000);
    expect(better.health).toBe('unstable');
    expect(unstableReasons(better, good, T)).toEqual(['recovering']);
    expect(unstableReasons(feed(better, [good, good], 20_000), good, T)).toEqual([]);
  });

  it('a sample is bad on loss, RTT, or low fps while video flows', () => {
    expect(isBadSample(good, T)).toBe(false);
    expect(isBadSample(lossy, T)).toBe(true);
    expect(isBadSample(sample({ rttMs: 450 }), T)).toBe(true);
    expect(isBadSample(sample({ fpsIn: 6, fpsOut: 4 }), T)).toBe(true);
    expect(isBadSample(sample({ fpsIn: 0, fpsOut: 0, kbpsIn: 40 }), T)).toBe(false);
  });

  it('needs 3 bad samples in a row to become unstable, and 3 good ones to recover', () => {
    let s = initialLinkState(0);
    s = feed(s, [lossy, lossy, good, lossy, lossy]);
    expect(s.health).toBe('stable');
    s = feed(s, [lossy]);
    expect(s.health).toBe('unstable');
    s = feed(s, [good, good, lossy, good, good]);
    expect(s.health).toBe('unstable');
    s = feed(s, [good]);
    expect(s.health).toBe('stable');
  });

  it('is disconnected after 6 s with neither sample nor socket, and unstable again on its first sample', () => {
    let s = feed(initialLinkState(0), [good], 0);
    s = onSweep(s, 1000, 6000, T);
    expect(s.health).toBe('stable');
    s = onSweep(s, 1000, 7100, T);
    expect(s.health).toBe('disconnected');
    s = onSample(s, good, 9000, T);
    expect(s.health).toBe('unstable');
    s = feed(s, [good, good, good], 11_000);
    expect(s.health).toBe('stable');
  });

  it('a socket that stays up is never disconnected, but falls silent without samples', () => {
    let s = feed(initialLinkState(0), [good]);
    s = onSweep(s, null, 15_000, T);
    expect(s).toMatchObject({ health: 'stable', silent: false });
    s = onSweep(s, null, 20_001, T);
    expect(s).toMatchObject({ health: 'stable', silent: true });
    s = onSample(s, good, 21_000, T);
    expect(s.silent).toBe(false);
  });
});

describe('SampleRing', () => {
  it('keeps the newest samples up to its capacity, as columns, oldest first', () => {
    const ring = new SampleRing({ capacity: 3 });
    [1, 2, 3, 4, 5].forEach((i) => ring.push(i * 1000, sample({ lossPct: i })));
    const columns = ring.columns();
    expect(columns.at).toEqual([3000, 4000, 5000]);
    expect(columns.lossPct).toEqual([3, 4, 5]);
    expect(ring.columns(4000).at).toEqual([4000, 5000]);
    expect(ring.max('lossPct')).toBe(5);
  });

  it('keeps missing values as null', () => {
    const ring = new SampleRing({ capacity: 900 });
    ring.push(1, sample({ fpsIn: null }));
    expect(ring.columns().fpsIn).toEqual([null]);
  });
});
