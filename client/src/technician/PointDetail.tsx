import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryColumns } from '../../../server/protocol/telemetryWire.js';
import { HealthBadge } from '../components/HealthBadge.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';
import { DialButton } from './SipCallsPanel.js';
import { TimeChart } from './TimeChart.js';

const REFRESH_MS = 5000;

/** One point's last 30 minutes (bitrate, loss, delay, frame rate), refreshed while it is open. */
export function PointDetail({
  client,
  state,
  pointId,
  onClose,
}: {
  client: MeetingClient;
  state: ConsoleState;
  pointId: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [history, setHistory] = useState<HistoryColumns | null>(null);
  const point = state.points[pointId];

  useEffect(() => {
    let stopped = false;
    const load = () =>
      void client.send('telemetry:history', { pointId }, { quiet: true }).then((ack) => {
        if (!stopped && ack.ok) {
          setHistory(ack.history);
        }
      });
    load();
    const timer = setInterval(load, REFRESH_MS);

    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client, pointId]);

  if (point === undefined) {
    return null;
  }

  return (
    <section className="panel detail-panel" aria-labelledby="detail-title" data-testid="point-detail">
      <div className="panel-head">
        <h2 id="detail-title">{t('technician.detail', { name: point.name })}</h2>
        <HealthBadge
          health={point.health}
          connected={point.connected}
          joined={point.joined}
          linkLost={point.linkLost}
        />
        {point.sip === true && <DialButton client={client} meetingId={state.meeting.id} pointId={pointId} />}
        <button type="button" onClick={onClose}>
          {t('technician.close')}
        </button>
      </div>
      {history !== null && (
        <div className="charts">
          <TimeChart
            title="kbps"
            at={history.at}
            series={[
              { label: t('technician.kbpsIn'), values: history.kbpsIn, color: '#1f6feb' },
              { label: t('technician.kbpsOut'), values: history.kbpsOut, color: '#8250df' },
            ]}
          />
          <TimeChart
            title={t('technician.loss')}
            at={history.at}
            series={[{ label: t('technician.loss'), values: history.lossPct, color: '#cf222e' }]}
          />
          <TimeChart
            title="ms"
            at={history.at}
            series={[
              { label: t('technician.rtt'), values: history.rttMs, color: '#9a6700' },
              { label: t('technician.jitter'), values: history.jitterMs, color: '#1a7f37' },
            ]}
          />
          <TimeChart
            title={t('technician.fps')}
            at={history.at}
            series={[
              { label: `${t('technician.fps')} ↓`, values: history.fpsIn, color: '#0969da' },
              { label: `${t('technician.fps')} ↑`, values: history.fpsOut, color: '#bf3989' },
            ]}
          />
        </div>
      )}
    </section>
  );
}
