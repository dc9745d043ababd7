import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/**
 * Linked meetings at the chair's console: relay the parent meeting's program (tiếp sóng) or hold the local one, and
 * answer the parent's roll call for the hall itself.
 */
export function UplinkBar({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t } = useTranslation();
  const up = state.status.uplink;
  const [headcount, setHeadcount] = useState('');
  const [name, setName] = useState(state.meeting.chairs[0]?.name ?? '');
  const [title, setTitle] = useState(state.meeting.chairs[0]?.title ?? '');
  if (up === null) {
    return null;
  }
  const count = Number(headcount);
  const valid = headcount !== '' && Number.isInteger(count) && count >= 0 && name.trim() !== '' && title.trim() !== '';

  return (
    <div className={`uplink-bar link-${up.state}`} role="region" aria-label={t('link.region')} data-testid="uplink-bar">
      <label>
        <input
          type="checkbox"
          checked={up.relaying}
          onChange={(e) => void client.send('uplink:relay', { relaying: e.target.checked })}
          data-testid="uplink-relay"
        />
        {t('link.relayToggle', { title: up.parentTitle ?? '' })}
      </label>
      {up.hallRollCall === 'pending' && (
        <form
          className="hall-rollcall"
          onSubmit={(event) => {
            event.preventDefault();
            void client.send('rollcall:confirmHall', {
              headcount: count,
              presiding: { name: name.trim(), title: title.trim() },
            });
          }}
        >
          <strong>{t('link.hallRollCall')}</strong>
          <label>
            {t('rollCall.headcount')}
            <input
              inputMode="numeric"
              value={headcount}
              onChange={(e) => setHeadcount(e.target.value)}
              data-testid="hall-headcount"
            />
          </label>
          <label>
            {t('link.presidingName')}
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            {t('link.presidingTitle')}
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={!valid} data-testid="hall-confirm">
            {t('link.hallConfirm')}
          </button>
        </form>
      )}
      {up.hallRollCall === 'confirmed' && <span className="muted">{t('link.hallConfirmed')}</span>}
    </div>
  );
}
