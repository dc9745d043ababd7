import type { RequestPayload } from '../protocol/requests.js';

/** Link profiles a simulated point follows, for demos and tests of link health. */
export const PROFILES = ['good', 'lossy', 'flapping', 'dead'] as const;
export type Profile = (typeof PROFILES)[number];

type Sample = RequestPayload<'telemetry:sample'>;

const between = (random: () => number, min: number, max: number) =>
  Math.round((min + random() * (max - min)) * 10) / 10;

function goodSample(random: () => number): Sample {
  return {
    lossPct: between(random, 0, 1.5),
    rttMs: between(random, 30, 90),
    jitterMs: between(random, 3, 15),
    fpsIn: between(random, 24, 30),
    fpsOut: between(random, 24, 30),
    kbpsIn: between(random, 600, 1200),
    kbpsOut: between(random, 500, 900),
    freezeCount: 0,
    freezeMs: 0,
    audioLevel: between(random, 0, 0.4),
    qualityLimitation: 'none',
  };
}

function badSample(random: () => number, severe: boolean): Sample {
  return {
    ...goodSample(random),
    lossPct: severe ? between(random, 25, 45) : between(random, 6, 15),
    rttMs: severe ? between(random, 600, 1200) : between(random, 150, 350),
    fpsIn: between(random, 4, 14),
    kbpsIn: between(random, 150, 400),
    freezeCount: Math.floor(random() * 4),
    freezeMs: Math.floor(random() * 2000),
    qualityLimitation: 'bandwidth',
  };
}

/**
 * The sample a point of this profile reports at `elapsedMs` since it joined. `outage` forces a severe sample (a
 * unit-wide outage upstream). `null` means the point sends nothing (a dead link).
 */
export function syntheticSample(
  profile: Profile,
  elapsedMs: number,
  random: () => number,
  outage: boolean,
): Sample | null {
  if (outage) {
    return badSample(random, true);
  }
  switch (profile) {
    case 'good': {
      return goodSample(random);
    }
    case 'lossy': {
      return badSample(random, false);
    }
    case 'flapping': {
      return Math.floor(elapsedMs / 10_000) % 2 === 0 ? goodSample(random) : badSample(random, false);
    }
    case 'dead': {
      return elapsedMs < 4000 ? goodSample(random) : null;
    }
    default: {
      const unknown: never = profile;
      throw new TypeError(`unknown profile ${String(unknown)}`);
    }
  }
}

/** Parses `good=0.8,lossy=0.1,flapping=0.05,dead=0.05` into cumulative shares. */
export function parseProfileMix(text: string): { profile: Profile; share: number }[] {
  const mix = text.split(',').map((part) => {
    const [name, share] = part.split('=');
    if (!PROFILES.includes(name as Profile) || Number.isNaN(Number(share))) {
      throw new Error(`--profiles: "${part}" is not profile=share (profiles: ${PROFILES.join(', ')})`);
    }

    return { profile: name as Profile, share: Number(share) };
  });
  const total = mix.reduce((sum, m) => sum + m.share, 0);
  if (total > 1.0001) {
    throw new Error('--profiles: shares add up to more than 1');
  }

  return mix;
}

/** Picks a profile for a point from the mix; the remainder is `good`. */
export function pickProfile(mix: { profile: Profile; share: number }[], random: () => number): Profile {
  let r = random();
  for (const { profile, share } of mix) {
    if (r < share) {
      return profile;
    }
    r -= share;
  }

  return 'good';
}
