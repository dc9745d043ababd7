import type { TFunction } from 'i18next';
import type { DeviceGap } from '../../../server/domain/health/devices.js';

/**
 * What a speaker's tile says while it has no picture: the wait for it, or — for a room that reported no camera —
 * that there is none ("Điểm cầu Xã … không có camera"), so nobody waits forever.
 */
export function speakerWaiting(t: TFunction, name: string, gap: DeviceGap | null): string {
  return gap === 'noCamera' || gap === 'noDevices'
    ? t('program.gap', { name, gap: t(`deviceGap.${gap}`) })
    : t('program.waitingFor', { name });
}

/** The speaker tile's caption; a room heard by nobody says so ("… · không có micrô"). */
export function speakerCaption(t: TFunction, name: string, gap: DeviceGap | null): string {
  const caption = `${t('program.speaker')} · ${name}`;

  return gap === 'noMicrophone' || gap === 'noDevices' ? `${caption} · ${t('deviceGap.noMicrophone')}` : caption;
}
