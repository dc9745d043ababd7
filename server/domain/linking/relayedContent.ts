import type { MeetingState } from '../core/model.js';
import type { ParentScreen, ParentSlides } from './types.js';

/**
 * Linked meetings, content: what a parent shows beside its speaker (slides, or a shared screen) reaches the meetings
 * linked below it (pure rules; the link carries them in server/linking, the pages come through
 * server/linking/ParentPages.ts, a screen's picture down the media pipe).
 */

/** Events after which the parent's content shown here (and passed on below) may differ, besides content events. */
export const RELAYED_CONTENT_EVENTS: ReadonlySet<string> = new Set([
  'ParentSlidesChanged',
  'ParentScreenChanged',
  'UplinkStateChanged',
  'RelayChanged',
  'UplinkRemoved',
]);

/**
 * The link whose content this meeting's consoles show: while linked and relaying the parent's program, and while the
 * meeting shows no content of its own.
 */
function showingParentContent(state: MeetingState): MeetingState['uplink'] {
  const up = state.uplink;

  return up !== null && up.state === 'linked' && up.relaying && state.content === null ? up : null;
}

/** The parent's slides this meeting's consoles show. */
export function relayedSlides(state: MeetingState): ParentSlides | null {
  return showingParentContent(state)?.parentSlides ?? null;
}

/** What this meeting shows as slides to the meetings linked below it: its own document's page, or what it relays. */
export function slidesForChildren(
  state: MeetingState,
  presenterName: (pointId: string) => string,
): ParentSlides | null {
  const content = state.content;
  if (content?.kind === 'slides') {
    const document = state.documents.find((d) => d.documentId === content.documentId);

    return document === undefined
      ? null
      : {
          documentId: document.documentId,
          documentName: document.name,
          page: content.page,
          pages: document.pages,
          presenterName: presenterName(content.presenter),
          since: content.since,
          pagesAt: 'documents',
        };
  }
  const relayed = relayedSlides(state);

  return relayed === null ? null : { ...relayed, pagesAt: 'parent-documents' };
}

/** The parent's shared screen this meeting's consoles show. */
export function relayedScreen(state: MeetingState): ParentScreen | null {
  return showingParentContent(state)?.parentScreen ?? null;
}

/** What this meeting shows as a shared screen to the meetings linked below it: its own, or the one it relays. */
export function screenForChildren(
  state: MeetingState,
  presenterName: (pointId: string) => string,
): ParentScreen | null {
  const content = state.content;
  if (content?.kind === 'screen') {
    return { presenterName: presenterName(content.presenter), since: content.since };
  }

  return relayedScreen(state);
}
