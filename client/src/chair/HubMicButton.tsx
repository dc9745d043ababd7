import { useTranslation } from 'react-i18next';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/**
 * The hub's own microphone, always in the chair's header: after "mute all, chairs included" the chair sees at once
 * that the hall no longer hears them, and opens it again with one click.
 */
export function HubMicButton({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const open = state.mics.chairsOpen;

  return (
    <button
      type="button"
      className={`hub-mic ${open ? 'hub-mic-open' : 'hub-mic-closed'}`}
      aria-pressed={open}
      title={open ? t('mics.hubCloseHint') : undefined}
      onClick={() => void client.send('mic:set', { target: 'chairs', open: !open })}
      data-testid="hub-mic"
    >
      <span aria-hidden="true">{open ? '● ' : '✕ '}</span>
      {open ? t('mics.hubOpen') : t('mics.hubClosed')}
    </button>
  );
}
