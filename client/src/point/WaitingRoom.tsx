import { useTranslation } from 'react-i18next';
import { formatDate, formatDuration, formatTime } from '../format.js';
import type { ConsoleState } from '../state/consoleState.js';
import { serverNow } from '../state/consoleState.js';
import { useNow } from '../state/hooks.js';

/**
 * A room that opens its link before the chair opens the meeting waits here: it sees when the meeting starts and how
 * long is left, runs its camera, microphone and network check (beside, in the point view) and is counted on the
 * technicians' readiness board. It is in the meeting the moment the chair opens it, without a reload.
 */
export function WaitingRoom({ state }: { state: ConsoleState }) {
  const { t } = useTranslation();
  const now = serverNow(state, useNow(1000));
  const start = state.meeting.scheduledStart;
  const left = (start - now) / 1000;

  return (
    <section className="waiting-room" aria-labelledby="waiting-title" data-testid="waiting-room">
      <h2 id="waiting-title">{t('waiting.title')}</h2>
      <p>{t('waiting.startsAt', { time: formatTime(start).slice(0, 5), date: formatDate(start) })}</p>
      <p className="waiting-left" data-testid="waiting-left" role="timer">
        {left > 0 ? t('waiting.left', { time: formatDuration(left) }) : t('waiting.due')}
      </p>
      <p className="muted">{t('waiting.check')}</p>
      <p className="muted">{t('waiting.auto')}</p>
    </section>
  );
}
