import type { ReactNode } from 'react';
import type { ConsoleState } from '../state/consoleState.js';
import type { ConsoleView } from '../state/MeetingClient.js';
import { ConnectionBanner, Header, NoticeLine } from './Shell.js';

/** What every console has around its own layout: the header, the connection banner and the notice line. */
export function ConsoleFrame({
  kind,
  view,
  state,
  headerExtra,
  banners,
  children,
}: {
  kind: 'chair' | 'point' | 'technician';
  view: ConsoleView;
  state: ConsoleState;
  headerExtra?: ReactNode;
  banners?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={`console ${kind}-console`}>
      <Header state={state}>{headerExtra}</Header>
      <ConnectionBanner connection={view.connection} />
      {banners}
      <NoticeLine notice={view.notice} />
      {children}
    </div>
  );
}
