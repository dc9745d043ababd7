import { useTranslation } from 'react-i18next';
import type { PointStatus } from '../../../server/protocol/messages.js';
import type { ConsoleState } from '../state/consoleState.js';

export const isReady = (p: PointStatus) =>
  p.connected && p.readiness !== null && p.readiness.camera && p.readiness.microphone && p.readiness.network;

/** "198/205 sẵn sàng": points whose own check passed (camera, microphone, network), and what fails elsewhere. */
export function ReadinessBoard({ state, onSelect }: { state: ConsoleState; onSelect: (pointId: string) => void }) {
  const { t } = useTranslation();
  const points = state.pointOrder.map((id) => state.points[id]).filter((p): p is PointStatus => p !== undefined);
  const ready = points.filter(isReady).length;
  const notReady = points.filter((p) => !isReady(p));
  const failed = (p: PointStatus) => {
    if (!p.connected) {
      return t(p.joined ? 'health.disconnected' : 'health.notJoined');
    }
    if (p.readiness === null) {
      return t('technician.notChecked');
    }

    return (['camera', 'microphone', 'network'] as const)
      .filter((check) => !p.readiness?.[check])
      .map((check) => t(`technician.${check}`))
      .join(', ');
  };

  return (
    <section className="panel readiness-panel" aria-labelledby="readiness-title">
      <div className="panel-head">
        <h2 id="readiness-title">{t('technician.readinessTitle')}</h2>
        <strong className="readiness-count" data-testid="readiness-count">
          {t('technician.readiness', { ready, total: points.length })}
        </strong>
      </div>
      <meter min={0} max={Math.max(1, points.length)} value={ready} className="readiness-meter" />
      <ul className="not-ready">
        {notReady.slice(0, 200).map((p) => (
          <li key={p.pointId}>
            <button type="button" className="link" onClick={() => onSelect(p.pointId)}>
              {p.name}
            </button>
            <span className="muted"> — {failed(p)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
