import { isIP } from 'node:net';
import * as sdpTransform from 'sdp-transform';
import { z } from 'zod';
import { relayable } from './srtp.js';
import type { PlainCodec, PlainStreamAnswer, PlainStreamOffer, SrtpKey } from '../media/MediaBridge.js';

/**
 * A room system's SDP offer read into the streams the bridge can take, and the answer written back. What mediasoup
 * forwards (never transcodes) is offered: H.264 (packetization-mode 1, else 0) and VP8 for video; Opus, G.722, PCMA and
 * PCMU for sound. An m-line with none of those is refused (port 0), as RFC 3264 says.
 */

export const SRTP_SUITES = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
] as const;

const rtpMap = z.object({
  payload: z.number().int().min(0).max(127),
  codec: z.string().max(64),
  rate: z.number().int().min(1000).max(200_000).optional(),
  encoding: z.union([z.number(), z.string()]).optional(),
});
const mediaLine = z.object({
  type: z.string().max(32),
  port: z.number().int().min(0).max(65_535),
  protocol: z.string().max(64),
  payloads: z.union([z.string(), z.number()]).optional(),
  rtp: z.array(rtpMap).max(64).default([]),
  fmtp: z
    .array(z.object({ payload: z.number().int(), config: z.string().max(1000) }))
    .max(64)
    .default([]),
  connection: z.object({ ip: z.string().max(64) }).optional(),
  rtcp: z.object({ port: z.number().int().min(1).max(65_535) }).optional(),
  rtcpMux: z.string().optional(),
  direction: z.string().optional(),
  ssrcs: z
    .array(z.object({ id: z.union([z.number(), z.string()]) }))
    .max(64)
    .optional(),
  crypto: z
    .array(z.object({ id: z.number(), suite: z.string().max(64), config: z.string().max(400) }))
    .max(16)
    .optional(),
  content: z.string().max(32).optional(),
});
const session = z.object({
  connection: z.object({ ip: z.string().max(64) }).optional(),
  media: z.array(mediaLine).max(8),
});

export class SdpError extends Error {}

const VIDEO_PREFERENCE = ['H264', 'VP8'];
/**
 * G.722 first: wideband, what hardware rooms speak best, and the codec the spoken prompts and the keys' 8 kHz
 * telephone events go with; Opus for a room that offers no G.722; G.711 last. The program is encoded in all four.
 */
const AUDIO_PREFERENCE = ['G722', 'OPUS', 'PCMA', 'PCMU'];

/** Reads an offer; throws `SdpError` when it is not an SDP a room could mean (the call is refused with 488). */
export function readOffer(text: string): PlainStreamOffer[] {
  if (text.length > 20_000) {
    throw new SdpError('SDP too large');
  }
  const parsed = session.safeParse(sdpTransform.parse(text));
  if (!parsed.success || parsed.data.media.length === 0) {
    throw new SdpError('no media in the SDP');
  }
  const { data } = parsed;

  return data.media.map((m, index): PlainStreamOffer => {
    const kind = m.type === 'audio' || m.type === 'video' ? m.type : null;
    const ip = m.connection?.ip ?? data.connection?.ip ?? '';
    const usable = kind !== null && m.port >= 1024 && isIP(ip) !== 0 && /^RTP\/S?AVPF?$/.test(m.protocol);
    const codec = usable ? chooseCodec(kind, m) : null;
    const srtp = m.protocol.startsWith('RTP/SAVP') ? readCrypto(m.crypto ?? []) : null;
    const ssrc = Number(m.ssrcs?.[0]?.id);
    const telephoneEvent = codec === null || kind !== 'audio' ? null : telephoneEventOf(m, codec.clockRate);

    return {
      index,
      kind: kind ?? 'audio',
      media: m.type,
      protocol: m.protocol,
      codec: codec !== null && (srtp !== null || !m.protocol.startsWith('RTP/SAVP')) ? codec : null,
      remote: { ip, port: m.port, rtcpPort: m.rtcp?.port ?? (m.rtcpMux === undefined ? m.port + 1 : null) },
      telephoneEvent,
      rtcpMux: m.rtcpMux !== undefined,
      ssrc: Number.isInteger(ssrc) && ssrc > 0 && ssrc <= 0xffff_ffff ? ssrc : null,
      srtp,
      content: m.content === 'slides' ? 'slides' : 'main',
    };
  });
}

function chooseCodec(kind: 'audio' | 'video', m: z.infer<typeof mediaLine>): PlainCodec | null {
  const fmtpOf = (payload: number) => parseFmtp(m.fmtp.find((f) => f.payload === payload)?.config ?? '');
  const offered = m.rtp.map((r) => ({ ...r, name: r.codec.toUpperCase(), fmtp: fmtpOf(r.payload) }));
  // Static payload types a room may list without an rtpmap (RFC 3551).
  for (const pt of String(m.payloads ?? '').split(/\s+/)) {
    const payload = Number(pt);
    const name = STATIC_TYPES[payload];
    if (name !== undefined && !offered.some((o) => o.payload === payload)) {
      offered.push({ payload, codec: name, rate: 8000, name, fmtp: {} });
    }
  }
  for (const name of kind === 'video' ? VIDEO_PREFERENCE : AUDIO_PREFERENCE) {
    const candidates = offered.filter((o) => o.name === name);
    // H.264: packetization-mode 1 when offered (larger frames in one go), else 0.
    const chosen =
      name === 'H264'
        ? (candidates.find((c) => c.fmtp['packetization-mode'] === '1' && h264Supported(c.fmtp)) ??
          candidates.find((c) => h264Supported(c.fmtp)))
        : candidates[0];
    if (chosen !== undefined) {
      const clockRate = chosen.rate ?? (kind === 'video' ? 90_000 : 8000);
      const parameters: Record<string, string | number> = {};
      if (name === 'H264') {
        parameters['packetization-mode'] = Number(chosen.fmtp['packetization-mode'] ?? '0');
        parameters['profile-level-id'] = chosen.fmtp['profile-level-id'] ?? '42e01f';
        parameters['level-asymmetry-allowed'] = 1;
      }

      return {
        mimeType: `${kind}/${name === 'OPUS' ? 'opus' : name}`,
        payloadType: chosen.payload,
        clockRate: name === 'OPUS' ? 48_000 : clockRate,
        ...(kind === 'audio' ? { channels: name === 'OPUS' ? 2 : 1 } : {}),
        parameters,
      };
    }
  }

  return null;
}

/** The telephone-event the room offered at its sound's clock rate (mediasoup forwards it with that codec only). */
function telephoneEventOf(m: z.infer<typeof mediaLine>, clockRate: number): PlainStreamOffer['telephoneEvent'] {
  const event = m.rtp.find((r) => r.codec.toLowerCase() === 'telephone-event' && (r.rate ?? 8000) === clockRate);

  return event === undefined || (clockRate !== 8000 && clockRate !== 48_000)
    ? null
    : { payloadType: event.payload, clockRate };
}

const STATIC_TYPES: Record<number, string> = { 0: 'PCMU', 8: 'PCMA', 9: 'G722' };

/** Profiles the router forwards (profile_idc and the constraint flags that matter): baseline family, main, high. */
function h264Supported(fmtp: Record<string, string>): boolean {
  const profile = (fmtp['profile-level-id'] ?? '42e01f').toLowerCase();
  const mode = fmtp['packetization-mode'] ?? '0';

  return /^(42[0-9a-f]{4}|4d[0-9a-f]{4}|64[0-9a-f]{4})$/.test(profile) && (mode === '0' || mode === '1');
}

function parseFmtp(config: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of config.split(';')) {
    const [key, value] = part.split('=', 2);
    if (key !== undefined && key.trim() !== '') {
      out[key.trim().toLowerCase()] = (value ?? '').trim();
    }
  }

  return out;
}

function readCrypto(lines: { id: number; suite: string; config: string }[]): SrtpKey | null {
  const keys: SrtpKey[] = [];
  for (const line of lines) {
    const suite = SRTP_SUITES.find((s) => s === line.suite.toUpperCase());
    const key = /^inline:([A-Za-z0-9+/=]{20,120})/.exec(line.config)?.[1];
    if (suite !== undefined && key !== undefined) {
      // `inline:<key>|<lifetime>|<MKI>:<length>`: an MKI is the one part with a colon after the key.
      const mki = line.config
        .split('|')
        .slice(1)
        .some((part) => part.includes(':'));
      keys.push({ cryptoSuite: suite, keyBase64: key, tag: line.id, ...(mki ? { mki } : {}) });
    }
  }

  // One the room's relay protects itself is taken first (its keys, prompts and payload types then work as for plain
  // RTP), else the first the bridge keys.
  return keys.find(relayable) ?? keys[0] ?? null;
}

/** The answer: each offered m-line in order, refused ones with port 0, the chosen codec alone on the others. */
export function writeAnswer(
  offers: PlainStreamOffer[],
  answers: ReadonlyMap<number, PlainStreamAnswer>,
  address: string,
  sessionVersion: number,
): string {
  const media = offers.map((offer) => {
    const answer = answers.get(offer.index);
    const codec = offer.codec;
    if (answer === undefined || codec === null) {
      return { type: offer.media, port: 0, protocol: offer.protocol, payloads: '0', rtp: [], fmtp: [] };
    }
    const name = codec.mimeType.split('/')[1] ?? '';
    const fmtp = Object.entries(codec.parameters)
      .filter(([key]) => key !== 'level-asymmetry-allowed')
      .map(([key, value]) => `${key}=${value}`)
      .join(';');

    const event = offer.telephoneEvent;

    return {
      type: offer.media,
      port: answer.port,
      protocol: offer.protocol,
      payloads: event === null ? String(codec.payloadType) : `${codec.payloadType} ${event.payloadType}`,
      rtp: [
        {
          payload: codec.payloadType,
          codec: name,
          rate: codec.clockRate,
          ...(codec.channels !== undefined && codec.channels > 1 ? { encoding: codec.channels } : {}),
        },
        ...(event === null ? [] : [{ payload: event.payloadType, codec: 'telephone-event', rate: event.clockRate }]),
      ],
      fmtp: [
        ...(fmtp === '' ? [] : [{ payload: codec.payloadType, config: fmtp }]),
        ...(event === null ? [] : [{ payload: event.payloadType, config: '0-15' }]),
      ],
      ...(answer.rtcpPort === null ? { rtcpMux: 'rtcp-mux' } : { rtcp: { port: answer.rtcpPort } }),
      ...(answer.srtp === null
        ? {}
        : {
            crypto: [
              { id: answer.srtp.tag, suite: answer.srtp.cryptoSuite, config: `inline:${answer.srtp.keyBase64}` },
            ],
          }),
      ...(offer.kind === 'video'
        ? {
            rtcpFb: [
              { payload: '*', type: 'nack', subtype: 'pli' },
              { payload: '*', type: 'ccm', subtype: 'fir' },
            ],
          }
        : {}),
      direction: 'sendrecv' as const,
    };
  });

  return writeSession(address, sessionVersion, media);
}

/** What the coordinator offers a room it calls: payload types it receives with, by codec. */
export const OFFERED = {
  audio: [
    { payload: 9, codec: 'G722', rate: 8000 },
    { payload: 8, codec: 'PCMA', rate: 8000 },
    { payload: 0, codec: 'PCMU', rate: 8000 },
  ],
  telephoneEvent: 101,
  video: [
    { payload: 96, codec: 'H264', rate: 90_000, fmtp: 'packetization-mode=1;profile-level-id=42e01f' },
    { payload: 97, codec: 'H264', rate: 90_000, fmtp: 'packetization-mode=0;profile-level-id=42e01f' },
  ],
} as const;

/** Our offer when calling a room (plain RTP; RTCP on the next port, or multiplexed if the room says so). */
export function writeOffer(
  address: string,
  ports: { audio: { port: number; rtcpPort: number | null }; video: { port: number; rtcpPort: number | null } },
  sessionVersion: number,
): string {
  const line = (kind: 'audio' | 'video') => {
    const codecs: { payload: number; codec: string; rate: number; fmtp?: string }[] =
      kind === 'audio'
        ? [...OFFERED.audio, { payload: OFFERED.telephoneEvent, codec: 'telephone-event', rate: 8000, fmtp: '0-15' }]
        : [...OFFERED.video];
    const { port, rtcpPort } = ports[kind];

    return {
      type: kind,
      port,
      protocol: 'RTP/AVP',
      payloads: codecs.map((c) => c.payload).join(' '),
      rtp: codecs.map(({ payload, codec, rate }) => ({ payload, codec, rate })),
      fmtp: codecs.flatMap((c) => (c.fmtp === undefined ? [] : [{ payload: c.payload, config: c.fmtp }])),
      ...(rtcpPort === null ? { rtcpMux: 'rtcp-mux' } : { rtcp: { port: rtcpPort } }),
      ...(kind === 'video'
        ? {
            rtcpFb: [
              { payload: '*', type: 'nack', subtype: 'pli' },
              { payload: '*', type: 'ccm', subtype: 'fir' },
            ],
          }
        : {}),
      direction: 'sendrecv' as const,
    };
  };

  return writeSession(address, sessionVersion, [line('audio'), line('video')]);
}

/**
 * A room's answer to our offer, read as the streams to put on the bridge: the room sends with the payload types we
 * offered (what we receive with) and receives with those it answered.
 */
export function readAnswer(text: string): PlainStreamOffer[] {
  return readOffer(text).map((stream) => {
    const codec = stream.codec;
    if (codec === null) {
      return stream;
    }
    const name = (codec.mimeType.split('/')[1] ?? '').toUpperCase();
    const mode = String(codec.parameters['packetization-mode'] ?? '');
    const ours =
      stream.kind === 'audio'
        ? OFFERED.audio.find((o) => o.codec === name)?.payload
        : OFFERED.video.find((o) => o.fmtp.includes(`packetization-mode=${mode}`))?.payload;

    return {
      ...stream,
      codec: { ...codec, payloadType: ours ?? codec.payloadType },
      roomPayloadType: codec.payloadType,
      telephoneEvent:
        stream.telephoneEvent === null ? null : { ...stream.telephoneEvent, payloadType: OFFERED.telephoneEvent },
    };
  });
}

/** Our session description around its m-lines: we are `diemcau` at `address`, media at that address. */
function writeSession(address: string, sessionVersion: number, media: unknown[]): string {
  const ipVer = isIP(address) === 6 ? 6 : 4;

  return sdpTransform.write({
    version: 0,
    origin: { username: 'diemcau', sessionId: 1, sessionVersion, netType: 'IN', ipVer, address },
    name: 'diemcau',
    connection: { version: ipVer, ip: address },
    timing: { start: 0, stop: 0 },
    media,
  } as sdpTransform.SessionDescription);
}
