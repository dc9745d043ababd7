import { ConsoleFrame } from '../components/ConsoleFrame.js';
import { useMedia } from '../media/useMedia.js';
import type { ConsoleState } from '../state/consoleState.js';
import { isChair } from '../state/consoleState.js';
import type { ConsoleView, MeetingClient } from '../state/MeetingClient.js';
import { AgendaPanel } from './AgendaPanel.js';
import { AttendancePanel } from './AttendancePanel.js';
import { FloorPanel } from './FloorPanel.js';
import { MicPanel } from './MicPanel.js';
import { PointGrid } from './PointGrid.js';
import { ProgramView } from './ProgramView.js';
import { RollCallPanel } from './RollCallPanel.js';

/** The chair's console (an observer sees the same, without the controls). */
export function ChairConsole({
  client,
  view,
  state,
}: {
  client: MeetingClient;
  view: ConsoleView;
  state: ConsoleState;
}) {
  const canModerate = isChair(state.you.role);
  const media = useMedia(client, true);

  return (
    <ConsoleFrame kind="chair" view={view} state={state}>
      <main className="chair-layout">
        <div className="chair-stage">
          <ProgramView state={state} media={media} selfIsHub={canModerate} />
          <PointGrid client={client} state={state} media={media} canModerate={canModerate} />
        </div>
        <div className="chair-side">
          <AgendaPanel client={client} state={state} canModerate={canModerate} />
          <FloorPanel client={client} state={state} canModerate={canModerate} />
          <RollCallPanel client={client} state={state} canModerate={canModerate} />
          {canModerate && <MicPanel client={client} state={state} />}
          <AttendancePanel client={client} state={state} />
        </div>
      </main>
    </ConsoleFrame>
  );
}
