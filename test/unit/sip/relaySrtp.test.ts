import { randomBytes } from 'node:crypto';
import type dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { RtpPacket, SrtcpSession, SrtpSession } from 'werift';
import { relayable } from '../../../server/sip/srtp.js';
import { until } from '../../helpers/poll.js';
import { relayKit } from '../../helpers/relays.js';

const { openRelay, bound } = relayKit();

/** An RTP packet of G.722 (payload type 9) whose payload says what it is. */
const rtp = (seq: number, ssrc: number, what: string) => {
  const header = Buffer.from([0x80, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(seq * 160, 4);
  header.writeUInt32BE(ssrc, 8);

  return Buffer.concat([header, Buffer.from(what)]);
};

/**
 * A room that speaks SRTP (AES_CM_128_HMAC_SHA1_80, keyed by SDES): its side is played with werift's sessions keyed
 * the other way round (its key is its local one, ours the remote one).
 */
function roomSide(roomKey: Buffer, ourKeyBase64: string) {
  const ours = Buffer.from(ourKeyBase64, 'base64');
  const keys = {
    localMasterKey: roomKey.subarray(0, 16),
    localMasterSalt: roomKey.subarray(16, 30),
    remoteMasterKey: ours.subarray(0, 16),
    remoteMasterSalt: ours.subarray(16, 30),
  };

  return { rtp: new SrtpSession({ keys, profile: 1 }), rtcp: new SrtcpSession({ keys, profile: 1 }) };
}

describe("an SRTP room's stream through its relay", () => {
  it('is decrypted for the bridge, protected with our key for the room, and a forged packet neither passes nor latches', async () => {
    const roomKey = randomBytes(30);
    const relay = await openRelay({
      srtp: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: roomKey.toString('base64'), tag: 1 },
    });
    const answer = relay.srtpAnswer;
    expect(answer).toMatchObject({ cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', tag: 1 });
    expect(Buffer.from(answer?.keyBase64 ?? '', 'base64')).toHaveLength(30);
    const room = roomSide(roomKey, answer?.keyBase64 ?? '');
    const [roomSocket, stranger, bridge] = [await bound(), await bound(), await bound()];
    relay.connectBridge(bridge.socket.address().port);
    const toRelay = (from: dgram.Socket, bytes: Buffer) =>
      new Promise((resolve) => from.send(bytes, relay.roomFacing.port, '127.0.0.1', resolve));

    // A stranger's packet first, with a made-up tag: dropped, and the room is not latched to it.
    const forged = Buffer.concat([rtp(1, 42, 'forged'), randomBytes(10)]);
    await toRelay(stranger.socket, forged);
    const sent = rtp(2, 42, 'room-2');
    const { header, payload } = RtpPacket.deSerialize(Buffer.from(sent));
    await toRelay(roomSocket.socket, room.rtp.encrypt(payload, header));
    await until(() => bridge.heard.length === 1, 5000, 'the room at the bridge');
    expect(bridge.heard[0]?.subarray(12).toString()).toBe('room-2');
    expect(bridge.heard[0]?.readUInt32BE(8)).toBe(relay.upstreamSsrc);

    // The bridge's program goes down protected: the room decrypts it with our key; nothing reaches the stranger.
    await new Promise((resolve) =>
      bridge.socket.send(rtp(7, 99, 'program'), relay.bridgeFacing.port, '127.0.0.1', resolve),
    );
    await until(() => roomSocket.heard.length === 1, 5000, 'the program at the room');
    const down = roomSocket.heard[0] ?? Buffer.alloc(0);
    expect(down.includes(Buffer.from('program'))).toBe(false);
    expect(room.rtp.decrypt(down).subarray(12).toString()).toBe('program');
    expect(stranger.heard).toEqual([]);

    // RTCP both ways: the room's report reaches the bridge in the clear, the bridge's reaches the room protected.
    const report = Buffer.alloc(8);
    report[0] = 0x80;
    report[1] = 201;
    report.writeUInt16BE(1, 2);
    report.writeUInt32BE(42, 4);
    await toRelay(roomSocket.socket, room.rtcp.encrypt(Buffer.from(report)));
    await until(() => bridge.heard.length === 2, 5000, "the room's report at the bridge");
    expect(bridge.heard[1]?.readUInt32BE(4)).toBe(relay.upstreamSsrc);
    await new Promise((resolve) => bridge.socket.send(report, relay.bridgeFacing.port, '127.0.0.1', resolve));
    await until(() => roomSocket.heard.length === 2, 5000, "the bridge's report at the room");
    expect(room.rtcp.decrypt(roomSocket.heard[1] ?? Buffer.alloc(0)).subarray(0, 2)).toEqual(report.subarray(0, 2));
  });

  it('takes the suites room systems offer first, not the 32-bit tag, AES-256 or a key with an MKI', () => {
    const key = (
      cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM' | 'AEAD_AES_256_GCM',
    ) => ({
      cryptoSuite,
      keyBase64: '',
      tag: 1,
    });
    expect(relayable(key('AES_CM_128_HMAC_SHA1_80'))).toBe(true);
    expect(relayable(key('AEAD_AES_128_GCM'))).toBe(true);
    expect(relayable(key('AES_CM_128_HMAC_SHA1_32'))).toBe(false);
    expect(relayable(key('AEAD_AES_256_GCM'))).toBe(false);
    expect(relayable({ ...key('AES_CM_128_HMAC_SHA1_80'), mki: true })).toBe(false);
  });
});
