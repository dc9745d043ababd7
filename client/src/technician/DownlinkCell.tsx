import { useTranslation } from 'react-i18next';
import type { LatestRow } from '../../../server/protocol/messages.js';

type Downlink = NonNullable<NonNullable<LatestRow['bridge']>['downlink']>;

/**
 * The picture a room receives and why: its layer ("cao", "vừa", "thấp", or none at all), and what holds it there —
 * losses on its link, a higher layer being tried, or the bridge's bandwidth estimate (under the link's ceiling).
 */
export function DownlinkCell({ downlink }: { downlink: Downlink | undefined }) {
  const { t } = useTranslation();
  if (downlink === undefined || (downlink.layer === null && downlink.ceiling >= 0)) {
    return <>{t('technician.downlink.none')}</>;
  }
  const shown = downlink.ceiling < 0 ? -1 : (downlink.layer ?? -1);
  const layer = t(`technician.downlink.layer.${shown}`);
  // Without losses, a picture no lower than its sender sends is the sender's doing.
  const bySender =
    downlink.reason !== 'loss' &&
    downlink.source != null &&
    shown >= 0 &&
    shown >= downlink.source &&
    downlink.source < 2;
  const why = bySender
    ? t('technician.downlink.sourceLow')
    : downlink.reason !== 'clear'
      ? t(`technician.downlink.${downlink.reason}`)
      : shown < 2
        ? t('technician.downlink.estimate')
        : null;

  return (
    <span
      data-testid="downlink"
      data-layer={shown}
      title={t('technician.downlink.title', { layer, ceiling: t(`technician.downlink.layer.${downlink.ceiling}`) })}
    >
      {layer}
      {why !== null && <span className="health-why"> ({why})</span>}
    </span>
  );
}

/** A room's received layer for sorting: no picture lowest, nothing known below that. */
export const downlinkRank = (downlink: Downlink | undefined): number =>
  downlink === undefined ? -Infinity : downlink.ceiling < 0 ? -1 : (downlink.layer ?? -Infinity);
