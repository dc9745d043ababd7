import { useTranslation } from 'react-i18next';
import type { Health } from '../../../server/domain/core/model.js';

/**
 * Link health as colour and word (never colour alone): stable green, unstable amber, disconnected red, not joined
 * yet grey.
 */
export function HealthBadge({
  health,
  connected = true,
  joined = true,
  linkLost = false,
}: {
  health: Health | null;
  connected?: boolean;
  joined?: boolean;
  /** Its meeting's link to this one is down: its state is not known here. */
  linkLost?: boolean;
}) {
  const { t } = useTranslation();
  const shown = linkLost ? 'linkDown' : !connected ? (joined ? 'disconnected' : 'notJoined') : (health ?? 'unknown');

  return (
    <span className={`health health-${shown}`} data-health={shown}>
      {t(`health.${shown}`)}
    </span>
  );
}
