/**
 * What the program encoder produces for hardware rooms (and later a live stream): one picture size and rate, and
 * its sound as 16 kHz mono (G.722's band) in 20 ms blocks.
 */
export interface ProgramFormat {
  width: number;
  height: number;
  fps: number;
  /** A key frame at least this often, seconds: a room that joins or loses packets waits no longer for a picture. */
  keyFrameSec: number;
}

export const PROGRAM_FORMAT: ProgramFormat = { width: 1280, height: 720, fps: 30, keyFrameSec: 1 };

export const PROGRAM_AUDIO = {
  sampleRate: 16_000,
  /** 20 ms of 16-bit mono. */
  blockBytes: 640,
  blockMs: 20,
} as const;

/** The program's RTP as mediasoup receives it from the encoder. */
export const PROGRAM_RTP = {
  video: { payloadType: 96, ssrc: 0x5a17_0001, profileLevelId: '42e01f' },
  audio: { payloadType: 9, ssrc: 0x5a17_0002 },
  /** The sound without the floor holder's own voice, for the floor holder's room (no echo). */
  minus: { payloadType: 9, ssrc: 0x5a17_0003 },
} as const;
