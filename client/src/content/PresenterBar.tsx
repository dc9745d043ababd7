import { useTranslation } from 'react-i18next';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';
import type { MediaClient } from '../media/MediaClient.js';

/**
 * The presenter's controls: turn the page, stop. A chair also stops anyone's content and may keep a point's content
 * on show after its turn. `presenter` is who this console presents as (the hub, or the point holding the floor).
 */
export function PresenterBar({
  client,
  state,
  presenter,
  isChair,
  media,
}: {
  client: MeetingClient;
  state: ConsoleState;
  presenter: string;
  isChair: boolean;
  /** This console's media, to share its screen (absent where it cannot). */
  media?: MediaClient | null | undefined;
}) {
  const { t } = useTranslation();
  const content = state.content.content;
  const share = async () => {
    if (media == null || !(await media.shareScreen())) {
      return;
    }
    const ack = await client.send('screen:start', {});
    if (!ack.ok) {
      await media.stopScreen();
    }
  };
  const shareButton = media != null && media.screen === null && (
    <button type="button" onClick={() => void share()} data-testid="share-screen">
      {t('content.shareScreen')}
    </button>
  );
  if (content === null) {
    return shareButton === false ? null : (
      <div className="presenter-bar" role="toolbar" aria-label={t('content.controls')} data-testid="presenter-bar">
        {shareButton}
      </div>
    );
  }
  if (content.fromParent) {
    // The parent meeting's slides, relayed: turned and stopped there, not here.
    return (
      <div className="presenter-bar" role="toolbar" aria-label={t('content.controls')} data-testid="presenter-bar">
        <span className="muted">{t('content.presentedByParent', { name: content.presenterName })}</span>
      </div>
    );
  }
  const mine = content.presenter === presenter;
  const turn = (page: number) =>
    content.documentId !== null && void client.send('slides:show', { documentId: content.documentId, page });

  return (
    <div className="presenter-bar" role="toolbar" aria-label={t('content.controls')} data-testid="presenter-bar">
      {mine && content.kind === 'slides' && content.page !== null && (
        <>
          <button type="button" disabled={content.page <= 1} onClick={() => turn((content.page ?? 1) - 1)}>
            ◀ {t('content.previous')}
          </button>
          <span className="page-of" data-testid="page-of">
            {t('content.pageOf', { page: content.page, pages: content.pages ?? '?' })}
          </span>
          <button
            type="button"
            disabled={content.pages !== null && content.page >= content.pages}
            onClick={() => turn((content.page ?? 0) + 1)}
            data-testid="next-page"
          >
            {t('content.next')} ▶
          </button>
        </>
      )}
      {!mine && <span className="muted">{t('content.presentedBy', { name: content.presenterName })}</span>}
      {isChair && content.presenter !== state.meeting.hubPointId && (
        <label className="keep-content">
          <input
            type="checkbox"
            checked={content.kept}
            onChange={(e) => void client.send('content:keep', { kept: e.target.checked })}
          />
          {t('content.keep')}
        </label>
      )}
      {(mine || isChair) && shareButton}
      {(mine || isChair) && (
        <button
          type="button"
          className="danger"
          onClick={() => void client.send('content:stop', {})}
          data-testid="stop-content"
        >
          {t('content.stop')}
        </button>
      )}
    </div>
  );
}
