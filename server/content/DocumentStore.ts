/**
 * Where a meeting's documents and what is made from them (the PDF shown as slides, page images) are kept: beside the
 * meeting's files (embedded) or in Redis, which every coordinator of a deployment reads. Parts are named
 * `original`, `slides.pdf`, `page-<n>.jpg`.
 */
export interface DocumentStore {
  put(meetingId: string, documentId: string, part: string, bytes: Buffer): Promise<void>;
  /** The part's bytes, or null when there is none. */
  get(meetingId: string, documentId: string, part: string): Promise<Buffer | null>;
  /** Removes a document and every part made from it. */
  remove(meetingId: string, documentId: string): Promise<void>;
  /** Lets go of what the store holds open (a connection of its own), if anything. */
  close?(): Promise<void>;
}

export const ORIGINAL = 'original';
export const SLIDES_PDF = 'slides.pdf';
export const pagePart = (page: number) => `page-${page}.jpg`;

/** Parts are named by the server only; this guards the store against a name that could leave its folder. */
export function checkPart(...names: string[]): void {
  for (const name of names) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/.test(name) || name.includes('..')) {
      throw new TypeError(`invalid document store name ${name}`);
    }
  }
}
