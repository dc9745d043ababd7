import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../components/FormError.js';
import { Field, fieldsValid, REQUIRED } from '../components/Field.js';
import { api, messageOf, type AccountView } from './api.js';

/** Username and password; a wrong pair, a locked account or an expired session is said at the form. */
export function SignIn({ onSignedIn }: { onSignedIn: (account: AccountView) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | null>(null);

  return (
    <form
      className="panel sign-in"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setSubmitted(true);
        if (
          !fieldsValid([
            [username, REQUIRED],
            [password, REQUIRED],
          ])
        ) {
          return;
        }
        api<{ account: AccountView }>('POST', '/api/session', { username, password })
          .then((r) => onSignedIn(r.account))
          .catch((e: unknown) => setError(messageOf(e)));
      }}
    >
      <h2>{t('organizer.signIn')}</h2>
      <Field
        label={t('organizer.username')}
        name="username"
        rule={REQUIRED}
        value={username}
        onChange={setUsername}
        showError={submitted}
      />
      <Field
        label={t('organizer.password')}
        name="password"
        password
        rule={REQUIRED}
        value={password}
        onChange={setPassword}
        showError={submitted}
      />
      <FormError error={error} testId="sign-in-error" />
      <button type="submit" className="primary big">
        {t('organizer.signIn')}
      </button>
    </form>
  );
}
