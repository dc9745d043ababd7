import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyButton } from '../components/CopyButton.js';
import { FormError } from '../components/FormError.js';
import { formatDate, formatTime } from '../format.js';
import { api, ApiError, messageOf } from './api.js';

/** The stream as GET /api/meetings/:id/stream gives it. */
interface StreamInfo {
  enabled: boolean;
  stream: {
    status: 'never' | 'live' | 'stopped' | 'failed';
    since: number | null;
    reason: string | null;
    destinations: { name: string; target: string; state: string; words: string; lastError: string | null }[];
  } | null;
}

/** A destination being entered: the portal's or the TV station's ingest. */
interface DraftDestination {
  name: string;
  url: string;
}

/** How often the panel asks again (a stream fails or ends with the meeting by itself). */
const POLL_MS = 5000;

/**
 * The meeting's live stream for the public, as the office runs it: its state in words, "Bắt đầu phát trực tiếp" and
 * "Dừng phát trực tiếp" (asked to confirm), and the public page's address to give the portal.
 */
export function LiveStreamPanel({ meetingId, ended }: { meetingId: string; ended: boolean }) {
  const { t } = useTranslation();
  const base = `/api/meetings/${encodeURIComponent(meetingId)}/stream`;
  const [info, setInfo] = useState<StreamInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<DraftDestination[]>([]);
  /** The server's word on a destination's field, by `destinations.<i>.<field>`. */
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
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
  const act = (method: 'POST' | 'DELETE') => {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    const destinations = drafts.filter((d) => d.name.trim() !== '' || d.url.trim() !== '');
    api<StreamInfo>(method, base, method === 'POST' ? { destinations } : undefined)
      .then(() => load())
      .catch((e: unknown) => {
        setError(messageOf(e));
        if (e instanceof ApiError) {
          setFieldErrors(Object.fromEntries(e.details.map((d) => [d.path ?? '', d.message])));
        }
      })
      .finally(() => setBusy(false));
  };
  if (info === null) {
    return null;
  }
  const stream = info.stream;
  const status = stream?.status ?? 'never';
  const page = `${location.origin}/truc-tiep/${encodeURIComponent(meetingId)}`;

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
          </p>
          {status === 'live' ? (
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
          ) : (
            <>
              <fieldset className="live-destinations">
                <legend>{t('organizer.live.destinations')}</legend>
                {drafts.map((draft, i) => (
                  <div key={i} className="live-destination" data-testid="live-destination-draft">
                    <input
                      name="destination-name"
                      aria-label={t('organizer.live.destinationName')}
                      placeholder={t('organizer.live.destinationName')}
                      value={draft.name}
                      onChange={(e) => setDrafts(drafts.map((d, j) => (j === i ? { ...d, name: e.target.value } : d)))}
                    />
                    <input
                      name="destination-url"
                      aria-label={t('organizer.live.destinationUrl')}
                      placeholder="rtmp://…"
                      value={draft.url}
                      onChange={(e) => setDrafts(drafts.map((d, j) => (j === i ? { ...d, url: e.target.value } : d)))}
                    />
                    {[fieldErrors[`destinations.${i}.name`], fieldErrors[`destinations.${i}.url`]]
                      .filter((message) => message !== undefined)
                      .map((message) => (
                        <span key={message} className="field-error" role="alert" data-testid="live-destination-error">
                          {message}
                        </span>
                      ))}
                    <button type="button" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}>
                      {t('organizer.live.removeDestination')}
                    </button>
                  </div>
                ))}
                {drafts.length < 5 && (
                  <button
                    type="button"
                    onClick={() => setDrafts([...drafts, { name: '', url: '' }])}
                    data-testid="live-destination-add"
                  >
                    {t('organizer.live.addDestination')}
                  </button>
                )}
              </fieldset>
              <button
                type="button"
                onClick={() => act('POST')}
                disabled={busy || ended}
                data-testid="live-stream-start"
              >
                {t('organizer.live.start')}
              </button>
            </>
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
          <FormError error={error} testId="live-stream-error" />
        </>
      )}
    </section>
  );
}
