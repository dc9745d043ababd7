/**
 * Why devices failed, as the browser names it: refused by the person or the browser, absent, in use, other; or the
 * page is not on a secure (HTTPS) address, where browsers open no camera or microphone at all.
 */
export type DeviceError = 'denied' | 'absent' | 'busy' | 'other' | 'insecure';

function deviceErrorOf(error: unknown): DeviceError {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'denied';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return 'absent';
  }

  return name === 'NotReadableError' || name === 'AbortError' ? 'busy' : 'other';
}

/** Camera size per bridge: mediasoup sends three simulcast layers, which Chromium keeps from 960×540 up. */
export const CAMERA = {
  werift: { width: 640, height: 360 },
  mediasoup: { width: 960, height: 540 },
} as const;

/**
 * Camera and microphone, or whichever of them can be opened. A room without either (refused, absent, busy, or a page
 * on plain HTTP from another host) still takes part receive-only: it sees and hears the program; `error` says why.
 */
export async function openDevices({
  bridge,
  cameraId,
  microphoneId,
}: {
  bridge: 'werift' | 'mediasoup';
  cameraId?: string | undefined;
  microphoneId?: string | undefined;
}): Promise<{ stream: MediaStream | null; error: DeviceError | null }> {
  if (!window.isSecureContext || navigator.mediaDevices === undefined) {
    // Plain HTTP from another host: the browser hides the devices.
    return { stream: null, error: 'insecure' };
  }
  const audio: MediaTrackConstraints | boolean = microphoneId ? { deviceId: { exact: microphoneId } } : true;
  const video: MediaTrackConstraints = {
    ...CAMERA[bridge],
    frameRate: 25,
    ...(cameraId ? { deviceId: { exact: cameraId } } : {}),
  };
  let firstError: unknown = null;
  for (const constraints of [{ audio, video }, { audio }, { video }]) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);

      return { stream, error: firstError === null ? null : deviceErrorOf(firstError) };
    } catch (error) {
      firstError ??= error;
    }
  }

  return { stream: null, error: deviceErrorOf(firstError) };
}
