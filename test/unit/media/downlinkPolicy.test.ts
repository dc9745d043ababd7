import { describe, expect, it } from 'vitest';
import {
  FIRST_WAIT_MS,
  NO_VIDEO,
  NO_VIDEO_AFTER_MS,
  SETTLE_MS,
  START_LAYER,
  TOP_LAYER,
  initialDownlink,
  layerUnder,
  nextDownlink,
  type DownlinkState,
} from '../../../server/media/mediasoup/downlinkPolicy.js';

/** Feeds looks every second from `from` for `ms`, all with the same score and forwarded layer. */
function feed(state: DownlinkState, from: number, ms: number, score: number | null, layer: number | null) {
  let s = state;
  let at = from;
  for (; at < from + ms; at += 1000) {
    s = nextDownlink(s, { at, score, layer });
  }

  return { state: s, at };
}

/** A receiver that has reached the top layer on a clean link. */
const atTop = (): DownlinkState => {
  const started = feed(initialDownlink(0), 0, FIRST_WAIT_MS + 1000, 10, START_LAYER).state;
  const top = feed(started, started.changedAt + 1000, FIRST_WAIT_MS + 1000, 10, TOP_LAYER).state;

  return top;
};

describe('what a point’s link carries to it', () => {
  it('starts a layer below the top; a clean link reaches the top after a wait and keeps it', () => {
    expect(initialDownlink(0)).toMatchObject({ ceiling: START_LAYER, reason: 'starting' });
    expect(layerUnder(TOP_LAYER, initialDownlink(0))).toBe(START_LAYER);
    const started = feed(initialDownlink(0), 0, FIRST_WAIT_MS + 1000, 10, START_LAYER).state;
    expect(started).toMatchObject({ ceiling: TOP_LAYER, reason: 'trying' });
    const top = atTop();
    expect(top).toMatchObject({ ceiling: TOP_LAYER, reason: 'clear', waitMs: FIRST_WAIT_MS });
    expect(feed(top, top.changedAt + 1000, 120_000, 10, TOP_LAYER).state).toEqual(top);
    // The plan's own choice stands under the ceiling: thumbnails stay low.
    expect(layerUnder(0, top)).toBe(0);
  });

  it('a ceiling the link never carried (the bridge forwards less) is not proven: no try above it', () => {
    const started = feed(initialDownlink(0), 0, 60_000, 10, 0).state;
    expect(started).toMatchObject({ ceiling: START_LAYER, reason: 'starting' });
    const tried = feed(initialDownlink(0), 0, FIRST_WAIT_MS + 1000, 10, START_LAYER).state;
    // Tried, but the bridge's estimate kept it a layer lower: the try is still a try.
    expect(feed(tried, tried.changedAt + 1000, 60_000, 10, START_LAYER).state.reason).toBe('trying');
  });

  it('random loss that retransmission repairs (score 8–9) changes nothing', () => {
    const top = atTop();
    expect(feed(top, top.changedAt + 1000, 60_000, 8, TOP_LAYER).state).toEqual(top);
  });

  it('an overrun link steps down below the layer it was forwarded, once the scores have settled', () => {
    const top = atTop();
    const at = top.changedAt + SETTLE_MS;
    const first = nextDownlink(top, { at, score: 5, layer: 2 });
    expect(first).toMatchObject({ ceiling: 1, reason: 'loss', waitMs: FIRST_WAIT_MS });
    // The next low score is the same overrun still being reported: ignored while it settles.
    expect(nextDownlink(first, { at: at + 1000, score: 4, layer: 1 }).ceiling).toBe(1);
    // Still losing at the lower layer: another step, from what is forwarded.
    expect(nextDownlink(first, { at: at + SETTLE_MS, score: 5, layer: 1 }).ceiling).toBe(0);
    // Forwarded lower than the ceiling already (the bridge's own estimate): down to what is forwarded.
    expect(nextDownlink(top, { at, score: 5, layer: 0 })).toMatchObject({ ceiling: 0, reason: 'loss' });
  });

  it('a try up that fails is seen at once, and the next try waits twice as long', () => {
    const tried = feed(initialDownlink(0), 0, FIRST_WAIT_MS + 1000, 10, START_LAYER).state;
    expect(tried).toMatchObject({ ceiling: TOP_LAYER, reason: 'trying' });
    // While trying, a dip that random loss alone would not cause elsewhere (8) is the try's doing.
    const failed = nextDownlink(tried, { at: tried.changedAt + 1000, score: 8, layer: TOP_LAYER });
    expect(failed).toMatchObject({ ceiling: 1, reason: 'loss', waitMs: 2 * FIRST_WAIT_MS });
    // No new try before the longer wait, then one.
    const waiting = feed(failed, failed.changedAt + 1000, 2 * FIRST_WAIT_MS - 2000, 10, 1).state;
    expect(waiting.ceiling).toBe(1);
    const again = feed(waiting, failed.changedAt + 2 * FIRST_WAIT_MS, 2000, 10, 1).state;
    expect(again).toMatchObject({ ceiling: TOP_LAYER, reason: 'trying' });
    // A starting receiver whose first layer fails is not a failed try: its wait stays.
    expect(nextDownlink(initialDownlink(0), { at: 1000, score: 5, layer: 1 })).toMatchObject({
      ceiling: 0,
      waitMs: FIRST_WAIT_MS,
    });
  });

  it('gives up the picture (the sound kept) when even the lowest layer loses a quarter of it, and tries again later', () => {
    const low = nextDownlink(initialDownlink(0), { at: 1000, score: 3, layer: 0 });
    expect(low.ceiling).toBe(0);
    const failing = feed(low, 1000 + SETTLE_MS, NO_VIDEO_AFTER_MS + 1000, 3, 0).state;
    expect(failing).toMatchObject({ ceiling: NO_VIDEO, reason: 'loss' });
    expect(layerUnder(TOP_LAYER, failing)).toBe(NO_VIDEO);
    // Nothing is measured without a picture: after the wait, the lowest layer is tried again.
    const still = nextDownlink(failing, { at: failing.changedAt + failing.waitMs - 1, score: null, layer: null });
    expect(still.ceiling).toBe(NO_VIDEO);
    const again = nextDownlink(failing, { at: failing.changedAt + failing.waitMs, score: null, layer: null });
    expect(again).toMatchObject({ ceiling: 0, reason: 'trying' });
    // Failing again at once: no picture again, after a longer wait.
    const back = feed(again, again.changedAt + 1000, NO_VIDEO_AFTER_MS + 1000, 2, 0).state;
    expect(back).toMatchObject({ ceiling: NO_VIDEO, waitMs: 2 * failing.waitMs });
  });

  it('a lowest layer that loses less than a quarter keeps its picture; a fair score forgets a failing moment', () => {
    const low = nextDownlink(initialDownlink(0), { at: 1000, score: 6, layer: 0 });
    expect(feed(low, 1000 + SETTLE_MS, 60_000, 6, 0).state.ceiling).toBe(0);
    const failing = nextDownlink(low, { at: 1000 + SETTLE_MS, score: 3, layer: 0 });
    expect(failing.failingSince).toBe(1000 + SETTLE_MS);
    const fair = nextDownlink(failing, { at: 2000 + SETTLE_MS, score: 8, layer: 0 });
    expect(fair.failingSince).toBeNull();
    expect(feed(fair, 3000 + SETTLE_MS, NO_VIDEO_AFTER_MS - 2000, 3, 0).state.ceiling).toBe(0);
  });

  it('after losses, a ceiling follows the bridge’s estimate down (it does not swing back up into them)', () => {
    const top = atTop();
    const lowered = nextDownlink(top, { at: top.changedAt + SETTLE_MS, score: 5, layer: 2 });
    expect(lowered.ceiling).toBe(1);
    const pinned = nextDownlink(lowered, { at: lowered.changedAt + SETTLE_MS, score: 9, layer: 0 });
    expect(pinned).toMatchObject({ ceiling: 0, reason: 'loss', changedAt: lowered.changedAt + SETTLE_MS });
    // Not while it settles, nor on a link that has shown no loss (the estimate is still finding its feet there).
    expect(nextDownlink(lowered, { at: lowered.changedAt + 1000, score: 9, layer: 0 }).ceiling).toBe(1);
    expect(nextDownlink(initialDownlink(0), { at: 1000, score: 10, layer: 0 }).ceiling).toBe(START_LAYER);
  });

  it('nothing forwarded yet: nothing is judged', () => {
    expect(feed(initialDownlink(0), 0, 60_000, null, null).state).toEqual(initialDownlink(0));
  });
});
