import { z } from 'zod';
import { DOCUMENT_KINDS } from '../domain/content/types.js';
import { code, epochMs, id } from './common.js';

/** A document of the meeting as every console lists it (download links are built from its id and the console's token). */
export const documentView = z.object({
  documentId: id,
  name: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  bytes: z.number().int(),
  agendaIndex: z.number().int().nullable(),
  addedAt: epochMs,
  state: z.enum(['preparing', 'ready', 'failed']),
  pages: z.number().int().nullable(),
  failure: z.string().nullable(),
});

/** What is on screen beside the speaker, and the documents. */
export const contentView = z.object({
  seq: z.number().int(),
  content: z
    .object({
      kind: z.enum(['slides', 'screen']),
      presenter: code,
      presenterName: z.string(),
      documentId: id.nullable(),
      documentName: z.string().nullable(),
      page: z.number().int().nullable(),
      pages: z.number().int().nullable(),
      since: epochMs,
      kept: z.boolean(),
      /**
       * The parent meeting's slides or screen, relayed (linked meetings): the pages come through this meeting's
       * coordinator (`/api/meetings/:id/parent-documents/:documentId/pages/:page`), the screen down the media pipe;
       * nobody here turns or stops them.
       */
      fromParent: z.boolean(),
    })
    .nullable(),
  documents: z.array(documentView),
  /** The document this change added (announced to everyone), if any. */
  added: id.nullable(),
});

export type ContentView = z.infer<typeof contentView>;
export type ContentShown = NonNullable<ContentView['content']>;
export type DocumentView = z.infer<typeof documentView>;
