import { useTranslation } from 'react-i18next';
import { formatDate, formatTime } from '../format.js';
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
  'SHORT_CODE_UNKNOWN',
] as const;

/** Where a new link is the way out; for a link not valid yet or a meeting over, asking for one would not help. */
const NEW_LINK_HELPS = new Set(['NO_LINK', 'INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'NOT_INVITED']);

/**
 * A whole page for a link that cannot be used (none, broken, mistyped, expired, revoked, not valid yet, meeting over):
 * what happened, what to do and whom to ask, in the reader's language — never a thin banner on a blank page.
 */
export function RefusedPage({ code, validFrom = null }: { code: string | null; validFrom?: number | null }) {
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
      {reason === 'TOKEN_NOT_YET_VALID' && validFrom !== null && (
        <p className="refused-when" data-testid="valid-from">
          {t('refused.validFrom', { time: formatTime(validFrom).slice(0, 5), date: formatDate(validFrom) })}
        </p>
      )}
      <h2>{t('refused.whatToDo')}</h2>
      <ul>
        <li>{t(`refused.${reason}.todo`)}</li>
        {NEW_LINK_HELPS.has(reason) && <li>{t('refused.askOffice')}</li>}
        {['NO_LINK', 'INVALID', 'SHORT_CODE_UNKNOWN'].includes(reason) && <li>{t('refused.checkLink')}</li>}
        <li>{t('refused.technician')}</li>
      </ul>
    </main>
  );
}
