import { StreamControl } from './StreamControl.js';
import { useTranslation } from 'react-i18next';
import { ConsoleFrame } from '../components/ConsoleFrame.js';
import { SideTabs } from '../components/SideTabs.js';
import { useMedia } from '../media/useMedia.js';
import type { ConsoleState } from '../state/consoleState.js';
import { isChair } from '../state/consoleState.js';
import type { ConsoleView, MeetingClient } from '../state/MeetingClient.js';
import { AgendaPanel } from './AgendaPanel.js';
import { AttendancePanel } from './AttendancePanel.js';
import { FloorPanel } from './FloorPanel.js';
import { MicPanel } from './MicPanel.js';
import { UplinkBar } from './UplinkBar.js';
import { HubMicButton } from './HubMicButton.js';
import { EndedSummary } from './EndedSummary.js';
import { PointGrid } from './PointGrid.js';
import { ProgramView } from './ProgramView.js';
import { DocumentsPanel } from './DocumentsPanel.js';
import { DocumentsDetails } from '../content/DocumentsDetails.js';
import { useScreenFollowsContent } from '../content/screenShare.js';
import { RecordPanel } from './RecordPanel.js';
import { RollCallPanel } from './RollCallPanel.js';

/**
 * The chair's console (an observer or the secretary sees the same, without the controls; the secretary keeps the
 * record in its own tab). The program, the point grid and the floor
 * queue always stay in view; agenda, roll call, microphones and attendance share the space below the queue as tabs,
 * so nothing the chair runs is below the fold of a 1366×768 screen.
 */
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
  const ended = state.status.status === 'ended';
  // An ended meeting has nothing live to show: no video, no controls.
  const media = useMedia(client, !ended);
  const { t } = useTranslation();
  const panelProps = { client, state, canModerate };
  const rollCallOpen = state.rollCall !== null && state.rollCall.closedAt === null;
  useScreenFollowsContent(media, state, canModerate ? state.meeting.hubPointId : null);

  if (ended && state.you.role !== 'secretary') {
    return (
      <ConsoleFrame kind="chair" view={view} state={state}>
        <EndedSummary client={client} state={state} />
      </ConsoleFrame>
    );
  }
  if (state.you.role === 'secretary') {
    // The secretary writes: the record takes the screen, the program and the floor stay in view beside it.
    return (
      <ConsoleFrame kind="chair" view={view} state={state}>
        <main className="secretary-layout">
          <div className="secretary-side">
            <ProgramView state={state} media={media} selfIsHub={false} token={client.token} />
            <FloorPanel client={client} state={state} canModerate={false} />
            <DocumentsDetails state={state} token={client.token} />
          </div>
          <div className="secretary-main">
            <RecordPanel client={client} state={state} />
          </div>
        </main>
      </ConsoleFrame>
    );
  }

  return (
    <ConsoleFrame
      kind="chair"
      view={view}
      state={state}
      headerExtra={
        canModerate ? (
          <>
            <HubMicButton client={client} state={state} />
            <StreamControl client={client} state={state} />
          </>
        ) : undefined
      }
      banners={canModerate ? <UplinkBar client={client} state={state} /> : undefined}
    >
      <main className="chair-layout">
        <div className="chair-stage">
          <ProgramView state={state} media={media} selfIsHub={canModerate} token={client.token} />
          <PointGrid client={client} state={state} media={media} canModerate={canModerate} />
        </div>
        <div className="chair-side">
          <FloorPanel client={client} state={state} canModerate={canModerate} />
          <SideTabs
            initial={state.status.status === 'in_session' ? 'rollcall' : 'agenda'}
            tabs={[
              { id: 'agenda', label: t('agenda.title'), panel: <AgendaPanel {...panelProps} /> },
              {
                id: 'rollcall',
                label: t('rollCall.title'),
                panel: <RollCallPanel {...panelProps} />,
                live: rollCallOpen,
              },
              ...(canModerate
                ? [{ id: 'mics', label: t('mics.tab'), panel: <MicPanel client={client} state={state} /> }]
                : []),
              {
                id: 'attendance',
                label: t('attendance.title'),
                panel: <AttendancePanel client={client} state={state} />,
              },
              { id: 'record', label: t('record.tab'), panel: <RecordPanel client={client} state={state} /> },
              {
                id: 'documents',
                label: t('content.tab'),
                panel: <DocumentsPanel {...panelProps} media={media.client} />,
                live: state.content.content !== null,
              },
            ]}
          />
        </div>
      </main>
    </ConsoleFrame>
  );
}
