import { useTranslation } from 'react-i18next';
import { formatTime } from '../format.js';
import type { ConsoleState } from '../state/consoleState.js';
import type { MeetingClient } from '../state/MeetingClient.js';

/** Alerts, open ones first and newest first; acknowledging says "someone is on it" (it stays until it clears). */
export function AlertsPanel({
  client,
  state,
  onSelect,
}: {
  client: MeetingClient;
  state: ConsoleState;
  onSelect: (pointId: string) => void;
}) {
  const { t } = useTranslation();
  const alerts = Object.values(state.alerts).sort(
    (a, b) => Number(a.clearedAt !== null) - Number(b.clearedAt !== null) || b.raisedAt - a.raisedAt,
  );
  const openCount = alerts.filter((a) => a.clearedAt === null).length;
  const unitName = (code: string | null) => state.units.find((u) => u.code === code)?.name ?? code ?? '';

  return (
    <section className="panel alerts-panel" aria-labelledby="alerts-title">
      <div className="panel-head">
        <h2 id="alerts-title">{t('technician.alerts')}</h2>
        <span className="muted" data-testid="alert-count">
          {t('technician.alertCount', { open: openCount, cleared: alerts.length - openCount })}
        </span>
      </div>
      <ul className="alerts" data-testid="alerts">
        {alerts.length === 0 && <li className="muted">{t('technician.noAlerts')}</li>}
        {alerts.map((alert) => {
          const where =
            alert.pointId !== null ? (state.points[alert.pointId]?.name ?? alert.pointId) : unitName(alert.unitId);
          const status = alert.clearedAt !== null ? 'cleared' : alert.acknowledgedAt !== null ? 'acknowledged' : 'open';

          return (
            <li
              key={alert.alertId}
              className={`alert alert-${status}`}
              data-kind={alert.kind}
              data-status={status}
              data-point={alert.pointId ?? ''}
            >
              <div>
                <strong>{t(`alertKind.${alert.kind}`)}</strong>
                <div>
                  {alert.pointId !== null ? (
                    <button type="button" className="link" onClick={() => onSelect(alert.pointId as string)}>
                      {where}
                    </button>
                  ) : (
                    where
                  )}{' '}
                  · {formatTime(alert.raisedAt)}
                </div>
                {alert.clearedAt !== null && (
                  <div className="muted">{t('technician.cleared', { time: formatTime(alert.clearedAt) })}</div>
                )}
                {alert.clearedAt === null && alert.acknowledgedAt !== null && (
                  <div className="muted">{t('technician.acked', { time: formatTime(alert.acknowledgedAt) })}</div>
                )}
              </div>
              {status === 'open' && (
                <button
                  type="button"
                  className="primary"
                  onClick={() => void client.send('alert:ack', { alertId: alert.alertId })}
                >
                  {t('technician.ack')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
