import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface RecordingInfo {
  enabled: boolean;
  recording: {
    status: 'recording' | 'done' | 'failed';
    file: string | null;
    bytes: number;
    reason: string | null;
  } | null;
}

/**
 * The meeting's record as the office files it: the minutes (Word), the attendance (Excel, or CSV with a comma or a
 * semicolon), the task register and the audit trail. Plain links: the organizer's session cookie authorises them.
 */
export function MeetingRecord({ meetingId }: { meetingId: string }) {
  const { t, i18n } = useTranslation();
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const [recording, setRecording] = useState<RecordingInfo | null>(null);
  /** The live stream's kept recording (VOD), played on the stream's page. */
  const [streamed, setStreamed] = useState(false);
  useEffect(() => {
    void fetch(`${base}/recording`)
      .then(async (response) => (response.ok ? ((await response.json()) as RecordingInfo) : null))
      .then(setRecording)
      .catch(() => undefined);
    void fetch(`${base}/stream`)
      .then(async (response) =>
        response.ok ? ((await response.json()) as { stream: { recording: string | null } | null }) : null,
      )
      .then((answer) => setStreamed((answer?.stream?.recording ?? null) !== null))
      .catch(() => undefined);
  }, [base]);
  const made = recording?.recording ?? null;
  const files: { key: string; href: string }[] = [
    { key: 'minutes', href: `${base}/minutes.docx` },
    { key: 'attendanceXlsx', href: `${base}/attendance.xlsx?lang=${lang}` },
    { key: 'attendanceCsvSemicolon', href: `${base}/attendance.csv?lang=${lang}&sep=semicolon` },
    { key: 'attendanceCsvComma', href: `${base}/attendance.csv?lang=${lang}` },
    { key: 'tasks', href: `${base}/tasks.xlsx` },
    { key: 'audit', href: `${base}/audit.csv?lang=${lang}&sep=semicolon` },
  ];

  return (
    <section aria-labelledby="meeting-record-title">
      <h3 id="meeting-record-title">{t('organizer.record.title')}</h3>
      <ul className="record-files">
        {files.map((file) => (
          <li key={file.key}>
            <a href={file.href} download data-testid={`record-${file.key}`}>
              {t(`organizer.record.${file.key}`)}
            </a>
          </li>
        ))}
        {made?.file != null && (
          <li>
            <a href={`${base}/recording.webm`} download data-testid="record-recording">
              {t('organizer.record.recording')}
            </a>{' '}
            ({Math.round(made.bytes / 1_048_576)} MB)
          </li>
        )}
        {streamed && (
          <li>
            <a href={`/truc-tiep/${encodeURIComponent(meetingId)}`} data-testid="record-stream">
              {t('organizer.record.streamRecording')}
            </a>
          </li>
        )}
      </ul>
      {recording?.enabled === true && made?.status !== 'done' && (
        <p className="muted" data-testid="recording-status">
          {made === null
            ? t('organizer.record.notRecorded')
            : made.status === 'recording'
              ? t('organizer.record.recordingNow')
              : t('organizer.record.recordingFailed', { reason: made.reason ?? '' })}
        </p>
      )}
    </section>
  );
}
