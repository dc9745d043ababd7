import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyButton } from '../components/CopyButton.js';
import { FormError } from '../components/FormError.js';
import { formatDate, formatTime } from '../format.js';
import { api, messageOf } from './api.js';
import { LiveStreamSetup, type StreamSetupView } from './LiveStreamSetup.js';
import { ViewerLinks } from './ViewerLinks.js';

/** The stream as GET /api/meetings/:id/stream gives it. */
interface StreamInfo {
  enabled: boolean;
  stream: {
    status: 'never' | 'live' | 'stopped' | 'failed';
    since: number | null;
    reason: string | null;
    showing: 'program' | 'card';
    recording: string | null;
    destinations: { name: string; target: string; state: string; words: string; lastError: string | null }[];
    setup: StreamSetupView;
  } | null;
}

/** How often the panel asks again (a stream fails or ends with the meeting by itself). */
const POLL_MS = 5000;

/**
 * The meeting's live stream as the office runs it: its state in words, "Bắt đầu phát trực tiếp" and "Dừng phát trực
 * tiếp" (asked to confirm), the card of a closed part, each push's state, the public page's address to give the
 * portal, the recording once kept; its setup, and the viewer links of an internal stream.
 */
export function LiveStreamPanel({ meetingId, ended }: { meetingId: string; ended: boolean }) {
  const { t } = useTranslation();
  const base = `/api/meetings/${encodeURIComponent(meetingId)}/stream`;
  const [info, setInfo] = useState<StreamInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      api<StreamInfo>('GET', base)
        .then(setInfo)
        .catch(() => undefined),
    [base],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);

    return () => clearInterval(timer);
  }, [load]);
  const act = (method: 'POST' | 'DELETE', path = '', body?: unknown) => {
    setBusy(true);
    setError(null);
    api<StreamInfo>(method, `${base}${path}`, body)
      .then(() => load())
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };
  if (info === null) {
    return null;
  }
  const stream = info.stream;
  const status = stream?.status ?? 'never';
  const page = `${location.origin}/truc-tiep/${encodeURIComponent(meetingId)}`;
  const card = stream?.showing === 'card';

  return (
    <section aria-labelledby="live-stream-title" data-testid="live-stream-panel" data-status={status}>
      <h3 id="live-stream-title">{t('organizer.live.title')}</h3>
      {!info.enabled ? (
        <p>{t('organizer.live.unavailable')}</p>
      ) : (
        <>
          <p data-testid="live-stream-state">
            {t(`organizer.live.${status}`, {
              time: formatTime(stream?.since ?? 0).slice(0, 5),
              date: formatDate(stream?.since ?? 0),
              reason: stream?.reason ?? '',
            })}
            {status === 'live' && card ? ` ${t('organizer.live.cardOn')}` : ''}
          </p>
          {status === 'live' ? (
            <div className="button-row">
              <ConfirmButton
                question={t('organizer.live.stopQuestion')}
                confirmLabel={t('organizer.live.stop')}
                onConfirm={() => act('DELETE')}
                disabled={busy}
                danger
                testId="live-stream-stop"
              >
                {t('organizer.live.stop')}
              </ConfirmButton>
              <button
                type="button"
                onClick={() => act('POST', '/card', { shown: !card })}
                disabled={busy}
                aria-pressed={card}
                data-testid="live-stream-card"
              >
                {card ? t('organizer.live.cardOff') : t('organizer.live.card')}
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => act('POST')} disabled={busy || ended} data-testid="live-stream-start">
              {t('organizer.live.start')}
            </button>
          )}
          {status === 'live' && (stream?.destinations.length ?? 0) > 0 && (
            <ul className="live-destination-states" data-testid="live-destination-states">
              {stream?.destinations.map((d) => (
                <li key={d.name} data-state={d.state}>
                  {d.name} ({d.target}) — {d.words}
                  {d.lastError !== null && d.state !== 'live' ? `: ${d.lastError}` : ''}
                </li>
              ))}
            </ul>
          )}
          <p>
            {t('organizer.live.page')} <a href={page}>{page}</a> <CopyButton text={page} testId="live-stream-copy" />
          </p>
          {stream?.recording != null && (
            <p data-testid="live-stream-recording">
              {t('organizer.live.recording')} <a href={page}>{page}</a>
            </p>
          )}
          <FormError error={error} testId="live-stream-error" />
          {stream !== null && (
            <LiveStreamSetup meetingId={meetingId} setup={stream.setup} disabled={ended} onSaved={() => void load()} />
          )}
          {stream?.setup.internal === true && <ViewerLinks meetingId={meetingId} />}
        </>
      )}
    </section>
  );
}
