import { useTranslation } from 'react-i18next';
import type { PointStatus } from '../../../server/protocol/messages.js';
import { deviceGapOf } from '../../../server/domain/health/devices.js';

/** "không có micrô/camera": a point that takes part receive-only, so the chair and technician know before calling on it. */
export function DeviceGapBadge({ point }: { point: PointStatus | undefined }) {
  const { t } = useTranslation();
  const gap = deviceGapOf(point?.readiness);

  return gap === null ? null : (
    <span className="badge badge-gap" data-testid="device-gap" data-gap={gap} title={t(`deviceGap.${gap}`)}>
      {t(`deviceGap.${gap}`)}
    </span>
  );
}
