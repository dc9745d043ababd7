import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DOCUMENT_MAX_PAGES, type MeetingDocument } from '../domain/content/types.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { createLogger } from '../logger.js';
import { ORIGINAL, SLIDES_PDF, pagePart, type DocumentStore } from './DocumentStore.js';
import { FairQueue } from './FairQueue.js';
import { Sandbox } from './Sandbox.js';

const logger = createLogger('DocumentPreparer');

/** Pages are drawn with their longer side at this many pixels: sharp on a 1080p screen, ~100 KB each. */
export const PAGE_LONG_SIDE_PX = 1280;
const CONVERT_TIMEOUT_MS = 180_000;
const INFO_TIMEOUT_MS = 30_000;
const RENDER_TIMEOUT_MS = 300_000;
/** A renderer may use this much memory and CPU time at most: a PDF built to exhaust it fails, the server goes on. */
const RENDER_MEMORY_BYTES = 2_000_000_000;
const RENDER_CPU_SEC = 240;

/** Thrown for a document that cannot be shown; the message is said to the office as is. */
class NotShowable extends Error {}

/** Documents prepared at once: a slow one holds one slot, never every meeting's. */
const PREPARED_AT_ONCE = 2;

/**
 * Makes each document showable as slides, once, on the coordinator that received it: DOCX, XLSX and PPTX become a PDF
 * (LibreOffice headless, its own profile), and every page becomes an image (poppler's pdftoppm), bounded in pages,
 * time, memory and CPU, without network and killed whole on a timeout (see Sandbox). Documents are prepared two at a
 * time, at most one per meeting, the meetings taking turns, so a meeting's media never waits on a big upload and no
 * meeting's documents wait behind another's. The meeting learns the page count (`document.prepared`) or why it
 * failed (`document.failed`).
 */
export class DocumentPreparer {
  readonly #store: DocumentStore;
  readonly #meetings: MeetingService;
  readonly #soffice: string;
  readonly #queue = new FairQueue({ concurrency: PREPARED_AT_ONCE });
  #sandbox: Promise<Sandbox | null> | null = null;
  #pending = 0;

  constructor({ store, meetings, soffice }: { store: DocumentStore; meetings: MeetingService; soffice: string }) {
    this.#store = store;
    this.#meetings = meetings;
    this.#soffice = soffice;
  }

  /** Documents waiting or being prepared. */
  get pending(): number {
    return this.#pending;
  }

  /** Queues a document; resolves once it is prepared or has failed (never rejects). */
  prepare(meetingId: string, document: Pick<MeetingDocument, 'documentId' | 'kind'>): Promise<void> {
    this.#pending += 1;

    return this.#queue.push(meetingId, () =>
      this.#prepareOne(meetingId, document)
        .catch((error: unknown) => logger.error({ err: error, meetingId }, 'prepare() | failed outside a document'))
        .finally(() => {
          this.#pending -= 1;
        }),
    );
  }

  /** After a restart: every document still `preparing` in this node's meetings is prepared again. */
  resume(): void {
    for (const runtime of this.#meetings.list()) {
      for (const document of runtime.state.documents) {
        if (document.state === 'preparing') {
          void this.prepare(runtime.id, document);
        }
      }
    }
  }

  async #prepareOne(meetingId: string, { documentId, kind }: Pick<MeetingDocument, 'documentId' | 'kind'>) {
    const work = await mkdtemp(join(tmpdir(), 'diemcau-doc-'));
    try {
      const original = await this.#store.get(meetingId, documentId, ORIGINAL);
      if (original === null) {
        throw new NotShowable('Không tìm thấy tệp đã tải lên');
      }
      const sandbox = await (this.#sandbox ??= Sandbox.detect());
      if (sandbox === null) {
        throw new NotShowable(
          'Máy chủ không cách ly được trình chuyển đổi tài liệu (thiếu unshare/bubblewrap hoặc prlimit), nên không mở tài liệu',
        );
      }
      const pdf = kind === 'pdf' ? original : await this.#toPdf(sandbox, work, kind, original);
      const pdfPath = join(work, 'slides.pdf');
      await writeFile(pdfPath, pdf);
      const pages = await this.#pageCount(sandbox, pdfPath);
      const drawn = await this.#render(sandbox, work, pdfPath, pages);
      if (kind !== 'pdf') {
        await this.#store.put(meetingId, documentId, SLIDES_PDF, pdf);
      }
      for (let page = 1; page <= pages; page++) {
        await this.#store.put(meetingId, documentId, pagePart(page), await readFile(drawn[page - 1] ?? ''));
      }
      await this.#report(meetingId, { type: 'document.prepared', documentId, pages });
    } catch (error) {
      const reason = error instanceof NotShowable ? error.message : 'Lỗi khi chuẩn bị trình chiếu';
      logger.warn({ err: error, meetingId, documentId }, 'prepare() | document cannot be shown');
      await this.#report(meetingId, { type: 'document.failed', documentId, reason });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async #report(
    meetingId: string,
    command:
      | { type: 'document.prepared'; documentId: string; pages: number }
      | { type: 'document.failed'; documentId: string; reason: string },
  ): Promise<void> {
    if (!this.#meetings.has(meetingId)) {
      return;
    }
    await this.#meetings
      .execute(meetingId, command, { role: 'system' })
      .catch((error: unknown) => logger.warn({ err: error, meetingId }, 'prepare() | could not report'));
  }

  async #toPdf(sandbox: Sandbox, work: string, kind: string, original: Buffer): Promise<Buffer> {
    if (!onPath(this.#soffice)) {
      // The slim image, or a host without it: said plainly rather than as a failed conversion.
      throw new NotShowable(
        'Máy chủ này không cài LibreOffice: chỉ trình chiếu được tệp PDF; hãy lưu tài liệu thành PDF rồi tải lên',
      );
    }
    const source = join(work, `source.${kind}`);
    await writeFile(source, original);
    await run(
      sandbox,
      [
        this.#soffice,
        `-env:UserInstallation=${pathToFileURL(join(work, 'profile')).href}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'pdf',
        '--outdir',
        work,
        source,
      ],
      CONVERT_TIMEOUT_MS,
      'LibreOffice không chuyển được tệp sang PDF',
    );
    const converted = join(work, 'source.pdf');
    if (!existsSync(converted)) {
      throw new NotShowable('LibreOffice không chuyển được tệp sang PDF');
    }

    return readFile(converted);
  }

  async #pageCount(sandbox: Sandbox, pdfPath: string): Promise<number> {
    const info = await run(sandbox, ['pdfinfo', pdfPath], INFO_TIMEOUT_MS, 'Tệp PDF bị hỏng, không đọc được');
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
    if (pages < 1) {
      throw new NotShowable('Tệp PDF không có trang nào');
    }
    if (pages > DOCUMENT_MAX_PAGES) {
      throw new NotShowable(`Tài liệu dài quá ${DOCUMENT_MAX_PAGES} trang để trình chiếu`);
    }

    return pages;
  }

  /** Draws every page; returns their files in page order. */
  async #render(sandbox: Sandbox, work: string, pdfPath: string, pages: number): Promise<string[]> {
    const prefix = join(work, 'p');
    await run(
      sandbox,
      [
        'pdftoppm',
        '-jpeg',
        '-jpegopt',
        'quality=80,optimize=y',
        '-scale-to',
        String(PAGE_LONG_SIDE_PX),
        '-f',
        '1',
        '-l',
        String(pages),
        pdfPath,
        prefix,
      ],
      RENDER_TIMEOUT_MS,
      'Không dựng được các trang của tài liệu',
    );
    // pdftoppm pads page numbers to the width of the last one (p-01.jpg … p-12.jpg).
    const drawn = new Map<number, string>();
    for (const name of await readdir(work)) {
      const match = /^p-0*(\d+)\.jpg$/.exec(name);
      if (match !== null) {
        drawn.set(Number(match[1]), name);
      }
    }
    return Array.from({ length: pages }, (_, i) => {
      const name = drawn.get(i + 1);
      if (name === undefined) {
        throw new NotShowable(`Không dựng được trang ${i + 1} của tài liệu`);
      }

      return join(work, name);
    });
  }
}

/** Runs a tool contained; a failure, a timeout or a limit reached becomes a NotShowable with `failure` as its words. */
async function run(sandbox: Sandbox, argv: string[], timeoutMs: number, failure: string): Promise<string> {
  try {
    return await sandbox.run(argv, { timeoutMs, memoryBytes: RENDER_MEMORY_BYTES, cpuSec: RENDER_CPU_SEC });
  } catch (error) {
    logger.debug({ err: error, file: argv[0] }, 'run() | tool failed');
    throw new NotShowable(failure);
  }
}

/** Whether a program is there to run: a path that exists, or a name found on the PATH. */
function onPath(program: string): boolean {
  if (program.includes('/')) {
    return existsSync(program);
  }

  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
}
