import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPOKEN } from '../../../server/domain/sip/dtmf.js';
import { promptAudio } from '../../../server/sip/prompts/promptAudio.js';
import { PROMPT_TEXTS } from '../../../server/sip/prompts/texts.js';
import { until } from '../../helpers/poll.js';
import { relayKit } from '../../helpers/relays.js';

const PROMPTS = join(import.meta.dirname, '../../../server/sip/prompts');

/** An RTP packet from the bridge: its numbering and a payload of one repeated byte. */
function fromBridge(seq: number, fill: number): Buffer {
  const packet = Buffer.alloc(12 + 160, fill);
  packet[0] = 0x80;
  packet[1] = 9;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(seq * 160, 4);
  packet.writeUInt32BE(0xb1d6e, 8);

  return packet;
}

describe('the prompts a room without a console hears', () => {
  it('ship as 16 kHz mono WAV files, one for each words, each a few seconds at most', () => {
    expect(Object.keys(PROMPT_TEXTS)).toEqual(expect.arrayContaining([...SPOKEN]));
    for (const name of Object.keys(PROMPT_TEXTS)) {
      const file = join(PROMPTS, `${name}.wav`);
      expect(existsSync(file), name).toBe(true);
      const wav = readFileSync(file);
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.readUInt16LE(22)).toBe(1);
      expect(wav.readUInt32LE(24)).toBe(16_000);
      const seconds = (wav.length - 44) / 32_000;
      expect(seconds, name).toBeGreaterThan(0.5);
      expect(seconds, name).toBeLessThan(6);
    }
  });

  it("are made in the room's codec: G.722 and G.711 at 8 bytes a millisecond, nothing for Opus", async () => {
    const wav = readFileSync(join(PROMPTS, 'confirmed.wav'));
    const ms = ((wav.length - 44) / 32_000) * 1000;
    for (const codec of ['G722', 'PCMA', 'PCMU']) {
      const bytes = await promptAudio('confirmed', codec);
      expect(Math.abs((bytes?.length ?? 0) / 8 - ms), codec).toBeLessThan(40);
    }
    expect(await promptAudio('confirmed', 'opus')).toBeNull();
  });
});

describe("a prompt said through a room's sound relay", () => {
  const kit = relayKit();
  const open = async () => {
    const { socket: room, heard } = await kit.bound();
    const relay = await kit.openRelay({ room: { address: '127.0.0.1', port: room.address().port, rtcpPort: null } });

    return { relay, heard, room };
  };

  it('before the room is on the bridge: a stream of its own, 20 ms of words a packet, in its payload type', async () => {
    const { relay, heard } = await open();
    const words = Buffer.alloc(160 * 5 + 40, 0x55);
    await relay.say(words, 9);
    await until(() => heard.length >= 6, 5000, 'the words heard');
    expect(heard.map((p) => p.length - 12)).toEqual([160, 160, 160, 160, 160, 40]);
    expect(heard.every((p) => (p[1] ?? 0) % 128 === 9 && p.readUInt32BE(8) === heard[0]?.readUInt32BE(8))).toBe(true);
    expect(heard.map((p, i) => ((p.readUInt16BE(2) - (heard[0]?.readUInt16BE(2) ?? 0) + 65536) % 65536) - i)).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(heard.map((p) => p.readUInt32BE(4) - (heard[0]?.readUInt32BE(4) ?? 0))).toEqual([
      0, 160, 320, 480, 640, 800,
    ]);
  });

  it("while the bridge sends sound: the words take its payloads' place, its stream and numbering kept", async () => {
    const { relay, heard, room } = await open();
    const { socket: bridge } = await kit.bound();
    const inner = relay.bridgeFacing;
    const send = (seq: number) =>
      new Promise((resolve) => bridge.send(fromBridge(seq, 0x11), inner.port, inner.ip, resolve));
    const first = once(room, 'message');
    await send(1);
    await first;
    const said = relay.say(Buffer.alloc(160 * 2, 0x77), 9);
    for (let seq = 2; seq <= 4; seq++) {
      await send(seq);
    }
    await said;
    await until(() => heard.length === 4, 5000, 'the packets heard');
    expect(heard.map((p) => p.readUInt16BE(2))).toEqual([1, 2, 3, 4]);
    expect(heard.every((p) => p.readUInt32BE(8) === 0xb1d6e)).toBe(true);
    expect(heard.map((p) => p[12 + 80])).toEqual([0x11, 0x77, 0x77, 0x11]);
  });
});
