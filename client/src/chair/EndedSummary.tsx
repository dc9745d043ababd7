import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDuration, formatTime } from '../format.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';
import { summarizeAttendance, type AttendanceSummary } from './attendanceSummary.js';
import { downloadExport } from './downloadExport.js';
import { RecordPanel } from './RecordPanel.js';

/**
 * After "Kết thúc hội nghị" the console stops being a control desk: no live video, no buttons that act on the
 * meeting — the meeting as held (when, how long, who attended, how many spoke, the conclusion), its documents and
 * its record.
 */
export function EndedSummary({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t, i18n } = useTranslation();
  const [attendance, setAttendance] = useState<AttendanceSummary | null>(null);
  useEffect(() => {
    void client.send('attendance:get', {}, { quiet: true }).then((ack) => {
      if (ack.ok) {
        setAttendance(summarizeAttendance(ack.rows));
      }
    });
  }, [client]);
  const { startedAt, endedAt } = state.status;
  const id = state.meeting.id;
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const hhmm = (at: number) => formatTime(at).slice(0, 5);

  return (
    <main className="ended-summary" data-testid="ended-summary">
      <section className="panel">
        <h2>{t('ended.title')}</h2>
        <dl className="ended-facts">
          {startedAt !== null && endedAt !== null && (
            <>
              <dt>{t('ended.when')}</dt>
              <dd>
                {t('ended.span', {
                  date: formatDate(startedAt),
                  from: hhmm(startedAt),
                  to: hhmm(endedAt),
                  duration: formatDuration((endedAt - startedAt) / 1000),
                })}
              </dd>
            </>
          )}
          {attendance !== null && (
            <>
              <dt>{t('ended.attended')}</dt>
              <dd data-testid="ended-attended">
                {t('ended.attendedCount', { attended: attendance.attended, invited: attendance.invited })}
              </dd>
            </>
          )}
          {state.record !== null && (
            <>
              <dt>{t('ended.turns')}</dt>
              <dd>{t('ended.turnCount', { count: state.record.turns.length })}</dd>
              {state.record.conclusion !== null && (
                <>
                  <dt>{t('record.conclusion')}</dt>
                  <dd className="ended-conclusion">{state.record.conclusion}</dd>
                </>
              )}
            </>
          )}
        </dl>
        <h3>{t('ended.documents')}</h3>
        <div className="form-row">
          <button
            type="button"
            className="primary"
            onClick={() => void downloadExport(client, id, 'minutes.docx')}
            data-testid="ended-minutes"
          >
            {t('record.minutes')}
          </button>
          <button
            type="button"
            onClick={() => void downloadExport(client, id, `attendance.xlsx?lang=${lang}`)}
            data-testid="ended-attendance"
          >
            {t('ended.attendance')}
          </button>
          <button type="button" onClick={() => void downloadExport(client, id, `attendance.csv?lang=${lang}`)}>
            {t('ended.attendanceCsv')}
          </button>
        </div>
      </section>
      {/* The speaker log stays: summaries may still be written, and each turn says where it is in the recording. */}
      <RecordPanel client={client} state={state} />
    </main>
  );
}
