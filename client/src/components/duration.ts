import type { TFunction } from 'i18next';

/** A duration as people say it: "45 giây", "5 phút", "1 phút 30 giây" (English: "45 s", "5 min", "1 min 30 s"). */
export function durationLabel(t: TFunction, seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) {
    return t('duration.seconds', { count: rest });
  }

  return rest === 0
    ? t('duration.minutes', { count: minutes })
    : t('duration.minutesSeconds', { minutes, seconds: rest });
}
