import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cannotBeHeard, deviceGapOf } from '../../../server/domain/health/devices.js';
import type { QueueEntry } from '../../../server/protocol/messages.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { DeviceGapBadge } from '../components/DeviceGapBadge.js';
import { formatDuration } from '../format.js';
import type { PanelProps } from './panelProps.js';

/** Priority the chair gives with one press (0-9 on the server; higher goes first). */
const RAISED_PRIORITY = 5;
/** A topic longer than this shows its first line until the chair unfolds it. */
const FOLDED_TOPIC_CHARS = 70;

/**
 * One request in the chair's queue, kept to three short lines (who, what, actions) so that at least three requests
 * and their buttons fit a 1366×768 screen whatever the topics: a long topic folds to one line and unfolds on demand.
 */
export function QueueRow({
  client,
  state,
  canModerate,
  entry,
  index,
  waitedSec,
}: PanelProps & { entry: QueueEntry; index: number; waitedSec: number }) {
  const { t } = useTranslation();
  const [unfolded, setUnfolded] = useState(false);
  const { holder, queue } = state.floor;
  const gap = deviceGapOf(state.points[entry.pointId]?.readiness);
  const long = entry.topic !== null && entry.topic.length > FOLDED_TOPIC_CHARS;
  const grant = () => void client.send('floor:grant', { requestId: entry.requestId });

  return (
    <li className="queue-row" data-request={entry.requestId} data-point={entry.pointId}>
      <span className="queue-pos">{index + 1}</span>
      <div className="queue-main">
        <div className="queue-who">
          <strong title={entry.pointName}>{entry.pointName}</strong>{' '}
          <span className={`kind kind-${entry.kind}`}>{t(`floorKind.${entry.kind}`)}</span>
          <DeviceGapBadge point={state.points[entry.pointId]} />
          {entry.toParent && (
            <span className="badge to-parent" data-testid="to-parent">
              {t('floor.toParent')}
            </span>
          )}
          {entry.priority > 0 && (
            <span className="badge">
              {t('floor.priority')} {entry.priority}
            </span>
          )}
          <span className="muted queue-waited">{t('floor.waiting', { time: formatDuration(waitedSec) })}</span>
        </div>
        {(entry.topic !== null || entry.department !== null) && (
          <div className={`queue-sub${unfolded ? ' unfolded' : ''}`}>
            <span className="topic" data-testid="queue-topic">
              {entry.topic}
              {entry.department !== null && (
                <span className="muted"> · {t('floor.department', { department: entry.department })}</span>
              )}
            </span>
            {long && (
              <button
                type="button"
                className="link fold"
                aria-expanded={unfolded}
                onClick={() => setUnfolded(!unfolded)}
                data-testid="topic-fold"
              >
                {t(unfolded ? 'floor.less' : 'floor.more')}
              </button>
            )}
          </div>
        )}
        {canModerate && (
          <div className="queue-actions">
            {cannotBeHeard(gap) ? (
              // The chair may still call on it (it may answer by phone), but knows first that the hall will not hear it.
              <ConfirmButton
                className="primary"
                disabled={holder !== null}
                question={t('floor.grantUnheard', { name: entry.pointName })}
                confirmLabel={t('floor.grantAnyway')}
                onConfirm={grant}
                testId="grant"
              >
                {t('floor.grant')}
              </ConfirmButton>
            ) : (
              <button type="button" className="primary" disabled={holder !== null} onClick={grant} data-testid="grant">
                {t('floor.grant')}
              </button>
            )}
            {entry.toParent && (
              <button
                type="button"
                className="primary"
                disabled={state.status.uplink?.state !== 'linked'}
                onClick={() => void client.send('floor:forward', { requestId: entry.requestId })}
                data-testid="forward-up"
              >
                {t('floor.forward')}
              </button>
            )}
            <ConfirmButton
              question={t('floor.denyQuestion', { name: entry.pointName })}
              confirmLabel={t('floor.deny')}
              danger
              reason={{ label: t('floor.denyReason'), maxLength: 300 }}
              onConfirm={(reason) =>
                void client.send('floor:deny', {
                  requestId: entry.requestId,
                  ...(reason === '' ? {} : { reason }),
                })
              }
              testId="deny"
            >
              {t('floor.deny')}
            </ConfirmButton>
            <button
              type="button"
              aria-label={`${t('floor.up')}: ${entry.pointName}`}
              disabled={index === 0}
              onClick={() => void client.send('floor:reorder', { requestId: entry.requestId, position: index })}
            >
              ↑
            </button>
            <button
              type="button"
              aria-label={`${t('floor.down')}: ${entry.pointName}`}
              disabled={index === queue.length - 1}
              onClick={() => void client.send('floor:reorder', { requestId: entry.requestId, position: index + 2 })}
            >
              ↓
            </button>
            <button
              type="button"
              aria-pressed={entry.priority > 0}
              className={entry.priority > 0 ? 'on' : ''}
              onClick={() =>
                void client.send('floor:priority', {
                  requestId: entry.requestId,
                  priority: entry.priority > 0 ? 0 : RAISED_PRIORITY,
                })
              }
            >
              {t('floor.priority')}
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
