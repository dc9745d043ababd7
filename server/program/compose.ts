/**
 * Pictures of the program as raw YUV 4:2:0 (I420) frames: the full-size picture, and a second one drawn small over
 * its corner, as the consoles and the recording show content beside the speaker. Row copies only: cheap at 30 fps.
 */

export interface PictureSize {
  width: number;
  height: number;
}

/** Where the speaker's camera sits over the content: bottom right, 320 wide (16:9), 24 from the edges. */
export function insetPlace(program: PictureSize): PictureSize & { x: number; y: number } {
  const width = even(Math.round(program.width / 4));
  const height = even(Math.round((width * 9) / 16));
  const margin = even(Math.round(program.width / 53));

  return { width, height, x: program.width - width - margin, y: program.height - height - margin };
}

/** `base` with `inset` drawn over it at (x, y) (both even), as a new frame; `base` is left as it was. */
export function drawInset(
  base: Buffer,
  size: PictureSize,
  inset: Buffer,
  place: PictureSize & { x: number; y: number },
): Buffer {
  const out = Buffer.from(base);
  const lumaBytes = size.width * size.height;
  const chromaWidth = size.width / 2;
  const insetLuma = place.width * place.height;
  const insetChromaWidth = place.width / 2;
  for (let row = 0; row < place.height; row += 1) {
    inset.copy(out, (place.y + row) * size.width + place.x, row * place.width, (row + 1) * place.width);
  }
  for (const plane of [0, 1]) {
    const baseStart = lumaBytes + (plane * lumaBytes) / 4;
    const insetStart = insetLuma + (plane * insetLuma) / 4;
    for (let row = 0; row < place.height / 2; row += 1) {
      const from = insetStart + row * insetChromaWidth;
      inset.copy(out, baseStart + (place.y / 2 + row) * chromaWidth + place.x / 2, from, from + insetChromaWidth);
    }
  }

  return out;
}

const even = (n: number) => n - (n % 2);
