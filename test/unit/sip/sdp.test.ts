import { describe, expect, it } from 'vitest';
import * as sdpTransform from 'sdp-transform';
import { readOffer, SdpError, writeAnswer } from '../../../server/sip/sdp.js';

/** What baresip 1.0 offers (captured here from a real call), and a Poly-like offer with SRTP and rtcp-mux. */
const BARESIP = [
  'v=0',
  'o=- 2126540490 1086639654 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 10000 RTP/AVP 9 0 8 101',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'a=ssrc:1658069837 cname:sip:room1@127.0.0.1:5080',
  'm=video 42398 RTP/AVP 96 97 34',
  'a=rtpmap:96 H264/90000',
  'a=fmtp:96 packetization-mode=0;profile-level-id=42e01f',
  'a=rtpmap:97 H264/90000',
  'a=fmtp:97 packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:34 H263/90000',
  'a=sendrecv',
  'a=ssrc:1363984336 cname:sip:room1@127.0.0.1:5080',
  '',
].join('\r\n');

const SRTP = [
  'v=0',
  'o=- 1 1 IN IP4 10.20.30.41',
  's=-',
  'c=IN IP4 10.20.30.41',
  't=0 0',
  'm=audio 49170 RTP/SAVP 8',
  'a=rtcp-mux',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32',
  'm=video 49172 RTP/SAVP 109',
  'a=rtpmap:109 H264/90000',
  'a=fmtp:109 profile-level-id=640028;packetization-mode=1',
  'a=rtcp-mux',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32',
  'm=video 49174 RTP/AVP 31',
  'a=content:slides',
  '',
].join('\r\n');

describe("a room system's offer", () => {
  it('takes G.722 before G.711 and H.264 packetization-mode 1 before 0; RTCP on the next port without rtcp-mux', () => {
    const [audio, video] = readOffer(BARESIP);
    expect(audio).toMatchObject({
      kind: 'audio',
      codec: { mimeType: 'audio/G722', payloadType: 9, clockRate: 8000, channels: 1 },
      remote: { ip: '127.0.0.1', port: 10000, rtcpPort: 10001 },
      rtcpMux: false,
      ssrc: 1658069837,
      srtp: null,
    });
    expect(video).toMatchObject({
      kind: 'video',
      codec: { mimeType: 'video/H264', payloadType: 97, parameters: { 'packetization-mode': 1 } },
      ssrc: 1363984336,
    });
  });

  it('takes G.722 before Opus (the prompts and 8 kHz keys go with it), Opus before G.711, G.711 alone when that is all', () => {
    const offer = (payloads: string, maps: string[]) =>
      [
        'v=0',
        'o=- 1 1 IN IP4 127.0.0.2',
        's=-',
        'c=IN IP4 127.0.0.2',
        't=0 0',
        `m=audio 10000 RTP/AVP ${payloads}`,
        ...maps,
        '',
      ].join('\r\n');
    const opus = 'a=rtpmap:111 opus/48000/2';
    expect(readOffer(offer('111 9 8', [opus]))[0]?.codec?.mimeType).toBe('audio/G722');
    expect(readOffer(offer('111 8 0', [opus]))[0]?.codec).toMatchObject({
      mimeType: 'audio/opus',
      clockRate: 48_000,
      channels: 2,
    });
    expect(readOffer(offer('0 8', []))[0]?.codec).toMatchObject({ mimeType: 'audio/PCMA', payloadType: 8 });
    expect(readOffer(offer('0', []))[0]?.codec).toMatchObject({ mimeType: 'audio/PCMU', payloadType: 0 });
  });

  it('reads SDES keys, static payload types without rtpmap, rtcp-mux, a high-profile camera, and refuses H.261 content', () => {
    const [audio, video, slides] = readOffer(SRTP);
    expect(audio?.codec).toMatchObject({ mimeType: 'audio/PCMA', payloadType: 8 });
    expect(audio?.srtp).toMatchObject({ cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', tag: 1 });
    expect(audio?.rtcpMux).toBe(true);
    expect(video?.codec?.parameters['profile-level-id']).toBe('640028');
    expect(slides?.codec).toBeNull();
    expect(slides?.content).toBe('slides');
  });

  it('answers every m-line in order: the chosen codec alone, refused lines with port 0, keys and rtcp-mux echoed', () => {
    const offers = readOffer(SRTP);
    const answers = new Map([
      [
        0,
        {
          ip: '127.0.0.1',
          port: 40002,
          rtcpPort: null,
          srtp: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const, keyBase64: 'a'.repeat(40), tag: 1 },
        },
      ],
      [
        1,
        {
          ip: '127.0.0.1',
          port: 40004,
          rtcpPort: null,
          srtp: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const, keyBase64: 'b'.repeat(40), tag: 1 },
        },
      ],
    ]);
    const answer = sdpTransform.parse(writeAnswer(offers, answers, '127.0.0.1', 1));
    expect(answer.media.map((m) => [m.type, m.port, m.protocol])).toEqual([
      ['audio', 40002, 'RTP/SAVP'],
      ['video', 40004, 'RTP/SAVP'],
      ['video', 0, 'RTP/AVP'],
    ]);
    expect(answer.media[0]?.crypto?.[0]?.config).toBe(`inline:${'a'.repeat(40)}`);
    expect(answer.media[1]?.rtp).toEqual([{ payload: 109, codec: 'H264', rate: 90000 }]);
    expect(answer.media[1]?.rtcpMux).toBe('rtcp-mux');
  });

  it.each([
    ['no media', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n'],
    ['a huge body', 'v=0\r\n' + 'a=x\r\n'.repeat(10_000)],
  ])('refuses %s', (_name, text) => {
    expect(() => readOffer(text)).toThrow(SdpError);
  });

  it('takes nothing from absurd addresses, privileged ports or unknown codecs', () => {
    const absurd = BARESIP.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 not-an-ip').replace('m=video 42398', 'm=video 80');
    expect(readOffer(absurd).every((s) => s.codec === null)).toBe(true);
    const vp9Only = BARESIP.replace(/m=video[\s\S]*$/, 'm=video 42398 RTP/AVP 100\r\na=rtpmap:100 VP9/90000\r\n');
    expect(readOffer(vp9Only)[1]?.codec).toBeNull();
  });

  it("takes an SRTP suite the room's relay protects before one it does not, whatever the offer's order (baresip's)", () => {
    const key = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
    const offer = (lines: string[]) =>
      [
        'v=0',
        'o=- 1 1 IN IP4 127.0.0.4',
        's=-',
        'c=IN IP4 127.0.0.4',
        't=0 0',
        'm=audio 10000 RTP/SAVP 9',
        'a=rtpmap:9 G722/8000',
        ...lines,
        '',
      ].join('\r\n');
    const [stream] = readOffer(
      offer([
        `a=crypto:1 AEAD_AES_256_GCM inline:${key}${key}AAAAAAAAAAAAAA==`,
        `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${key}`,
        `a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:${key}|2^20|1:4`,
        `a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:${key}|2^31`,
      ]),
    );
    // The line with an MKI is passed over too; the lifetime alone is no MKI.
    expect(stream?.srtp).toEqual({ cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: key, tag: 4 });
    const [only] = readOffer(offer([`a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${key}`]));
    expect(only?.srtp).toMatchObject({ cryptoSuite: 'AES_CM_128_HMAC_SHA1_32', tag: 2 });
  });

  it('refuses SRTP lines without a key it can use', () => {
    const keyless = SRTP.replace(/a=crypto:.*\r\n/g, '');
    expect(
      readOffer(keyless)
        .slice(0, 2)
        .every((s) => s.codec === null),
    ).toBe(true);
  });
});
