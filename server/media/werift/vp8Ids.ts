/**
 * VP8 picture ids across a source switch. Each camera numbers its frames (PictureID, 7 or 15 bits, and TL0PICIDX) from
 * a random start; a receiver's frame buffer drops a frame whose id is "behind" the last it decoded. A slot that
 * switches source must therefore carry the ids on from where the previous source left them, as it does sequence
 * numbers, or half the time (a new start behind the old) the new source is never decoded. RFC 7741 §4.2.
 */

/** Where the ids sit in one packet's payload descriptor. */
interface Vp8IdFields {
  /** Byte offset of the PictureID and whether it is 15 bits (M bit) or 7. */
  pictureId: { at: number; wide: boolean } | null;
  tl0PicIdx: number | null;
}

function fieldsOf(payload: Uint8Array): Vp8IdFields {
  const first = payload[0];
  if (first === undefined || (first & 0x80) === 0) {
    return { pictureId: null, tl0PicIdx: null };
  }
  const extension = payload[1] ?? 0;
  let at = 2;
  let pictureId: Vp8IdFields['pictureId'] = null;
  if ((extension & 0x80) !== 0) {
    const wide = ((payload[at] ?? 0) & 0x80) !== 0;
    pictureId = { at, wide };
    at += wide ? 2 : 1;
  }
  const tl0PicIdx = (extension & 0x40) !== 0 ? at : null;

  return { pictureId, tl0PicIdx };
}

function readPictureId(payload: Uint8Array, field: { at: number; wide: boolean }): number {
  const high = payload[field.at] ?? 0;

  return field.wide ? ((high & 0x7f) << 8) | (payload[field.at + 1] ?? 0) : high & 0x7f;
}

/** One slot's continuity: the ids it last sent and the offsets applied to its current source. */
export class Vp8IdContinuity {
  #lastPictureId: number | null = null;
  #lastTl0: number | null = null;
  #pictureOffset = 0;
  #tl0Offset = 0;
  #rebase = false;

  /** The next packet starts a new source: its ids continue from the last ones sent. */
  switchSource(): void {
    this.#rebase = true;
  }

  /** The payload to send: the same bytes when nothing changes, else a rewritten copy (the original is shared). */
  rewrite(payload: Buffer): Buffer {
    const fields = fieldsOf(payload);
    if (fields.pictureId === null && fields.tl0PicIdx === null) {
      return payload;
    }
    const pictureModulo = fields.pictureId?.wide === false ? 0x80 : 0x8000;
    if (this.#rebase) {
      this.#rebase = false;
      if (fields.pictureId !== null && this.#lastPictureId !== null) {
        this.#pictureOffset =
          (this.#lastPictureId + 1 - readPictureId(payload, fields.pictureId) + 2 * 0x8000) % pictureModulo;
      }
      if (fields.tl0PicIdx !== null && this.#lastTl0 !== null) {
        this.#tl0Offset = (this.#lastTl0 + 1 - (payload[fields.tl0PicIdx] ?? 0) + 512) % 0x100;
      }
    }
    if (this.#pictureOffset === 0 && this.#tl0Offset === 0) {
      this.#remember(payload, fields);

      return payload;
    }
    const out = Buffer.from(payload);
    if (fields.pictureId !== null) {
      const id = (readPictureId(out, fields.pictureId) + this.#pictureOffset) % pictureModulo;
      if (fields.pictureId.wide) {
        out[fields.pictureId.at] = 0x80 | (id >> 8);
        out[fields.pictureId.at + 1] = id & 0xff;
      } else {
        out[fields.pictureId.at] = id & 0x7f;
      }
    }
    if (fields.tl0PicIdx !== null) {
      out[fields.tl0PicIdx] = ((out[fields.tl0PicIdx] ?? 0) + this.#tl0Offset) % 0x100;
    }
    this.#remember(out, fields);

    return out;
  }

  #remember(payload: Uint8Array, fields: Vp8IdFields): void {
    if (fields.pictureId !== null) {
      this.#lastPictureId = readPictureId(payload, fields.pictureId);
    }
    if (fields.tl0PicIdx !== null) {
      this.#lastTl0 = payload[fields.tl0PicIdx] ?? 0;
    }
  }
}
