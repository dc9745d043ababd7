import { useTranslation } from 'react-i18next';
import type { Health } from '../../../server/domain/model.js';

/**
 * Link health as colour and word (never colour alone): stable green, unstable amber, disconnected red, not joined
 * yet grey.
 */
export function HealthBadge({
  health,
  connected = true,
  joined = true,
}: {
  health: Health | null;
  connected?: boolean;
  joined?: boolean;
}) {
  const { t } = useTranslation();
  const shown = !connected ? (joined ? 'disconnected' : 'notJoined') : (health ?? 'unknown');

  return (
    <span className={`health health-${shown}`} data-health={shown}>
      {t(`health.${shown}`)}
    </span>
  );
}
