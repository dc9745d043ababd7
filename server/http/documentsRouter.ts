import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { ORIGINAL, SLIDES_PDF, pagePart, type DocumentStore } from '../content/DocumentStore.js';
import type { DocumentPreparer } from '../content/DocumentPreparer.js';
import { checkContent } from '../content/sniff.js';
import { cleanDocumentName, documentOf, kindOfName } from '../domain/content/content.js';
import { type DocumentKind } from '../domain/content/types.js';
import { DomainError } from '../domain/core/errors.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { HttpAuth } from './auth.js';
import { uploadBytes, uploadOf } from './uploads.js';
import type { ParentPages } from '../linking/ParentPages.js';
import { relayedSlides } from '../domain/linking/relayedContent.js';

const MIME: Record<DocumentKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/**
 * A page of slides: a document's pages never change (a new version is a new document), so the browser keeps them
 * (`immutable`) and one asking again with the page's tag is answered 304 without the page being read.
 */
async function sendPage(req: Request, res: Response, tag: string, load: () => Promise<Buffer>): Promise<void> {
  const etag = `"${tag}"`;
  res.set('cache-control', 'private, max-age=86400, immutable').set('etag', etag);
  if ((req.get('if-none-match') ?? '').split(/\s*,\s*/).includes(etag)) {
    res.status(304).end();

    return;
  }
  res.type('image/jpeg').send(await load());
}

/** A page number within a document of `pages` pages (unknown: none yet). */
function pageIn(value: string, pages: number | null): number {
  const page = Number(value);
  if (pages === null || !Number.isInteger(page) || page < 1 || page > pages) {
    throw new DomainError('PAGE_OUT_OF_RANGE', 'Không có trang này (no such page)');
  }

  return page;
}

function agendaIndexOf(value: unknown): number | null {
  if (value === undefined || value === '') {
    return null;
  }
  const index = Number(value);
  if (!Number.isInteger(index) || index < 0) {
    throw DomainError.validation('Mục chương trình không hợp lệ (invalid agenda item)', [
      { path: 'agendaIndex', message: 'Mục chương trình không hợp lệ' },
    ]);
  }

  return index;
}

/**
 * The meeting's documents: the office attaches (`POST …/documents?name=…&agendaIndex=…`, the file as the body) and
 * removes them; everyone in the meeting, bridge points included, lists and downloads them and the pages shown as
 * slides, each with its own link's token. Adding and removing are in the meeting's log (and so its audit trail).
 */
export function documentsRouter({
  meetings,
  auth,
  store,
  preparer,
  parentPages,
}: {
  meetings: MeetingService;
  auth: HttpAuth;
  store: DocumentStore;
  preparer: DocumentPreparer;
  parentPages: ParentPages;
}) {
  const router = Router();

  router.post('/:id/documents', async (req, res) => {
    const runtime = meetings.get(String(req.params.id));
    const actor = await auth.requireRole(req, res, 'organizer');
    const upload = uploadOf(res);
    const body = await uploadBytes(upload);
    const name = cleanDocumentName(String(req.query.name ?? ''));
    const kind = kindOfName(name);
    checkContent(kind, body);
    const documentId = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
    const agendaIndex = agendaIndexOf(req.query.agendaIndex);
    await store.put(runtime.id, documentId, ORIGINAL, body);
    const { sha256 } = upload;
    try {
      await runtime.execute(
        { type: 'document.attach', document: { documentId, name, kind, bytes: body.length, sha256, agendaIndex } },
        actor,
      );
    } catch (error) {
      await store.remove(runtime.id, documentId);
      throw error;
    }
    void preparer.prepare(runtime.id, { documentId, kind });
    res.status(201).json({ document: documentOf(runtime.state, documentId) });
  });

  router.get('/:id/documents', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    await auth.requireParticipant(req, res, runtime.id);
    res.json({ documents: runtime.state.documents });
  });

  // The file as uploaded, or (`?as=pdf`) the PDF a DOCX, XLSX or PPTX was shown from.
  router.get('/:id/documents/:documentId', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    await auth.requireParticipant(req, res, runtime.id);
    const document = documentOf(runtime.state, req.params.documentId);
    const asPdf = req.query.as === 'pdf' && document.kind !== 'pdf';
    const bytes = await store.get(runtime.id, document.documentId, asPdf ? SLIDES_PDF : ORIGINAL);
    if (bytes === null) {
      throw new DomainError('DOCUMENT_NOT_FOUND', 'Tệp chưa sẵn sàng (the file is not available yet)');
    }
    const name = asPdf ? document.name.replace(/\.[^.]+$/, '.pdf') : document.name;
    res
      .type(asPdf ? MIME.pdf : MIME[document.kind])
      .attachment(name)
      .set('cache-control', 'private, max-age=86400')
      .send(bytes);
  });

  // A page shown as slides; a linked child's coordinator fetches them too, for the rooms that relay this meeting.
  router.get('/:id/documents/:documentId/pages/:page', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    await auth.requireParticipant(req, res, runtime.id, { linkedHubs: true });
    const document = documentOf(runtime.state, req.params.documentId);
    const page = pageIn(req.params.page, document.pages);
    await sendPage(req, res, `${document.sha256.slice(0, 16)}-${page}`, async () => {
      const bytes = await store.get(runtime.id, document.documentId, pagePart(page));
      if (bytes === null) {
        throw new DomainError('DOCUMENT_NOT_FOUND', 'Trang chưa sẵn sàng (the page is not available yet)');
      }

      return bytes;
    });
  });

  // A page of the slides the parent meeting shows (linked meetings), fetched through the link once and kept.
  router.get('/:id/parent-documents/:documentId/pages/:page', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    await auth.requireParticipant(req, res, runtime.id, { linkedHubs: true });
    const slides = relayedSlides(runtime.state);
    const uplink = runtime.state.uplink;
    if (slides === null || uplink === null || slides.documentId !== req.params.documentId) {
      throw new DomainError('DOCUMENT_NOT_FOUND', 'Hội nghị cấp trên không trình chiếu tài liệu này (not shown)');
    }
    const page = pageIn(req.params.page, slides.pages);
    await sendPage(req, res, `${slides.documentId}-${page}`, () => parentPages.page(runtime.id, uplink, slides, page));
  });

  router.delete('/:id/documents/:documentId', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    const actor = await auth.requireRole(req, res, 'organizer');
    const document = documentOf(runtime.state, req.params.documentId);
    await runtime.execute({ type: 'document.remove', documentId: document.documentId }, actor);
    await store.remove(runtime.id, document.documentId);
    res.json({ ok: true });
  });

  return router;
}
