import { downloadExport } from './downloadExport.js';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { summarizeAttendance, type AttendanceSummary } from './attendanceSummary.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/** The attendance record as CSV or Excel, in the console's language. */
const download = (
  client: MeetingClient,
  meetingId: string,
  file: 'csv' | 'xlsx' | 'csv&sep=semicolon',
  lang: string,
) => {
  const [format, options = ''] = file.split('&');

  return downloadExport(client, meetingId, `attendance.${format}?lang=${lang}${options === '' ? '' : `&${options}`}`);
};

const REFRESH_MS = 30_000;

/** Who is connected now, the record so far (refreshed), and the full record (intervals, outages) as CSV or Excel. */
export function AttendancePanel({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t, i18n } = useTranslation();
  const present = Object.values(state.points).filter((p) => p.connected).length;
  const [summary, setSummary] = useState<AttendanceSummary | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      void client.send('attendance:get', {}, { quiet: true }).then((ack) => {
        if (!stopped && ack.ok) {
          setSummary(summarizeAttendance(ack.rows));
        }
      });
    load();
    const timer = setInterval(load, REFRESH_MS);

    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client]);

  return (
    <section className="panel attendance-panel" aria-labelledby="attendance-title">
      <div className="panel-head">
        <h2 id="attendance-title">{t('attendance.title')}</h2>
        <span data-testid="attendance-summary">
          {t('attendance.summary', { present, total: state.pointOrder.length })}
        </span>
      </div>
      {summary !== null && (
        <p className="muted" data-testid="attendance-record">
          {t('attendance.record', {
            attended: summary.attended,
            invited: summary.invited,
            headcount: summary.headcount,
            outages: summary.withOutages,
          })}
          {summary.neverJoined.length > 0 && (
            <span title={summary.neverJoined.join(', ')}>
              {' '}
              · {t('attendance.neverJoined', { count: summary.neverJoined.length })}
            </span>
          )}
        </p>
      )}
      <div className="form-row">
        <button type="button" onClick={() => void download(client, state.meeting.id, 'csv', i18n.language)}>
          {t('attendance.exportCsv')}
        </button>
        <button
          type="button"
          onClick={() => void download(client, state.meeting.id, 'csv&sep=semicolon', i18n.language)}
        >
          {t('attendance.exportCsvSemicolon')}
        </button>
        <button type="button" onClick={() => void download(client, state.meeting.id, 'xlsx', i18n.language)}>
          {t('attendance.exportXlsx')}
        </button>
      </div>
    </section>
  );
}
