import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ChairConsole } from './chair/ChairConsole.js';
import { ConnectionBanner } from './components/Shell.js';
import { PointView } from './point/PointView.js';
import { MeetingClient } from './state/MeetingClient.js';
import { useConsole } from './state/hooks.js';
import { TechnicianConsole } from './technician/TechnicianConsole.js';

/** Entry by join link: the token's role picks the console. */
export function App({ token }: { token: string | null }) {
  const { t } = useTranslation();
  if (token === null || token === '') {
    return (
      <main className="landing">
        <h1>{t('app.name')}</h1>
        <p>{t('app.noToken')}</p>
      </main>
    );
  }

  return <Console token={token} />;
}

function Console({ token }: { token: string }) {
  const client = useMemo(() => new MeetingClient(token), [token]);
  const view = useConsole(client);
  useEffect(() => {
    void client.connect(location.origin);

    return () => client.close();
  }, [client]);
  const state = view.state;
  if (state === null) {
    return <ConnectionBanner connection={view.connection} />;
  }
  switch (state.you.role) {
    case 'point':
      return <PointView client={client} view={view} state={state} />;
    case 'technician':
      return <TechnicianConsole client={client} view={view} state={state} />;
    default:
      return <ChairConsole client={client} view={view} state={state} />;
  }
}
