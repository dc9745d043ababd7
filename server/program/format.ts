import type { ProgramRtp } from '../media/MediaBridge.js';

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

/**
 * The codecs the program's sound is sent in, each twice (the mix, and the mix without the floor holder for the floor
 * holder's room): a room receives the one it answered with, so a room that speaks only G.711 or Opus hears the meeting
 * too. Sound is cheap to encode; the picture is encoded once.
 */
export const PROGRAM_SOUNDS = [
  { name: 'G722', mimeType: 'audio/G722', payloadType: 9, clockRate: 8000, channels: 1 },
  { name: 'PCMA', mimeType: 'audio/PCMA', payloadType: 8, clockRate: 8000, channels: 1 },
  { name: 'PCMU', mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
  { name: 'OPUS', mimeType: 'audio/opus', payloadType: 111, clockRate: 48_000, channels: 2 },
] as const;

export type ProgramSoundName = (typeof PROGRAM_SOUNDS)[number]['name'];

/** The program's RTP as mediasoup receives it from the encoder. */
export const PROGRAM_RTP = {
  video: { payloadType: 96, ssrc: 0x5a17_0001, profileLevelId: '42e01f' },
  /** The same pictures again, one NAL unit a packet, for rooms that take only packetization-mode 0. */
  videoSingleNal: { payloadType: 97, ssrc: 0x5a17_0002 },
  sounds: PROGRAM_SOUNDS.map((codec, index) => ({
    ...codec,
    ssrc: { mix: 0x5a17_0010 + index * 2, minus: 0x5a17_0011 + index * 2 },
  })),
} satisfies ProgramRtp;
