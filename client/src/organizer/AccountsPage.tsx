import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { Field, fieldsValid, REQUIRED } from '../components/Field.js';
import { formatDate } from '../format.js';
import { api, messageOf, type AccountView } from './api.js';

const ROLES = ['organizer', 'admin'] as const;

/** Administrators: the operator accounts, and a new one (username, name, first password, roles). */
export function AccountsPage() {
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<(AccountView & { createdAt: number })[]>([]);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(['organizer']);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    void api<{ accounts: typeof accounts }>('GET', '/api/accounts').then((r) =>
      setAccounts([...r.accounts].sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'))),
    );
  useEffect(load, []);

  return (
    <section className="panel" aria-labelledby="accounts-title">
      <h2 id="accounts-title">{t('accounts.title')}</h2>
      <table data-testid="accounts">
        <thead>
          <tr>
            <th scope="col">{t('organizer.username')}</th>
            <th scope="col">{t('accounts.name')}</th>
            <th scope="col">{t('accounts.roles')}</th>
            <th scope="col">{t('accounts.created')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.username}>
              <td>{a.username}</td>
              <td>{a.displayName}</td>
              <td>{a.roles.map((r) => t(`accounts.role.${r}`)).join(', ')}</td>
              <td>{formatDate(a.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="new-meeting"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          setError(null);
          if (
            !fieldsValid([
              [username, REQUIRED],
              [displayName, REQUIRED],
              [password, REQUIRED],
            ])
          ) {
            return;
          }
          api('POST', '/api/accounts', { username, displayName, password, roles })
            .then(() => {
              setUsername('');
              setDisplayName('');
              setPassword('');
              setSubmitted(false);
              load();
            })
            .catch((e: unknown) => setError(messageOf(e)));
        }}
      >
        <h3>{t('accounts.new')}</h3>
        <Field
          label={t('organizer.username')}
          name="newUsername"
          rule={REQUIRED}
          value={username}
          onChange={setUsername}
          showError={submitted}
        />
        <Field
          label={t('accounts.name')}
          name="newDisplayName"
          rule={REQUIRED}
          value={displayName}
          onChange={setDisplayName}
          showError={submitted}
        />
        <Field
          label={t('accounts.firstPassword')}
          name="newPassword"
          password
          rule={REQUIRED}
          value={password}
          onChange={setPassword}
          showError={submitted}
        />
        <fieldset>
          <legend>{t('accounts.roles')}</legend>
          {ROLES.map((r) => (
            <label key={r} className="inline">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={(e) => setRoles((all) => (e.target.checked ? [...all, r] : all.filter((x) => x !== r)))}
              />{' '}
              {t(`accounts.role.${r}`)}
            </label>
          ))}
        </fieldset>
        <FormError error={error} testId="account-error" />
        <button type="submit" className="primary">
          {t('accounts.create')}
        </button>
      </form>
    </section>
  );
}
