import type { RequestPayload } from '../../../server/protocol/requests.js';

type Sample = RequestPayload<'telemetry:sample'>;

interface Counters {
  at: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  lostIn: number;
  framesIn: number;
  framesOut: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Turns successive `getStats()` reports of the media connections into the compact link sample the server classifies:
 * bitrates, loss and frame rates over the last interval, plus jitter, RTT, freezes, audio level and what limits
 * the camera's quality.
 */
export class LinkSampler {
  #last: Counters | null = null;

  /** One sample from the reports of every media connection (one for the embedded bridge, two for mediasoup). */
  sample(reports: RTCStatsReport[]): Sample {
    const now: Counters = {
      at: performance.now(),
      bytesIn: 0,
      bytesOut: 0,
      packetsIn: 0,
      lostIn: 0,
      framesIn: 0,
      framesOut: 0,
    };
    let jitter = 0;
    let rtt: number | null = null;
    let freezeCount = 0;
    let freezeMs = 0;
    let audioLevel: number | null = null;
    let limitation: Sample['qualityLimitation'] = null;
    const entries: Record<string, unknown>[] = [];
    reports.forEach((report) => report.forEach((s: Record<string, unknown>) => entries.push(s)));
    entries.forEach((s) => {
      const num = (key: string) => Number(s[key] ?? 0);
      if (s.type === 'inbound-rtp') {
        now.bytesIn += num('bytesReceived');
        now.packetsIn += num('packetsReceived');
        now.lostIn += Math.max(0, num('packetsLost'));
        jitter = Math.max(jitter, num('jitter') * 1000);
        if (s.kind === 'video') {
          now.framesIn += num('framesDecoded');
          freezeCount += num('freezeCount');
          freezeMs += num('totalFreezesDuration') * 1000;
        } else if (s.audioLevel !== undefined) {
          audioLevel = Math.max(audioLevel ?? 0, num('audioLevel'));
        }
      } else if (s.type === 'outbound-rtp') {
        now.bytesOut += num('bytesSent');
        if (s.kind === 'video') {
          now.framesOut += num('framesEncoded');
          const reason = String(s.qualityLimitationReason ?? 'none');
          limitation = reason === 'cpu' || reason === 'bandwidth' || reason === 'none' ? reason : 'other';
        }
      } else if (s.type === 'candidate-pair' && s.nominated === true && s.currentRoundTripTime !== undefined) {
        rtt = num('currentRoundTripTime') * 1000;
      }
    });
    const last = this.#last;
    this.#last = now;
    const seconds = last === null ? 0 : (now.at - last.at) / 1000;
    const per = (a: number, b: number | undefined) =>
      seconds > 0 && b !== undefined ? Math.max(0, a - b) / seconds : 0;
    const packets = per(now.packetsIn, last?.packetsIn) * seconds;
    const lost = per(now.lostIn, last?.lostIn) * seconds;

    return {
      kbpsIn: round(Math.min(1_000_000, (per(now.bytesIn, last?.bytesIn) * 8) / 1000)),
      kbpsOut: round(Math.min(1_000_000, (per(now.bytesOut, last?.bytesOut) * 8) / 1000)),
      lossPct: round(packets + lost > 0 ? Math.min(100, (lost / (packets + lost)) * 100) : 0),
      jitterMs: round(Math.min(60_000, jitter)),
      rttMs: rtt === null ? null : round(Math.min(60_000, rtt)),
      fpsIn: round(Math.min(240, per(now.framesIn, last?.framesIn))),
      fpsOut: round(Math.min(240, per(now.framesOut, last?.framesOut))),
      freezeCount: Math.min(1_000_000, freezeCount),
      freezeMs: Math.min(86_400_000, Math.round(freezeMs)),
      audioLevel: audioLevel === null ? null : round(Math.min(1, audioLevel), 3),
      qualityLimitation: limitation,
    };
  }
}
