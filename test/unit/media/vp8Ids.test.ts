import { describe, expect, it } from 'vitest';
import { Vp8IdContinuity } from '../../../server/media/werift/vp8Ids.js';

/** A VP8 payload descriptor with X, I (15-bit PictureID) and L (TL0PICIDX), then one payload byte. */
const packet = (pictureId: number, tl0: number) =>
  Buffer.from([0x90, 0xc0, 0x80 | (pictureId >> 8), pictureId & 0xff, tl0, 0x42]);

const idsOf = (payload: Buffer) => ({
  pictureId: ((payload[2] ?? 0) & 0x7f) * 256 + (payload[3] ?? 0),
  tl0: payload[4],
});

describe('VP8 picture ids across a source switch', () => {
  it('carries the ids on from the last sent, wrapping, and leaves the shared bytes alone', () => {
    const slot = new Vp8IdContinuity();
    expect(idsOf(slot.rewrite(packet(30_000, 200)))).toEqual({ pictureId: 30_000, tl0: 200 });
    expect(idsOf(slot.rewrite(packet(30_001, 201)))).toEqual({ pictureId: 30_001, tl0: 201 });
    // A reloaded camera starts again from a random point behind: the slot continues where it was.
    slot.switchSource();
    const shared = packet(12, 7);
    expect(idsOf(slot.rewrite(shared))).toEqual({ pictureId: 30_002, tl0: 202 });
    expect(idsOf(shared)).toEqual({ pictureId: 12, tl0: 7 });
    expect(idsOf(slot.rewrite(packet(13, 8)))).toEqual({ pictureId: 30_003, tl0: 203 });
    // At the top of the 15-bit space the ids wrap to 0 (and TL0PICIDX at 255).
    const top = new Vp8IdContinuity();
    top.rewrite(packet(32_767, 255));
    top.switchSource();
    expect(idsOf(top.rewrite(packet(5, 9)))).toEqual({ pictureId: 0, tl0: 0 });
  });

  it('passes payloads without picture ids through unchanged', () => {
    const slot = new Vp8IdContinuity();
    const plain = Buffer.from([0x10, 0x42, 0x43]);
    expect(slot.rewrite(plain)).toBe(plain);
  });
});
