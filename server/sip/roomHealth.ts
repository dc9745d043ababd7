import type { PlainStreamStats } from '../media/MediaBridge.js';
import type { LinkSample } from '../telemetry/classify.js';

/**
 * A hardware room's link as the technicians' table reads every point's: from the RTCP and counters of its streams at
 * the bridge (what it sends us), in the same sample a browser sends of itself. A room reports no frame rate or
 * freezes of what it shows; those stay empty.
 */
export function roomSample(streams: readonly PlainStreamStats[]): LinkSample {
  const video = streams.find((s) => s.kind === 'video');
  const audio = streams.find((s) => s.kind === 'audio');
  const worstLoss = Math.max(0, ...streams.map((s) => s.fractionLost * 100));
  const rtts = streams.map((s) => s.rttMs).filter((ms): ms is number => ms !== null && ms > 0);
  // mediasoup gives jitter in RTP clock units: 90 kHz for video, 8 kHz for G.722/G.711.
  const jitterMs = audio !== undefined ? audio.jitter / 8 : video !== undefined ? video.jitter / 90 : null;
  const kbpsIn = streams.reduce((sum, s) => sum + s.bitrate, 0) / 1000;

  return {
    lossPct: Math.min(100, Math.round(worstLoss * 10) / 10),
    rttMs: rtts.length === 0 ? null : Math.min(60_000, Math.max(...rtts)),
    jitterMs: jitterMs === null ? null : Math.min(60_000, Math.round(jitterMs * 10) / 10),
    fpsIn: null,
    fpsOut: null,
    kbpsIn: Math.min(1_000_000, Math.round(kbpsIn)),
    kbpsOut: null,
    freezeCount: null,
    freezeMs: null,
    audioLevel: null,
    qualityLimitation: null,
  };
}
