import { describe, expect, it } from 'vitest';
import * as sdpTransform from 'sdp-transform';
import { roomSample } from '../../../server/sip/roomHealth.js';
import { OFFERED, readAnswer, writeOffer } from '../../../server/sip/sdp.js';
import { TelephoneEvents } from '../../../server/sip/telephoneEvents.js';

/** An RTP packet: version 2, a payload type, a timestamp, and a payload. */
function rtp(payloadType: number, timestamp: number, payload: number[], marker = false): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (marker ? 0x80 : 0) | payloadType;
  header.writeUInt16BE(1, 2);
  header.writeUInt32BE(timestamp, 4);
  header.writeUInt32BE(0x1234, 8);

  return Buffer.concat([header, Buffer.from(payload)]);
}

describe("a room remote's keys (RFC 4733)", () => {
  it('reports each key once, on the first packet of its event, and ignores sound and other payload types', () => {
    const events = new TelephoneEvents(101);
    const star = [10, 0x0a, 0x00, 0xa0];
    expect(events.keyOf(rtp(101, 1000, star, true))).toBe('*');
    expect(events.keyOf(rtp(101, 1000, star))).toBeNull();
    expect(events.keyOf(rtp(101, 1000, [10, 0x8a, 0x03, 0x20]))).toBeNull();
    expect(events.keyOf(rtp(101, 2600, [1, 0x0a, 0, 0xa0]))).toBe('1');
    expect(events.keyOf(rtp(101, 4200, [11, 0x0a, 0, 0xa0]))).toBe('#');
    expect(events.keyOf(rtp(9, 5000, [1, 2, 3, 4]))).toBeNull();
    expect(events.keyOf(rtp(101, 6000, [99, 0, 0, 0]))).toBeNull();
    expect(events.keyOf(Buffer.from([0x80, 101, 0]))).toBeNull();
  });
});

describe('calling a room', () => {
  it("offers G.722, G.711, telephone-events and H.264 in both packetization modes on the relays' ports", () => {
    const offer = sdpTransform.parse(
      writeOffer('10.0.0.5', { audio: { port: 41000, rtcpPort: 41001 }, video: { port: 41002, rtcpPort: 41003 } }, 1),
    );
    expect(offer.connection?.ip).toBe('10.0.0.5');
    expect(offer.media.map((m) => [m.type, m.port, m.rtcp?.port, String(m.payloads)])).toEqual([
      ['audio', 41000, 41001, '9 8 0 101'],
      ['video', 41002, 41003, '96 97'],
    ]);
  });

  it('reads the answer: the room sends with our numbers and receives with its own', () => {
    const answer = [
      'v=0',
      'o=- 1 1 IN IP4 10.0.0.9',
      's=-',
      'c=IN IP4 10.0.0.9',
      't=0 0',
      'm=audio 50000 RTP/AVP 9 120',
      'a=rtpmap:9 G722/8000',
      'a=rtpmap:120 telephone-event/8000',
      'm=video 50002 RTP/AVP 109',
      'a=rtpmap:109 H264/90000',
      'a=fmtp:109 packetization-mode=1;profile-level-id=42e01f',
      '',
    ].join('\r\n');
    const [audio, video] = readAnswer(answer);
    expect(audio?.codec?.payloadType).toBe(9);
    expect(audio?.telephoneEvent?.payloadType).toBe(OFFERED.telephoneEvent);
    expect(video?.codec?.payloadType).toBe(96);
    expect(video?.roomPayloadType).toBe(109);
    expect(video?.remote).toEqual({ ip: '10.0.0.9', port: 50002, rtcpPort: 50003 });
  });
});

describe("a room's link health", () => {
  it("is its streams' worst loss, its round trip, its sound's jitter in ms and what it sends", () => {
    const sample = roomSample([
      { kind: 'audio', bytesReceived: 1, packetsLost: 0, fractionLost: 0.01, jitter: 80, rttMs: 12, bitrate: 64_000 },
      {
        kind: 'video',
        bytesReceived: 1,
        packetsLost: 9,
        fractionLost: 0.125,
        jitter: 900,
        rttMs: 20,
        bitrate: 936_000,
      },
    ]);
    expect(sample).toMatchObject({ lossPct: 12.5, rttMs: 20, jitterMs: 10, kbpsIn: 1000, fpsIn: null });
  });
});
