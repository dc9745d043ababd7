import type { MeetingState } from '../domain/model.js';
import { relayedSlides } from '../domain/relayedSlides.js';
import type { DirectoryIndex } from '../domain/directory.js';
import type { ContentView } from '../protocol/content.js';

/** The content beside the speaker and the documents, as every console shows them. */
export function contentViewOf(state: MeetingState, index: DirectoryIndex, added: string | null = null): ContentView {
  const content = state.content;
  const document =
    content?.kind === 'slides' ? state.documents.find((d) => d.documentId === content.documentId) : undefined;
  const relayed = relayedSlides(state);

  return {
    seq: state.seq,
    content:
      content === null
        ? relayed === null
          ? null
          : {
              kind: 'slides',
              presenter: state.def.hubPointId,
              presenterName: relayed.presenterName,
              documentId: relayed.documentId,
              documentName: relayed.documentName,
              page: relayed.page,
              pages: relayed.pages,
              since: relayed.since,
              kept: false,
              fromParent: true,
            }
        : {
            kind: content.kind,
            presenter: content.presenter,
            presenterName: index.points.get(content.presenter)?.name ?? content.presenter,
            documentId: content.kind === 'slides' ? content.documentId : null,
            documentName: document?.name ?? null,
            page: content.kind === 'slides' ? content.page : null,
            pages: document?.pages ?? null,
            since: content.since,
            kept: content.kept,
            fromParent: false,
          },
    documents: state.documents.map(({ sha256: _sha, ...document }) => document),
    added,
  };
}
