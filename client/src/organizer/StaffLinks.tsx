import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { formatDate, formatTime } from '../format.js';
import { api, messageOf } from './api.js';

const ROLES = ['chair', 'cochair', 'secretary', 'technician', 'observer'] as const;

interface StaffLink {
  tokenId: string;
  joinUrl: string;
  expiresAt: number;
  role: (typeof ROLES)[number];
  person: { username: string; name: string };
  revoked?: boolean;
}

/**
 * Links for the meeting's staff, one per person and role: the link names its person, so everything done from it is
 * recorded with that name. Each can be copied, and revoked.
 */
export function StaffLinks({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation();
  const [people, setPeople] = useState<{ username: string; displayName: string }[]>([]);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<(typeof ROLES)[number]>('chair');
  const [links, setLinks] = useState<StaffLink[]>([]);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;
  useEffect(() => {
    void api<{ people: typeof people }>('GET', '/api/accounts/people').then((r) => setPeople(r.people));
  }, []);
  const fail = (e: unknown) => setError(messageOf(e));

  return (
    <section className="staff-links" aria-labelledby="staff-links-title">
      <h3 id="staff-links-title">{t('organizer.staffLinks')}</h3>
      <div className="form-row">
        <label>
          {t('organizer.person')}
          <select name="person" value={username} onChange={(e) => setUsername(e.target.value)}>
            <option value="">—</option>
            {people.map((p) => (
              <option key={p.username} value={p.username}>
                {p.displayName} ({p.username})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('organizer.role')}
          <select name="staffRole" value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={username === ''}
          onClick={() => {
            setError(null);
            api<StaffLink>('POST', `${base}/tokens`, { role, username })
              .then((link) => setLinks((all) => [...all, link]))
              .catch(fail);
          }}
        >
          {t('organizer.issueStaff')}
        </button>
      </div>
      <FormError error={error} />
      {links.length > 0 && (
        <ul className="staff-link-list" data-testid="staff-links">
          {links.map((link) => (
            <li key={link.tokenId} className={link.revoked === true ? 'revoked' : ''}>
              <strong>{link.person.name}</strong> — {t(`role.${link.role}`)} · {t('organizer.validUntil')}{' '}
              {formatDate(link.expiresAt)} {formatTime(link.expiresAt).slice(0, 5)}{' '}
              {link.revoked === true ? (
                t('organizer.revoked')
              ) : (
                <>
                  <button type="button" onClick={() => void navigator.clipboard?.writeText(link.joinUrl)}>
                    {t('organizer.copyLink')}
                  </button>{' '}
                  <button
                    type="button"
                    onClick={() =>
                      void api('POST', `${base}/tokens/${encodeURIComponent(link.tokenId)}/revoke`)
                        .then(() =>
                          setLinks((all) => all.map((l) => (l.tokenId === link.tokenId ? { ...l, revoked: true } : l))),
                        )
                        .catch(fail)
                    }
                  >
                    {t('organizer.revoke')}
                  </button>
                </>
              )}
              <input readOnly className="link-text" value={link.joinUrl} aria-label={t('organizer.link')} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
