import { useEffect, useRef } from 'react';
import type { MediaView } from '../media/useMedia.js';
import type { ConsoleState } from '../state/consoleState.js';

const previews = new WeakMap<MediaStreamTrack, MediaStream>();

/** The shared screen a console shows: what the bridge delivers, or its own screen while it shares it. */
export function contentStream(media: MediaView): MediaStream | null {
  const delivered = media.slots.find((s) => s.purpose === 'content' && s.source !== null)?.stream ?? null;
  const own = media.client?.screen ?? null;
  if (delivered !== null || own === null) {
    return delivered;
  }
  let preview = previews.get(own);
  if (preview === undefined) {
    preview = new MediaStream([own]);
    previews.set(own, preview);
  }

  return preview;
}

/**
 * A console's own shared screen follows the meeting: when its screen stops being the content (the chair stopped it,
 * took over, or the presenter's turn ended), the browser stops capturing it.
 */
export function useScreenFollowsContent(media: MediaView, state: ConsoleState, presenter: string | null): void {
  const content = state.content.content;
  const mine = content?.kind === 'screen' && !content.fromParent && content.presenter === presenter;
  const wasMine = useRef(false);
  useEffect(() => {
    if (wasMine.current && !mine) {
      void media.client?.stopScreen();
    }
    wasMine.current = mine;
  }, [mine, media.client]);
}
