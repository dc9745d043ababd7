import type dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { until } from '../../helpers/poll.js';
import { relayKit } from '../../helpers/relays.js';

/** An RTP packet whose payload says who sent it. */
const packet = (who: string) => Buffer.concat([Buffer.from([0x80, 9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), Buffer.from(who)]);
const who = (p: Buffer) => p.subarray(12).toString();

const { openRelay: open, bound } = relayKit();

/** A room's relay on loopback (its clock given, to move past the latch's wait). */
const openRelay = (now: () => number = Date.now) => open({ now });

describe("a room's media relay latches to the room", () => {
  it('drops packets from elsewhere while the room sends, and follows the room once it has been silent a while', async () => {
    let now = 1_000_000;
    const relay = await openRelay(() => now);
    const [room, stranger, bridge] = [await bound(), await bound(), await bound()];
    relay.connectBridge(bridge.socket.address().port);
    const outer = relay.roomFacing.port;
    const send = (from: dgram.Socket, what: string) =>
      new Promise((resolve) => from.send(packet(what), outer, '127.0.0.1', resolve));
    const down = (what: string) =>
      new Promise((resolve) => bridge.socket.send(packet(what), relay.bridgeFacing.port, '127.0.0.1', resolve));

    await send(room.socket, 'room-1');
    await send(stranger.socket, 'stranger-1');
    await send(room.socket, 'room-2');
    await until(() => bridge.heard.length >= 2, 5000, 'the room at the bridge');
    await down('program-1');
    await until(() => room.heard.length === 1, 5000, 'the program at the room');
    expect(bridge.heard.map(who)).toEqual(['room-1', 'room-2']);
    expect(stranger.heard).toEqual([]);

    // The room has gone quiet where it was (its NAT rebound): its packets from the new place are its own.
    now += 4000;
    await send(stranger.socket, 'moved-1');
    await until(() => bridge.heard.length === 3, 5000, 'the moved room at the bridge');
    await down('program-2');
    await until(() => stranger.heard.length === 1, 5000, 'the program where the room is now');
    expect(who(bridge.heard.at(-1) ?? Buffer.alloc(12))).toBe('moved-1');
    expect(room.heard.map(who)).toEqual(['program-1']);
  });
});

describe("a room's stream renumbered for the bridge", () => {
  it("carries the SSRC the bridge was told whatever the room uses, and names the room's own in the bridge's feedback", async () => {
    const relay = await openRelay();
    const [room, bridge] = [await bound(), await bound()];
    relay.connectBridge(bridge.socket.address().port);
    const rtp = (ssrc: number) => {
      const p = packet('x');
      p.writeUInt32BE(ssrc, 8);

      return p;
    };
    // A receiver report with one block, then a PLI: what the bridge says about the stream.
    const feedback = () => {
      const rr = Buffer.alloc(32);
      rr.writeUInt8(0x81, 0);
      rr.writeUInt8(201, 1);
      rr.writeUInt16BE(7, 2);
      rr.writeUInt32BE(0x5eed, 4);
      rr.writeUInt32BE(relay.upstreamSsrc, 8);
      const pli = Buffer.alloc(12);
      pli.writeUInt8(0x81, 0);
      pli.writeUInt8(206, 1);
      pli.writeUInt16BE(2, 2);
      pli.writeUInt32BE(0x5eed, 4);
      pli.writeUInt32BE(relay.upstreamSsrc, 8);

      return Buffer.concat([rr, pli]);
    };
    const fromRoom = (p: Buffer) =>
      new Promise((resolve) => room.socket.send(p, relay.roomFacing.port, '127.0.0.1', resolve));
    const fromBridge = (p: Buffer) =>
      new Promise((resolve) => bridge.socket.send(p, relay.bridgeFacing.port, '127.0.0.1', resolve));

    await fromRoom(rtp(0xaaaa));
    await until(() => bridge.heard.length === 1, 5000, 'the room at the bridge');
    expect(bridge.heard[0]?.readUInt32BE(8)).toBe(relay.upstreamSsrc);
    await fromBridge(feedback());
    await until(() => room.heard.length === 1, 5000, 'the feedback at the room');
    expect([room.heard[0]?.readUInt32BE(8), room.heard[0]?.readUInt32BE(32 + 8)]).toEqual([0xaaaa, 0xaaaa]);

    // The room changes its SSRC (after a hold, say): the bridge sees no change; its feedback follows the room.
    await fromRoom(rtp(0xbbbb));
    await until(() => bridge.heard.length === 2, 5000, 'the renumbered room at the bridge');
    expect(bridge.heard[1]?.readUInt32BE(8)).toBe(relay.upstreamSsrc);
    await fromBridge(feedback());
    await until(() => room.heard.length === 2, 5000, 'the feedback at the room');
    expect(room.heard[1]?.readUInt32BE(32 + 8)).toBe(0xbbbb);
  });
});
