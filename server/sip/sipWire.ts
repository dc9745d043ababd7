import { z } from 'zod';

/**
 * A SIP message as the `sip` package parsed it, checked before anything reads it: a room system of any vendor, or
 * anyone on the network, may send it. Only what diemcau reads is required; the rest passes through to responses.
 */
const uri = z.string().min(3).max(512);
const nameAddr = z.looseObject({
  uri,
  name: z.string().max(256).optional(),
  params: z.record(z.string(), z.unknown()),
});
const via = z.looseObject({
  version: z.string().max(8),
  protocol: z.string().max(8),
  host: z.string().min(1).max(256),
  params: z.record(z.string(), z.unknown()),
});

export const sipRequest = z.object({
  method: z.string().regex(/^[A-Z]{3,16}$/),
  uri,
  version: z.literal('2.0'),
  headers: z.looseObject({
    via: z.array(via).min(1).max(16),
    to: nameAddr,
    from: nameAddr,
    'call-id': z.string().min(1).max(256),
    cseq: z.object({
      seq: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
      method: z.string().regex(/^[A-Z]{3,16}$/),
    }),
    contact: z.array(nameAddr).max(8).optional(),
    'content-type': z.string().max(200).optional(),
  }),
  content: z.string().max(20_000).optional(),
});
export type SipRequest = z.infer<typeof sipRequest>;

export const sipResponse = z.object({
  status: z.number().int().min(100).max(699),
  reason: z.string().max(200).optional(),
  headers: z.looseObject({
    to: nameAddr,
    from: nameAddr,
    'call-id': z.string().min(1).max(256),
    cseq: z.object({ seq: z.number().int().min(0), method: z.string().max(16) }),
    contact: z.array(nameAddr).max(8).optional(),
    'content-type': z.string().max(200).optional(),
  }),
  content: z.string().max(20_000).optional(),
});
export type SipResponse = z.infer<typeof sipResponse>;

/** A DTMF key from SIP INFO `application/dtmf-relay` (`Signal=5`) or `application/dtmf` (`5`). */
export function dtmfOfInfo(contentType: string, body: string): string | null {
  const type = contentType.toLowerCase().split(';', 1)[0]?.trim();
  const text =
    type === 'application/dtmf-relay'
      ? /^\s*signal\s*=\s*(\S+)\s*$/im.exec(body)?.[1]
      : type === 'application/dtmf'
        ? body.trim()
        : undefined;
  if (text === undefined) {
    return null;
  }
  const key = text === '10' ? '*' : text === '11' ? '#' : text;

  return /^[0-9*#A-D]$/i.test(key) ? key.toUpperCase() : null;
}

/** Whether an INFO asks for a key frame (RFC 5168 `picture_fast_update`). */
export function isFastUpdate(contentType: string, body: string): boolean {
  return contentType.toLowerCase().startsWith('application/media_control+xml') && body.includes('picture_fast_update');
}

export const FAST_UPDATE_XML =
  '<?xml version="1.0" encoding="utf-8" ?>\r\n<media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>\r\n';
