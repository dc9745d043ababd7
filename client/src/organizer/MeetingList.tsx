import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatTime } from '../format.js';
import { api, type MeetingSummary } from './api.js';
import { NewMeeting } from './NewMeeting.js';
import { hanoiDay } from '../../../server/domain/record/record.js';

/** A scheduled meeting whose day (Hanoi) has passed is not "upcoming": it was never held. */
const upcoming = (m: MeetingSummary, today: string) => m.status === 'scheduled' && hanoiDay(m.scheduledStart) >= today;

const GROUPS = [
  ['live', (m: MeetingSummary) => m.status === 'open' || m.status === 'in_session'],
  ['upcoming', (m: MeetingSummary, today: string) => upcoming(m, today)],
  ['notHeld', (m: MeetingSummary, today: string) => m.status === 'scheduled' && !upcoming(m, today)],
  ['ended', (m: MeetingSummary) => m.status === 'ended'],
] as const;

/** The meetings, live first, then upcoming, then ended; and the form for a new one. */
export function MeetingList() {
  const { t } = useTranslation();
  const [meetings, setMeetings] = useState<MeetingSummary[] | null>(null);
  const [creating, setCreating] = useState(false);
  const load = () =>
    void api<{ meetings: MeetingSummary[] }>('GET', '/api/meetings').then((r) =>
      setMeetings([...r.meetings].sort((a, b) => a.scheduledStart - b.scheduledStart)),
    );
  useEffect(load, []);
  const today = hanoiDay(Date.now());

  return (
    <section className="panel" aria-labelledby="meetings-title">
      <div className="panel-head">
        <h2 id="meetings-title">{t('organizer.meetings')}</h2>
        <button type="button" className="primary" onClick={() => setCreating(!creating)} data-testid="new-meeting">
          {t('organizer.newMeeting')}
        </button>
      </div>
      {creating && (
        <NewMeeting
          onCreated={(id) => {
            location.hash = `#/hoi-nghi/${encodeURIComponent(id)}`;
          }}
        />
      )}
      {meetings !== null &&
        GROUPS.map(([group, test]) => {
          const rows = meetings.filter((m) => test(m, today));
          if (group === 'notHeld' && rows.length === 0) {
            return null;
          }

          return (
            <div key={group} className="meeting-group">
              <h3>
                {t(`organizer.group.${group}`)} ({rows.length})
              </h3>
              <ul className="meeting-rows">
                {rows.map((m) => (
                  <li key={m.id} data-meeting={m.id}>
                    <a href={`#/hoi-nghi/${encodeURIComponent(m.id)}`}>{m.title}</a>
                    <span className="muted">
                      {formatDate(m.scheduledStart)} {formatTime(m.scheduledStart).slice(0, 5)} ·{' '}
                      {t(`status.${m.status}`)} · {t('organizer.invitedCount', { count: m.invited })}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
    </section>
  );
}
