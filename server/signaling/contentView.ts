import type { MeetingState } from '../domain/core/model.js';
import { relayedScreen, relayedSlides } from '../domain/linking/relayedContent.js';
import type { DirectoryIndex } from '../domain/directory/directory.js';
import type { ContentShown, ContentView } from '../protocol/content.js';

/** The content beside the speaker and the documents, as every console shows them. */
export function contentViewOf(state: MeetingState, index: DirectoryIndex, added: string | null = null): ContentView {
  const content = state.content;
  const document =
    content?.kind === 'slides' ? state.documents.find((d) => d.documentId === content.documentId) : undefined;

  return {
    seq: state.seq,
    content:
      content === null
        ? relayedContent(state)
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

/** The parent's slides or screen, shown here while this meeting relays its parent and shows nothing of its own. */
function relayedContent(state: MeetingState): ContentShown | null {
  const slides = relayedSlides(state);
  if (slides !== null) {
    return {
      kind: 'slides',
      presenter: state.def.hubPointId,
      presenterName: slides.presenterName,
      documentId: slides.documentId,
      documentName: slides.documentName,
      page: slides.page,
      pages: slides.pages,
      since: slides.since,
      kept: false,
      fromParent: true,
    };
  }
  const screen = relayedScreen(state);

  return screen === null
    ? null
    : {
        kind: 'screen',
        presenter: state.def.hubPointId,
        presenterName: screen.presenterName,
        documentId: null,
        documentName: null,
        page: null,
        pages: null,
        since: screen.since,
        kept: false,
        fromParent: true,
      };
}
