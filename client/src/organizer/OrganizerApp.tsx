import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/Shell.js';
import type { Language } from '../i18n/index.js';
import { api, type AccountView } from './api.js';
import { AccountsPage } from './AccountsPage.js';
import { DirectoryPage } from './DirectoryPage.js';
import { MeetingList } from './MeetingList.js';
import { MeetingPage } from './MeetingPage.js';
import { SignIn } from './SignIn.js';

/** The office's console (/to-chuc): sign in, the meetings, and one meeting's invitations. */
export function OrganizerApp() {
  const { t, i18n } = useTranslation();
  const [account, setAccount] = useState<AccountView | null | undefined>(undefined);
  const [meetingId, setMeetingId] = useState<string | null>(() => meetingOfHash());
  const [page, setPage] = useState(() => pageOfHash());
  useEffect(() => {
    document.title = `${t('organizer.tabTitle')} — diemcau`;
  }, [t]);
  useEffect(() => {
    api<{ account: AccountView }>('GET', '/api/session')
      .then((r) => setAccount(r.account))
      .catch(() => setAccount(null));
    const onHash = () => {
      setMeetingId(meetingOfHash());
      setPage(pageOfHash());
    };
    window.addEventListener('hashchange', onHash);

    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const signOut = useCallback(() => {
    void api('DELETE', '/api/session').finally(() => setAccount(null));
  }, []);

  return (
    <div className="organizer">
      <header className="top">
        <div className="top-title">
          <h1>{t('organizer.title')}</h1>
          {account != null && (
            <p>
              <span className="role" data-testid="signed-in-as">
                {account.displayName}
              </span>{' '}
              <button type="button" className="link-light" onClick={signOut}>
                {t('organizer.signOut')}
              </button>
            </p>
          )}
        </div>
        <LanguageSwitch current={i18n.language as Language} />
      </header>
      <main className="organizer-main">
        {account === undefined ? null : account === null ? (
          <SignIn onSignedIn={setAccount} />
        ) : (
          <>
            <nav className="organizer-nav">
              <a href="#/" aria-current={page === 'meetings' ? 'page' : undefined}>
                {t('organizer.meetings')}
              </a>
              {account.roles.includes('admin') && (
                <>
                  <a
                    href="#/danh-ba"
                    aria-current={page === 'directory' ? 'page' : undefined}
                    data-testid="nav-directory"
                  >
                    {t('directory.title')}
                  </a>
                  <a href="#/tai-khoan" aria-current={page === 'accounts' ? 'page' : undefined}>
                    {t('accounts.title')}
                  </a>
                </>
              )}
            </nav>
            {page === 'accounts' ? (
              <AccountsPage />
            ) : page === 'directory' ? (
              <DirectoryPage />
            ) : meetingId === null ? (
              <MeetingList />
            ) : (
              <MeetingPage meetingId={meetingId} />
            )}
          </>
        )}
      </main>
    </div>
  );
}

const pageOfHash = (): 'meetings' | 'directory' | 'accounts' =>
  location.hash === '#/danh-ba' ? 'directory' : location.hash === '#/tai-khoan' ? 'accounts' : 'meetings';

function meetingOfHash(): string | null {
  const match = /^#\/hoi-nghi\/(.+)$/.exec(location.hash);

  return match === null ? null : decodeURIComponent(match[1] as string);
}
