/**
 * The shapes of a meeting's documents and of what is on screen beside the speaker, apart from their rules
 * (content.ts), so that the meeting's model, events and commands can name them without importing the rules.
 */

export const DOCUMENT_KINDS = ['pdf', 'docx', 'xlsx', 'pptx'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The office's limit per file (a province's reports are rarely over 20 MB). */
export const DOCUMENT_MAX_BYTES = 50 * 1024 * 1024;
/** A document longer than this is not turned into slides (a renderer is not made to work for hours). */
export const DOCUMENT_MAX_PAGES = 400;
export const DOCUMENT_NAME_MAX = 200;

/** What the office's upload establishes about a document (the command and the event carry these). */
export interface DocumentFacts {
  documentId: string;
  /** The file's name as the office gave it (NFC, no folders, no control characters). */
  name: string;
  kind: DocumentKind;
  bytes: number;
  sha256: string;
  /** The agenda item it belongs to, or null for the whole meeting. */
  agendaIndex: number | null;
}

export interface MeetingDocument extends DocumentFacts {
  addedAt: number;
  /** `preparing` while the server converts it and renders its pages; `failed` says why in `failure`. */
  state: 'preparing' | 'ready' | 'failed';
  /** Pages once prepared (slides), else null. */
  pages: number | null;
  failure: string | null;
}

/** What is shown beside the speaker. `presenter` is a point id (the hub's for the hub's consoles). */
export type Content =
  | { kind: 'slides'; presenter: string; documentId: string; page: number; since: number; kept: boolean }
  | { kind: 'screen'; presenter: string; since: number; kept: boolean };

export type ContentStopReason = 'presenter' | 'chair' | 'turn_ended' | 'removed' | 'meeting_ended';
