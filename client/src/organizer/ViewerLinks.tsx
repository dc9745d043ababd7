import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { CopyButton } from '../components/CopyButton.js';
import { FormError } from '../components/FormError.js';
import { formatDate, formatTime } from '../format.js';
import { api, messageOf } from './api.js';

/** A viewer link as GET /api/meetings/:id/stream/links lists it. */
interface ViewerLink {
  tokenId: string;
  url: string;
  shortUrl: string | null;
  expiresAt: number;
  revoked: boolean;
}

/**
 * The viewer links of an internal stream: issued one at a time (for a department, a delegation), each with its short
 * address to read out and a copy button, revoked as any link is (whoever watches with it is stopped at once).
 */
export function ViewerLinks({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation();
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;
  const [links, setLinks] = useState<ViewerLink[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      api<{ links: ViewerLink[] }>('GET', `${base}/stream/links`)
        .then((answer) => setLinks(answer.links))
        .catch((e: unknown) => setError(messageOf(e))),
    [base],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const act = (method: 'POST', path: string) => {
    setBusy(true);
    setError(null);
    api(method, path)
      .then(() => load())
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };

  return (
    <div className="viewer-links" data-testid="viewer-links">
      <h4>{t('organizer.live.links')}</h4>
      <ul>
        {links.map((link) => (
          <li key={link.tokenId} data-testid="viewer-link" data-revoked={link.revoked}>
            <a href={link.url}>{link.shortUrl ?? link.url}</a>{' '}
            {link.revoked ? (
              <span className="muted">({t('organizer.live.revoked')})</span>
            ) : (
              <>
                <span className="muted">
                  (
                  {t('organizer.live.linkUntil', {
                    time: formatTime(link.expiresAt).slice(0, 5),
                    date: formatDate(link.expiresAt),
                  })}
                  )
                </span>{' '}
                <CopyButton text={link.shortUrl ?? link.url} testId="viewer-link-copy" />
                <ConfirmButton
                  question={t('organizer.live.revokeQuestion')}
                  confirmLabel={t('organizer.live.revoke')}
                  onConfirm={() => act('POST', `${base}/tokens/${encodeURIComponent(link.tokenId)}/revoke`)}
                  disabled={busy}
                  danger
                  testId="viewer-link-revoke"
                >
                  {t('organizer.live.revoke')}
                </ConfirmButton>
              </>
            )}
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => act('POST', `${base}/stream/links`)}
        disabled={busy}
        data-testid="viewer-link-issue"
      >
        {t('organizer.live.issueLink')}
      </button>
      <FormError error={error} testId="viewer-links-error" />
    </div>
  );
}
