import { useTranslation } from 'react-i18next';
import { formatDuration } from '../format.js';
import type { ConsoleState } from '../state/consoleState.js';
import { serverNow } from '../state/consoleState.js';
import { useNow } from '../state/hooks.js';

/** Seconds before the limit when the countdown turns amber (the server warns at the same point). */
export const WARNING_SEC = 30;

export type CountdownPhase = 'normal' | 'warning' | 'over';

export function countdownPhase(remainingSec: number, warned: boolean): CountdownPhase {
  if (remainingSec <= 0) {
    return 'over';
  }

  return warned || remainingSec <= WARNING_SEC ? 'warning' : 'normal';
}

/** The speaker's remaining time, in server time: amber at the warning, red at the limit. */
export function Countdown({ state, large = false }: { state: ConsoleState; large?: boolean }) {
  const { t } = useTranslation();
  const now = useNow();
  const holder = state.floor.holder;
  if (holder === null) {
    return null;
  }
  const remaining = (holder.endsAt - serverNow(state, now)) / 1000;
  const phase = countdownPhase(remaining, holder.warned);

  return (
    <div
      className={`countdown ${phase}${large ? ' large' : ''}`}
      role="timer"
      aria-label={t('floor.remaining')}
      data-testid="countdown"
      data-phase={phase}
    >
      <span className="countdown-label">
        {phase === 'over' ? t('floor.over') : phase === 'warning' ? t('floor.almostOver') : t('floor.remaining')}
      </span>
      <span className="countdown-time">{formatDuration(remaining)}</span>
    </div>
  );
}
