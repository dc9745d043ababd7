import type { Page } from 'playwright-core';

/** How a console's media reaches it: the selected ICE candidate pair's local end. */
export interface MediaPath {
  /** `host` (straight to the bridge), `srflx`, or `relay` (through TURN). */
  candidateType: string;
  /** `udp` or `tcp` (ICE-TCP, or the way to the relay). */
  protocol: string;
  /** Through TURN: `udp`, `tcp` or `tls` between the browser and the relay. */
  relayProtocol: string | null;
}

/** The path of the console's first connected transport, read from its WebRTC statistics. */
export function pathOf(page: Page): Promise<MediaPath | null> {
  return page.evaluate(async () => {
    const media = (window as unknown as { diemcau?: { media?: { stats(): Promise<RTCStatsReport[]> } } }).diemcau
      ?.media;
    for (const report of (await media?.stats()) ?? []) {
      const all: Record<string, unknown>[] = [];
      report.forEach((s: Record<string, unknown>) => all.push(s));
      const transport = all.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
      const pair = all.find((s) => s.id === transport?.selectedCandidatePairId);
      const local = all.find((s) => s.id === pair?.localCandidateId);
      if (local !== undefined) {
        return {
          candidateType: String(local.candidateType),
          protocol: String(local.protocol),
          relayProtocol: typeof local.relayProtocol === 'string' ? local.relayProtocol : null,
        };
      }
    }

    return null;
  });
}

/** What a console received over a stretch: the program's frames per second, size and freezes, the sound concealed. */
export interface Received {
  fps: number;
  width: number;
  height: number;
  freezes: number;
  /** Share of audio samples the browser had to invent (lost packets), %. */
  concealedPct: number;
}

/**
 * Samples the console's inbound statistics at the start and end of `ms` and reports what arrived between. The program
 * is the video stream that decoded the most frames over the stretch, matched by its statistics id: a layer change
 * alters a stream's size mid-stretch, and a stream that stopped (a consumer closed) keeps its last size.
 */
export function receivedOver(page: Page, ms: number): Promise<Received> {
  return page.evaluate(async (duration) => {
    const media = (window as unknown as { diemcau?: { media?: { stats(): Promise<RTCStatsReport[]> } } }).diemcau
      ?.media;
    interface VideoSample {
      frames: number;
      width: number;
      height: number;
      freezes: number;
    }
    const sample = async () => {
      const videos = new Map<string, VideoSample>();
      let concealed = 0;
      let samples = 0;
      for (const report of (await media?.stats()) ?? []) {
        report.forEach((s: Record<string, number | string | undefined>) => {
          if (s.type !== 'inbound-rtp') {
            return;
          }
          if (s.kind === 'video') {
            videos.set(String(s.id), {
              frames: Number(s.framesDecoded ?? 0),
              width: Number(s.frameWidth ?? 0),
              height: Number(s.frameHeight ?? 0),
              freezes: Number(s.freezeCount ?? 0),
            });
          }
          if (s.kind === 'audio') {
            concealed += Number(s.concealedSamples ?? 0) - Number(s.silentConcealedSamples ?? 0);
            samples += Number(s.totalSamplesReceived ?? 0);
          }
        });
      }

      return { at: performance.now(), videos, concealed, samples };
    };
    const first = await sample();
    await new Promise((resolve) => setTimeout(resolve, duration));
    const last = await sample();
    const seconds = (last.at - first.at) / 1000;
    const heard = last.samples - first.samples;
    let program = { frames: 0, width: 0, height: 0, freezes: 0 };
    for (const [id, end] of last.videos) {
      const start = first.videos.get(id) ?? { frames: 0, width: 0, height: 0, freezes: 0 };
      const frames = end.frames - start.frames;
      if (frames > program.frames || (frames === program.frames && end.width > program.width)) {
        program = { frames, width: end.width, height: end.height, freezes: end.freezes - start.freezes };
      }
    }

    return {
      fps: program.frames / seconds,
      width: program.width,
      height: program.height,
      freezes: program.freezes,
      concealedPct: heard > 0 ? (100 * (last.concealed - first.concealed)) / heard : 0,
    };
  }, ms);
}
