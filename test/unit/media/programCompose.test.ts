import { describe, expect, it } from 'vitest';
import { drawInset, insetPlace } from '../../../server/program/compose.js';

/** A flat I420 frame of one colour. */
function frame(width: number, height: number, [y, u, v]: [number, number, number]): Buffer {
  const out = Buffer.alloc((width * height * 3) / 2);
  out.fill(y, 0, width * height);
  out.fill(u, width * height, (width * height * 5) / 4);
  out.fill(v, (width * height * 5) / 4);

  return out;
}

/** The Y, U and V at a pixel of an I420 frame. */
function pixel(f: Buffer, width: number, height: number, x: number, y: number): [number, number, number] {
  const luma = width * height;
  const chroma = Math.floor(y / 2) * (width / 2) + Math.floor(x / 2);

  return [f[y * width + x] ?? -1, f[luma + chroma] ?? -1, f[luma + luma / 4 + chroma] ?? -1];
}

describe("the program's picture with content beside the speaker", () => {
  it('places the speaker 320×180 in the bottom right corner of 1280×720, on even pixels, as the recording does', () => {
    expect(insetPlace({ width: 1280, height: 720 })).toEqual({ width: 320, height: 180, x: 936, y: 516 });
    const small = insetPlace({ width: 640, height: 360 });
    expect([small.width, small.height, small.x % 2, small.y % 2]).toEqual([160, 90, 0, 0]);
  });

  it('draws the speaker over the content in every plane and leaves the rest, and the content frame, as they were', () => {
    const size = { width: 64, height: 36 };
    const place = { width: 16, height: 8, x: 40, y: 20 };
    const content = frame(64, 36, [200, 100, 150]);
    const before = Buffer.from(content);
    const speaker = frame(16, 8, [50, 60, 70]);
    const out = drawInset(content, size, speaker, place);
    expect(content.equals(before)).toBe(true);
    expect(pixel(out, 64, 36, 40, 20)).toEqual([50, 60, 70]);
    expect(pixel(out, 64, 36, 55, 27)).toEqual([50, 60, 70]);
    expect(pixel(out, 64, 36, 39, 20)).toEqual([200, 100, 150]);
    expect(pixel(out, 64, 36, 56, 27)).toEqual([200, 100, 150]);
    expect(pixel(out, 64, 36, 40, 28)).toEqual([200, 100, 150]);
    expect(pixel(out, 64, 36, 0, 0)).toEqual([200, 100, 150]);
    expect(out.length).toBe(content.length);
  });
});
