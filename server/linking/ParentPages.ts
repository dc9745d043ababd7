import { DomainError } from '../domain/core/errors.js';
import type { Uplink } from '../domain/linking/types.js';
import type { ParentSlides } from '../domain/linking/types.js';

/** A page image is a JPEG of 1280 px on its long side (about 100 KB); anything far larger is not one. */
const MAX_PAGE_BYTES = 10 * 1024 * 1024;
/** Pages kept: a few documents' worth, so a reloading room or a page turned back costs the parent nothing. */
const MAX_PAGES_KEPT = 400;

/**
 * The pages of the slides a parent meeting shows, fetched through the link with the child's invitation and kept here:
 * however many rooms of this meeting draw a page, the parent sends it to this coordinator once.
 */
export class ParentPages {
  readonly #kept = new Map<string, Promise<Buffer>>();
  readonly #timeoutMs: number;

  readonly #credentialOf: (meetingId: string) => string | null;

  constructor({
    timeoutMs = 15_000,
    credentialOf,
  }: {
    timeoutMs?: number;
    /** The invitation a meeting's link uses now (null while it has none). */
    credentialOf: (meetingId: string) => string | null;
  }) {
    this.#timeoutMs = timeoutMs;
    this.#credentialOf = credentialOf;
  }

  /** One page's image; rooms asking for it at once share one fetch. A failed fetch is not kept. */
  page(meetingId: string, uplink: Uplink, slides: ParentSlides, page: number): Promise<Buffer> {
    const linkToken = this.#credentialOf(meetingId);
    if (uplink.parentMeetingId === null || linkToken === null) {
      return Promise.reject(notReachable());
    }
    const url =
      `${uplink.parentUrl}/api/meetings/${encodeURIComponent(uplink.parentMeetingId)}/${slides.pagesAt}/` +
      `${encodeURIComponent(slides.documentId)}/pages/${page}`;
    const kept = this.#kept.get(url);
    if (kept !== undefined) {
      // Most recently used last: the oldest page is the first let go.
      this.#kept.delete(url);
      this.#kept.set(url, kept);

      return kept;
    }
    const fetched = this.#fetch(url, linkToken);
    this.#kept.set(url, fetched);
    fetched.catch(() => {
      // Only this fetch: the page may have been let go and fetched again meanwhile.
      if (this.#kept.get(url) === fetched) {
        this.#kept.delete(url);
      }
    });
    while (this.#kept.size > MAX_PAGES_KEPT) {
      this.#kept.delete(this.#kept.keys().next().value as string);
    }

    return fetched;
  }

  async #fetch(url: string, linkToken: string): Promise<Buffer> {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${linkToken}` },
      signal: AbortSignal.timeout(this.#timeoutMs),
      redirect: 'error',
    }).catch(() => {
      throw notReachable();
    });
    if (response.status === 404) {
      throw new DomainError('DOCUMENT_NOT_FOUND', 'Trang chưa sẵn sàng (the page is not available yet)');
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (!response.ok || response.headers.get('content-type') !== 'image/jpeg' || length > MAX_PAGE_BYTES) {
      await response.body?.cancel();
      throw notReachable();
    }
    // Read to the limit and no further, whatever the length said (or when it said none).
    const bytes = await readCapped(response, MAX_PAGE_BYTES);
    if (bytes === null) {
      throw notReachable();
    }

    return bytes;
  }
}

const notReachable = () =>
  new DomainError(
    'LINK_UNREACHABLE',
    'Chưa lấy được trang trình chiếu từ hội nghị cấp trên (the parent did not send the page)',
  );

/** A response's body, or null (and the rest not read) once it passes `max` bytes. */
export async function readCapped(response: Response, max: number): Promise<Buffer | null> {
  const reader = response.body?.getReader();
  if (reader === undefined) {
    return Buffer.alloc(0);
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return Buffer.concat(chunks, length);
    }
    length += value.length;
    if (length > max) {
      await reader.cancel();

      return null;
    }
    chunks.push(value);
  }
}
