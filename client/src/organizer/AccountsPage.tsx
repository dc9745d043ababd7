import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { Field, fieldsValid, REQUIRED } from '../components/Field.js';
import { formatDate } from '../format.js';
import { api, messageOf, type AccountView } from './api.js';
import { compareVietnamese } from '../../../server/domain/core/text.js';

const ROLES = ['organizer', 'admin'] as const;

/** Administrators: the operator accounts, and a new one (username, name, first password, roles). */
export function AccountsPage() {
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<(AccountView & { createdAt: number; disabled: boolean })[]>([]);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(['organizer']);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    void api<{ accounts: typeof accounts }>('GET', '/api/accounts').then((r) =>
      setAccounts([...r.accounts].sort((a, b) => compareVietnamese(a.displayName, b.displayName))),
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
            <th scope="col">{t('accounts.state')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.username} data-account={a.username}>
              <td>{a.username}</td>
              <td>{a.displayName}</td>
              <td>{a.roles.map((r) => t(`accounts.role.${r}`)).join(', ')}</td>
              <td>{formatDate(a.createdAt)}</td>
              <td>
                <AccountActions account={a} onChanged={load} onError={setError} />
              </td>
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

/**
 * What an administrator does to one account: lock it (its sessions end at once) or open it again, and set a new
 * password when someone forgot theirs (their sessions end too).
 */
function AccountActions({
  account,
  onChanged,
  onError,
}: {
  account: AccountView & { disabled: boolean };
  onChanged: () => void;
  onError: (message: string | null) => void;
}) {
  const { t } = useTranslation();
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  const path = `/api/accounts/${encodeURIComponent(account.username)}`;
  const change = (body: object) =>
    api('PATCH', path, body)
      .then(() => {
        onError(null);
        setResetting(false);
        setPassword('');
        onChanged();
      })
      .catch((e: unknown) => onError(messageOf(e)));

  return (
    <div className="account-actions">
      <span>{account.disabled ? t('accounts.disabled') : t('accounts.active')}</span>{' '}
      <button type="button" onClick={() => void change({ disabled: !account.disabled })}>
        {account.disabled ? t('accounts.enable') : t('accounts.disable')}
      </button>{' '}
      <button type="button" onClick={() => setResetting(!resetting)}>
        {t('accounts.resetPassword')}
      </button>
      {resetting && (
        <form
          className="form-row"
          onSubmit={(event) => {
            event.preventDefault();
            void change({ password });
          }}
        >
          <input
            type="password"
            name={`newPassword-${account.username}`}
            aria-label={t('accounts.newPassword')}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="primary">
            {t('record.save')}
          </button>
        </form>
      )}
    </div>
  );
}
