import type { Readiness } from '../core/model.js';

/** Which devices a point reported missing in its readiness check: it then takes part receive-only. */
export const DEVICE_GAPS = ['noCamera', 'noMicrophone', 'noDevices'] as const;
export type DeviceGap = (typeof DEVICE_GAPS)[number];

export function deviceGapOf(readiness: Pick<Readiness, 'camera' | 'microphone'> | null | undefined): DeviceGap | null {
  if (readiness == null || (readiness.camera && readiness.microphone)) {
    return null;
  }

  return !readiness.camera && !readiness.microphone ? 'noDevices' : readiness.camera ? 'noMicrophone' : 'noCamera';
}

/** A point that cannot be heard: the chair is asked before granting it the floor. */
export const cannotBeHeard = (gap: DeviceGap | null): boolean => gap === 'noMicrophone' || gap === 'noDevices';
