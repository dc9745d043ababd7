import { useTranslation } from 'react-i18next';
import type { ConsoleState } from '../state/consoleState.js';

/** How long "Tài liệu mới" stays announced. */
const ANNOUNCED_MS = 90_000;

/** Announces a document the office added during the meeting, for a while. */
export function DocumentAdded({ state, now }: { state: ConsoleState; now: number }) {
  const { t } = useTranslation();
  const added = state.documentAdded;
  // `now` is server time; the arrival was stamped with this browser's clock.
  if (added === null || now - state.clockOffsetMs - added.at > ANNOUNCED_MS) {
    return null;
  }

  return (
    <div className="banner banner-info" role="status" data-testid="document-added">
      {t('content.added', { name: added.name })}
    </div>
  );
}
