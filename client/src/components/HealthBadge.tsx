import { useTranslation } from 'react-i18next';
import type { Health } from '../../../server/domain/model.js';

/** Link health as colour and word (never colour alone): stable green, unstable amber, disconnected red. */
export function HealthBadge({ health, connected = true }: { health: Health | null; connected?: boolean }) {
  const { t } = useTranslation();
  const shown = !connected ? 'disconnected' : (health ?? 'unknown');

  return (
    <span className={`health health-${shown}`} data-health={shown}>
      {t(`health.${shown}`)}
    </span>
  );
}
