import type { DocumentKind } from '../domain/content/types.js';
import { DomainError } from '../domain/core/errors.js';

/** The entry an Office Open XML package of each kind always has. */
const OOXML_PART: Record<Exclude<DocumentKind, 'pdf'>, string> = {
  docx: 'word/',
  xlsx: 'xl/',
  pptx: 'ppt/',
};

/**
 * Checks that the bytes are what the name says: a PDF starts `%PDF-`; DOCX, XLSX and PPTX are ZIP packages with
 * `[Content_Types].xml` and their own folder. An executable renamed `.pdf` is refused here, before anything reads it.
 */
export function checkContent(kind: DocumentKind, bytes: Buffer): void {
  const head = bytes.subarray(0, 1024);
  const ok =
    kind === 'pdf'
      ? head.includes('%PDF-') && head.indexOf('%PDF-') < 1024
      : bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) &&
        bytes.includes('[Content_Types].xml') &&
        bytes.includes(OOXML_PART[kind]);
  if (!ok) {
    throw new DomainError(
      'DOCUMENT_INVALID',
      `Nội dung tệp không phải ${kind.toUpperCase()} như tên tệp nói (the file is not a ${kind.toUpperCase()})`,
      [{ path: 'file', message: `Nội dung tệp không phải ${kind.toUpperCase()}` }],
    );
  }
}
