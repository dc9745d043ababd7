import { DocumentsDetails } from '../content/DocumentsDetails.js';
import { useEffect, useState } from 'react';
import { ConsoleFrame } from '../components/ConsoleFrame.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { ConsoleView, MeetingClient } from '../state/MeetingClient.js';
import { AlertsPanel } from './AlertsPanel.js';
import { LinkTable } from './LinkTable.js';
import { PointDetail } from './PointDetail.js';
import { ReadinessBoard } from './ReadinessBoard.js';
import { SipCallsPanel } from './SipCallsPanel.js';
import { UnitTree } from './UnitTree.js';

/** The technician's console: readiness, alerts, the unit tree by link health, the link table and one point's plots. */
export function TechnicianConsole({
  client,
  view,
  state,
}: {
  client: MeetingClient;
  view: ConsoleView;
  state: ConsoleState;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const live = view.connection.phase === 'live';

  // The table starts from every point's latest sample; `telemetry:latest` batches keep it current.
  useEffect(() => {
    if (!live) {
      return;
    }
    void client.send('telemetry:latest', {}, { quiet: true }).then((ack) => {
      if (ack.ok) {
        client.update((s) => ({
          ...s,
          latest: { ...Object.fromEntries(ack.rows.map((r) => [r.pointId, r])), ...s.latest },
        }));
      }
    });
  }, [client, live]);

  return (
    <ConsoleFrame kind="technician" view={view} state={state}>
      <main className="technician-layout">
        <div className="tech-left">
          <ReadinessBoard state={state} onSelect={setSelected} />
          <UnitTree state={state} onSelect={setSelected} selected={selected} />
        </div>
        <div className="tech-center">
          {selected !== null && (
            <PointDetail client={client} state={state} pointId={selected} onClose={() => setSelected(null)} />
          )}
          <LinkTable state={state} onSelect={setSelected} selected={selected} />
        </div>
        <div className="tech-right">
          <SipCallsPanel client={client} state={state} />
          <AlertsPanel client={client} state={state} onSelect={setSelected} />
          <DocumentsDetails state={state} token={client.token} />
        </div>
      </main>
    </ConsoleFrame>
  );
}
