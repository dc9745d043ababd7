import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { shortPointName } from '../../../server/domain/core/text.js';
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
  const { t } = useTranslation();
  // Each console's tab says whose it is: a technician with five tabs open finds the chair's, the room's, its own.
  const who = state.you.pointName !== null ? shortPointName(state.you.pointName) : t(`role.${state.you.role}`);
  useEffect(() => {
    document.title = `${who} · ${state.meeting.title} — diemcau`;
  }, [who, state.meeting.title]);

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
