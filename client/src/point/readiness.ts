import type { MediaView } from '../media/useMedia.js';

export interface Readiness {
  camera: boolean;
  microphone: boolean;
  network: boolean;
}

const live = (stream: MediaStream | null, kind: 'audio' | 'video') =>
  stream?.getTracks().some((track) => track.kind === kind && track.readyState === 'live' && track.enabled) ?? false;

/**
 * The point's readiness check, from what its media actually does: a live camera track, a live microphone track,
 * and a connected path to the bridge. `null` while the check is still running.
 */
export function readinessOf(media: MediaView): Readiness | null {
  // Another page of the point holds its media: that page reports, not this one.
  if (media.phase === 'starting' || media.phase === 'off' || media.elsewhere !== null) {
    return null;
  }
  if (media.phase === 'failed') {
    return { camera: false, microphone: false, network: media.linkState === 'connected' };
  }
  if (media.linkState === 'new' || media.linkState === 'connecting') {
    return null;
  }

  return {
    camera: live(media.local, 'video'),
    microphone: live(media.local, 'audio'),
    network: media.linkState === 'connected',
  };
}
