import { z } from 'zod';
import { DOWNLINK_REASONS } from './mediaWire.js';
import { code } from './common.js';

/** What the bridge sends a participant, as its consoles label and show it. */

export const slotPurpose = z.enum(['hub', 'speaker', 'content', 'grid', 'audio']);

/** A receive slot (transceiver mid) and what it shows. */
export const slotLabel = z.object({
  mid: z.string(),
  kind: z.enum(['audio', 'video']),
  purpose: slotPurpose,
  source: z.string().nullable(),
  sourcePointId: code.nullable(),
});

/** A consumer to create on the receive transport (mediasoup). */
export const consumerView = z.object({
  id: z.string(),
  producerId: z.string(),
  kind: z.enum(['audio', 'video']),
  rtpParameters: z.unknown(),
  purpose: slotPurpose,
  source: z.string(),
  sourcePointId: code.nullable(),
});

/**
 * What a participant's link lets through (mediasoup): the highest simulcast layer it is trusted with (0 lowest, 2
 * top; -1 no picture, the sound kept), why, the layer its main picture is forwarded in now, and what its sender sends.
 */
export const downlinkView = z.object({
  ceiling: z.number().int().min(-1).max(2),
  reason: z.enum(DOWNLINK_REASONS),
  layer: z.number().int().min(-1).max(2).nullable(),
  // The highest layer the main picture's sender sends now (null: not known): a low picture is then its doing.
  source: z.number().int().min(-1).max(2).nullable(),
});
