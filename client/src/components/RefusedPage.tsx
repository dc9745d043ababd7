import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n/index.js';
import { LanguageSwitch } from './Shell.js';

/** Why a join link does not open a console, by the server's code; anything else reads as "not valid". */
const KNOWN = [
  'TOKEN_EXPIRED',
  'TOKEN_NOT_YET_VALID',
  'TOKEN_REVOKED',
  'MEETING_ENDED',
  'NOT_INVITED',
  'MEETING_NOT_OPEN',
] as const;

/**
 * A whole page for a link that cannot be used (none, broken, expired, revoked, meeting over): what happened, what to
 * do and whom to ask, in the reader's language — never a thin banner on a blank page.
 */
export function RefusedPage({ code }: { code: string | null }) {
  const { t, i18n } = useTranslation();
  const reason = code === null ? 'NO_LINK' : (KNOWN as readonly string[]).includes(code) ? code : 'INVALID';

  return (
    <main className="refused-page" data-testid="refused-page" data-code={reason}>
      <div className="refused-top">
        <p className="refused-app">{t('app.name')}</p>
        <LanguageSwitch current={i18n.language as Language} />
      </div>
      <h1>{t(`refused.${reason}.title`)}</h1>
      <p>{t(`refused.${reason}.what`)}</p>
      <h2>{t('refused.whatToDo')}</h2>
      <ul>
        <li>{t('refused.askOffice')}</li>
        <li>{t('refused.checkLink')}</li>
        <li>{t('refused.technician')}</li>
      </ul>
    </main>
  );
}
