import { describe, expect, it } from 'vitest';
import { captionLines } from '../../../server/domain/program/caption.js';

describe("the program's lower third", () => {
  it("names the room on screen with its unit unless its name says it, over the meeting's title, in NFC, cut when long", () => {
    const title = 'Hội nghị giao ban trực tuyến quý IV';
    expect(captionLines(title, { name: 'Điểm cầu Xã Tân Sơn', unitName: 'Xã Tân Sơn' })).toEqual([
      'Điểm cầu Xã Tân Sơn',
      title,
    ]);
    expect(captionLines(title, { name: 'Hội trường tầng 3', unitName: 'Sở Xây dựng' })).toEqual([
      'Hội trường tầng 3 — Sở Xây dựng',
      title,
    ]);
    expect(captionLines(title, null)).toEqual([title]);
    // Decomposed input (as some keyboards type it) is drawn composed.
    expect(captionLines('Ho\u0302\u0323i nghi\u0323', null)).toEqual(['Hội nghị']);
    const long = captionLines('x'.repeat(100), null, 20)[0] ?? '';
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });
});
