import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDirectory } from '../helpers/domain.js';
import { baresipAvailable, startBaresipRoom, type BaresipRoom } from '../helpers/baresip.js';
import { inviteUnit, linkUp, linkedHarness, startNation, startProvince, type Coordinator } from '../helpers/linked.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { freePort, until } from '../helpers/poll.js';

const harness = linkedHarness();

/**
 * A hardware room of a province is an ordinary point of the national meeting: present there through the link, and
 * when the nation gives it the floor its picture (H.264 from a real baresip) is piped up to the nation's bridge.
 */
describe.skipIf(!mediasoupAvailable() || (!baresipAvailable() && process.env.CI !== 'true'))(
  '[mediasoup] a SIP room of a province at the national meeting',
  () => {
    let nation: Coordinator;
    let province: Coordinator;
    let room: BaresipRoom;
    let sipPort: number;

    beforeAll(async () => {
      const env = async (host: string, extra: Record<string, string> = {}) =>
        bridgeEnv('mediasoup', { MEDIA_LISTEN_IP: host, MEDIASOUP_WORKERS: '1', ...extra });
      sipPort = await freePort();
      nation = await harness.tracked(startNation('127.0.0.2', await env('127.0.0.2')));
      province = await harness.tracked(
        startProvince('127.0.0.3', 'tinh-a', await env('127.0.0.3', { SIP_PORT: String(sipPort) })),
      );
      room = await startBaresipRoom({ user: 'phonghop-x1', rgb: [200, 30, 30], ip: '127.0.0.4' });
      const directory = smallDirectory();
      for (const point of directory.points) {
        point.sipUri = point.code === 'DC-X1' ? room.address : null;
      }
      await province.server.meetings.replaceDirectory(directory);
      expect((await linkUp(province, 'tinh-a', nation, await inviteUnit(nation, 'P1'))).status).toBe(200);
    }, 60_000);

    afterAll(async () => {
      await room?.close();
      await harness.closeAll();
    });

    it("is present at the nation through the link, and its picture reaches the nation's bridge when the nation gives it the floor", async () => {
      const tinhA = province.server.meetings.get('tinh-a');
      const tw = nation.server.meetings.get('tw');
      await room.dial(province.server.sip?.dialInUri(tinhA.state.def.conferenceNumber ?? '') ?? '');
      await until(() => tw.state.points['P1.DC-X1']?.connected === true, 30_000, 'the room present at the nation');

      await tw.execute({ type: 'floor.grant', pointId: 'P1.DC-X1', limitSec: 300 }, { role: 'chair' });
      await until(() => tinhA.state.floor?.pointId === 'DC-X1', 10_000, 'the floor at the province');
      let piped: string | undefined;
      await until(
        () =>
          (piped = nation.server.media
            .participantsOf('tw')
            .find((p) => p.pointId === 'P1.DC-X1' && p.id.startsWith('pipe:'))?.id) !== undefined,
        30_000,
        "the room piped up to the nation's bridge",
      );

      // Its H.264 arrives there: copied off the nation's bridge as the recorder would take it.
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      let packets = 0;
      socket.on('message', () => (packets += 1));
      const port = socket.address().port;
      const tap = await nation.server.media.bridge.tap?.(piped ?? '', 'video', { port, rtcpPort: port + 1 }, false);
      try {
        expect(tap?.codec.mimeType).toBe('video/H264');
        await tap?.start();
        await until(() => packets > 50, 20_000, "the room's picture at the nation");
      } finally {
        tap?.close();
        socket.close();
      }
      await tw.execute({ type: 'floor.revoke' }, { role: 'chair' });
    }, 90_000);
  },
);
