import { lazy, Suspense, useEffect, useMemo } from 'react';
import { RefusedPage } from './components/RefusedPage.js';
import { ConnectionBanner } from './components/Shell.js';
import { MeetingClient } from './state/MeetingClient.js';
import { useConsole } from './state/hooks.js';

// Each console is its own chunk: a commune's link downloads only the point view (no charts, no chair panels).
const ChairConsole = lazy(() => import('./chair/ChairConsole.js').then((m) => ({ default: m.ChairConsole })));
const PointView = lazy(() => import('./point/PointView.js').then((m) => ({ default: m.PointView })));
const OrganizerApp = lazy(() => import('./organizer/OrganizerApp.js').then((m) => ({ default: m.OrganizerApp })));
const LiveViewer = lazy(() => import('./live/LiveViewer.js').then((m) => ({ default: m.LiveViewer })));
const TechnicianConsole = lazy(() =>
  import('./technician/TechnicianConsole.js').then((m) => ({ default: m.TechnicianConsole })),
);

/** Entry by join link: the token's role picks the console. */
export function App({ token }: { token: string | null }) {
  const live = /^\/truc-tiep\/([^/]+)\/?$/.exec(location.pathname);
  if (live !== null) {
    return (
      <Suspense fallback={null}>
        <LiveViewer meetingId={decodeURIComponent(live[1] ?? '')} />
      </Suspense>
    );
  }
  if (location.pathname.startsWith('/to-chuc')) {
    return (
      <Suspense fallback={null}>
        <OrganizerApp />
      </Suspense>
    );
  }
  if (token === null || token === '') {
    // `/l/<code>` with a code it does not know comes here marked: "the code is wrong", not "you have no link".
    return <RefusedPage code={new URLSearchParams(location.search).has('ma-sai') ? 'SHORT_CODE_UNKNOWN' : null} />;
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
  if (view.connection.phase === 'refused') {
    return <RefusedPage code={view.connection.code} validFrom={view.connection.validFrom ?? null} />;
  }
  if (state === null) {
    return <ConnectionBanner connection={view.connection} />;
  }
  const props = { client, view, state };

  return (
    <Suspense fallback={<ConnectionBanner connection={{ phase: 'connecting' }} />}>
      {state.you.role === 'point' ? (
        <PointView {...props} />
      ) : state.you.role === 'technician' ? (
        <TechnicianConsole {...props} />
      ) : (
        <ChairConsole {...props} />
      )}
    </Suspense>
  );
}
