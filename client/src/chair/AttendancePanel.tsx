import { useTranslation } from 'react-i18next';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/** Downloads an export with the console's token in a header (never in a URL that lands in logs). */
async function download(client: MeetingClient, meetingId: string, format: 'csv' | 'xlsx', lang: string): Promise<void> {
  const response = await fetch(`/api/meetings/${encodeURIComponent(meetingId)}/attendance.${format}?lang=${lang}`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    client.notify('error', body?.error?.message ?? `HTTP ${response.status}`);

    return;
  }
  const name =
    /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `attendance.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Who is connected now, and the attendance record (intervals, outages, confirmations) as CSV or Excel. */
export function AttendancePanel({ client, state }: { client: MeetingClient; state: ConsoleState }) {
  const { t, i18n } = useTranslation();
  const present = Object.values(state.points).filter((p) => p.connected).length;

  return (
    <section className="panel attendance-panel" aria-labelledby="attendance-title">
      <div className="panel-head">
        <h2 id="attendance-title">{t('attendance.title')}</h2>
        <span data-testid="attendance-summary">
          {t('attendance.summary', { present, total: state.pointOrder.length })}
        </span>
      </div>
      <div className="form-row">
        <button type="button" onClick={() => void download(client, state.meeting.id, 'csv', i18n.language)}>
          {t('attendance.exportCsv')}
        </button>
        <button type="button" onClick={() => void download(client, state.meeting.id, 'xlsx', i18n.language)}>
          {t('attendance.exportXlsx')}
        </button>
      </div>
    </section>
  );
}
