import { useTranslation } from 'react-i18next';
import { VideoTile } from '../components/VideoTile.js';
import type { ConsoleState } from '../state/consoleState.js';
import { SlidePage } from './SlidePage.js';

/**
 * The content beside the speaker: a document's page (drawn from its image) or a shared screen (a video stream).
 * Nothing when no content is on.
 */
export function ContentStage({
  state,
  token,
  screen,
}: {
  state: ConsoleState;
  token: string | null;
  /** The shared screen's stream, when the bridge delivers one. */
  screen: MediaStream | null;
}) {
  const { t } = useTranslation();
  const content = state.content.content;
  if (content === null) {
    return null;
  }
  if (content.kind === 'slides' && content.documentId !== null && content.page !== null) {
    return (
      <div className="content-stage" data-testid="content-stage" data-kind="slides">
        <SlidePage
          meetingId={state.meeting.id}
          documentId={content.documentId}
          page={content.page}
          pages={content.pages}
          token={token}
          fromParent={content.fromParent}
          label={t(content.fromParent ? 'content.parentSlidesLabel' : 'content.slidesLabel', {
            name: content.documentName ?? '',
            page: content.page,
            pages: content.pages ?? '?',
            presenter: content.presenterName,
          })}
        />
      </div>
    );
  }

  return (
    <div className="content-stage" data-testid="content-stage" data-kind="screen">
      <VideoTile
        stream={screen}
        label={t(content.fromParent ? 'content.parentScreenOf' : 'content.screenOf', { name: content.presenterName })}
        waiting={t('content.waitingScreen', { name: content.presenterName })}
        testId="content-screen"
      />
    </div>
  );
}
