import type { CommandOf } from '../core/commands.js';
import { DomainError } from '../core/errors.js';
import type { EventBody, MeetingEvent } from '../core/events.js';
import { requireLive, requireNotEnded } from '../core/guards.js';
import type { MeetingState } from '../core/model.js';
import {
  DOCUMENT_KINDS,
  DOCUMENT_MAX_BYTES,
  DOCUMENT_NAME_MAX,
  type DocumentKind,
  type MeetingDocument,
} from './types.js';
import { normalizeText } from '../core/text.js';

/**
 * The meeting's documents and what is on screen beside the speaker (content): a shared screen or a document's page.
 * Pure rules; storage, conversion and page images live in server/content.
 */

/**
 * A file's name as kept and shown: NFC and trimmed. A name with a folder in it, control or direction-changing
 * characters, or that hides itself (a leading dot) is refused, not repaired: the office sees what it sent.
 */
export function cleanDocumentName(raw: string): string {
  const name = normalizeText(raw).trim();
  const refuse = (why: string) =>
    new DomainError('DOCUMENT_INVALID', `Tên tệp không hợp lệ: ${why} (invalid file name)`, [
      { path: 'name', message: `Tên tệp không hợp lệ: ${why}` },
    ]);
  if (name === '') {
    throw refuse('chưa có tên');
  }
  if (/[\\/]/.test(name) || name.startsWith('.')) {
    throw refuse('không được chứa thư mục hay bắt đầu bằng dấu chấm');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(name)) {
    throw refuse('có ký tự điều khiển');
  }
  if (name.length > DOCUMENT_NAME_MAX) {
    throw refuse(`dài quá ${DOCUMENT_NAME_MAX} ký tự`);
  }

  return name;
}

/** The kind a file's name says; the bytes are checked against it (server/content/sniff.ts). */
export function kindOfName(name: string): DocumentKind {
  const extension = name.toLowerCase().split('.').at(-1) ?? '';
  if ((DOCUMENT_KINDS as readonly string[]).includes(extension)) {
    return extension as DocumentKind;
  }
  throw new DomainError(
    'DOCUMENT_INVALID',
    'Chỉ nhận tệp PDF, DOCX, XLSX hoặc PPTX (only PDF, DOCX, XLSX or PPTX files)',
    [{ path: 'name', message: 'Chỉ nhận tệp PDF, DOCX, XLSX hoặc PPTX' }],
  );
}

export function documentOf(state: MeetingState, documentId: string): MeetingDocument {
  const document = state.documents.find((d) => d.documentId === documentId);
  if (document === undefined) {
    throw new DomainError('DOCUMENT_NOT_FOUND', 'Hội nghị không có tài liệu này (no such document in this meeting)');
  }

  return document;
}

export function attachDocument(state: MeetingState, cmd: CommandOf<'document.attach'>): EventBody[] {
  const { document } = cmd;
  if (state.documents.some((d) => d.documentId === document.documentId)) {
    return [];
  }
  if (document.agendaIndex !== null && (document.agendaIndex < 0 || document.agendaIndex >= state.def.agenda.length)) {
    throw new DomainError('VALIDATION_FAILED', 'Không có mục chương trình này (no such agenda item)', [
      { path: 'agendaIndex', message: 'Không có mục chương trình này' },
    ]);
  }
  if (document.bytes > DOCUMENT_MAX_BYTES) {
    throw tooLarge();
  }

  return [
    {
      type: 'DocumentAttached',
      documentId: document.documentId,
      name: cleanDocumentName(document.name),
      kind: document.kind,
      bytes: document.bytes,
      sha256: document.sha256,
      agendaIndex: document.agendaIndex,
    },
  ];
}

export const tooLarge = () =>
  new DomainError('PAYLOAD_TOO_LARGE', 'Tệp lớn quá 50 MB (file over 50 MB)', [
    { path: 'file', message: 'Tệp lớn quá 50 MB' },
  ]);

export function prepareDocument(
  state: MeetingState,
  cmd: CommandOf<'document.prepared'> | CommandOf<'document.failed'>,
): EventBody[] {
  const document = documentOf(state, cmd.documentId);
  if (document.state !== 'preparing') {
    return [];
  }
  if (cmd.type === 'document.failed') {
    return [{ type: 'DocumentFailed', documentId: cmd.documentId, reason: cmd.reason }];
  }
  if (!Number.isInteger(cmd.pages) || cmd.pages < 1) {
    throw DomainError.validation('Số trang không hợp lệ (invalid page count)');
  }

  return [{ type: 'DocumentPrepared', documentId: cmd.documentId, pages: cmd.pages }];
}

export function removeDocument(state: MeetingState, cmd: CommandOf<'document.remove'>): EventBody[] {
  documentOf(state, cmd.documentId);
  const events: EventBody[] = [];
  if (state.content?.kind === 'slides' && state.content.documentId === cmd.documentId) {
    events.push({ type: 'ContentStopped', reason: 'removed' });
  }
  events.push({ type: 'DocumentRemoved', documentId: cmd.documentId });

  return events;
}

/**
 * Who presents: the hub's consoles (as the hub point) at any time; a point only while it holds the floor. One content
 * at a time: another point's is refused; the chair takes over.
 */
function presenterOf(state: MeetingState, pointId: string | undefined, byChair: boolean): string {
  requireLive(state);
  if (byChair) {
    return state.def.hubPointId;
  }
  if (pointId === undefined || state.floor?.pointId !== pointId) {
    throw new DomainError(
      'CONTENT_NOT_FLOOR',
      'Chỉ điểm cầu đang phát biểu mới được trình chiếu (only the point holding the floor may present)',
    );
  }
  if (state.content !== null && state.content.presenter !== pointId) {
    throw new DomainError(
      'CONTENT_BUSY',
      'Đang có nội dung khác được trình chiếu; chủ trì có thể dừng nó (another presentation is on)',
    );
  }

  return pointId;
}

export function showSlides(state: MeetingState, cmd: CommandOf<'slides.show'>, byChair: boolean): EventBody[] {
  const presenter = presenterOf(state, cmd.pointId, byChair);
  const document = documentOf(state, cmd.documentId);
  if (document.state !== 'ready' || document.pages === null) {
    throw new DomainError(
      'DOCUMENT_NOT_READY',
      document.state === 'failed'
        ? 'Tài liệu này không trình chiếu được (this document cannot be shown)'
        : 'Tài liệu đang được chuẩn bị để trình chiếu, xin chờ (the document is still being prepared)',
    );
  }
  if (!Number.isInteger(cmd.page) || cmd.page < 1 || cmd.page > document.pages) {
    throw new DomainError(
      'PAGE_OUT_OF_RANGE',
      `Tài liệu có ${document.pages} trang (the document has ${document.pages} pages)`,
      [{ path: 'page', message: `Trang từ 1 đến ${document.pages}` }],
    );
  }
  const current = state.content;
  if (
    current?.kind === 'slides' &&
    current.presenter === presenter &&
    current.documentId === document.documentId &&
    current.page === cmd.page
  ) {
    return [];
  }

  return [{ type: 'ContentShown', kind: 'slides', presenter, documentId: document.documentId, page: cmd.page }];
}

export function shareScreen(state: MeetingState, cmd: CommandOf<'screen.start'>, byChair: boolean): EventBody[] {
  const presenter = presenterOf(state, cmd.pointId, byChair);
  if (state.content?.kind === 'screen' && state.content.presenter === presenter) {
    return [];
  }

  return [{ type: 'ContentShown', kind: 'screen', presenter, documentId: null, page: null }];
}

export function stopContent(state: MeetingState, cmd: CommandOf<'content.stop'>, byChair: boolean): EventBody[] {
  requireNotEnded(state);
  if (state.content === null) {
    return [];
  }
  if (!byChair && state.content.presenter !== cmd.pointId) {
    throw new DomainError(
      'FORBIDDEN',
      'Chỉ người trình chiếu hoặc chủ trì mới dừng được (only the presenter or chair)',
    );
  }

  return [{ type: 'ContentStopped', reason: byChair ? 'chair' : 'presenter' }];
}

export function keepContent(state: MeetingState, cmd: CommandOf<'content.keep'>): EventBody[] {
  requireNotEnded(state);
  if (state.content === null || state.content.kept === cmd.kept) {
    return [];
  }

  return [{ type: 'ContentKept', kept: cmd.kept }];
}

/**
 * A point's content stops with its turn unless the chair kept it; everything stops with the meeting. Applied to what
 * any command decided, so no path that ends a turn can forget it.
 */
export function withContentRules(state: MeetingState, events: EventBody[]): EventBody[] {
  const content = state.content;
  if (content === null || events.some((e) => e.type === 'ContentStopped' || e.type === 'ContentShown')) {
    return events;
  }
  if (events.some((e) => e.type === 'MeetingEnded')) {
    return [...events, { type: 'ContentStopped', reason: 'meeting_ended' }];
  }
  const turnEnded = events.some((e) => e.type === 'FloorEnded' && e.pointId === content.presenter);
  if (turnEnded && !content.kept && content.presenter !== state.def.hubPointId) {
    return [...events, { type: 'ContentStopped', reason: 'turn_ended' }];
  }

  return events;
}

export type ContentEvent = Extract<MeetingEvent, { type: `Document${string}` | `Content${string}` }>;

export const CONTENT_EVENTS: ReadonlySet<string> = new Set([
  'DocumentAttached',
  'DocumentPrepared',
  'DocumentFailed',
  'DocumentRemoved',
  'ContentShown',
  'ContentStopped',
  'ContentKept',
] satisfies ContentEvent['type'][]);

/** Whether an event is about documents or content (folded and described by this module's companions). */
export const isContentEvent = (event: MeetingEvent): event is ContentEvent => CONTENT_EVENTS.has(event.type);

/** Folds a documents or content event into the state, in place (see applyEvent). */
export function applyContentEvent(state: MeetingState, event: ContentEvent): void {
  switch (event.type) {
    case 'DocumentAttached': {
      const { documentId, name, kind, bytes, sha256, agendaIndex } = event;
      state.documents.push({
        documentId,
        name,
        kind,
        bytes,
        sha256,
        agendaIndex,
        addedAt: event.at,
        state: 'preparing',
        pages: null,
        failure: null,
      });
      return;
    }
    case 'DocumentPrepared':
    case 'DocumentFailed': {
      const document = state.documents.find((d) => d.documentId === event.documentId);
      if (document !== undefined) {
        document.state = event.type === 'DocumentPrepared' ? 'ready' : 'failed';
        document.pages = event.type === 'DocumentPrepared' ? event.pages : null;
        document.failure = event.type === 'DocumentFailed' ? event.reason : null;
      }
      return;
    }
    case 'DocumentRemoved': {
      state.documents = state.documents.filter((d) => d.documentId !== event.documentId);
      return;
    }
    case 'ContentShown': {
      const kept = state.content?.presenter === event.presenter ? state.content.kept : false;
      state.content =
        event.kind === 'slides'
          ? {
              kind: 'slides',
              presenter: event.presenter,
              documentId: event.documentId ?? '',
              page: event.page ?? 1,
              since: event.at,
              kept,
            }
          : { kind: 'screen', presenter: event.presenter, since: event.at, kept };
      return;
    }
    case 'ContentStopped': {
      state.content = null;
      return;
    }
    case 'ContentKept': {
      if (state.content !== null) {
        state.content.kept = event.kept;
      }
      return;
    }
  }
}
