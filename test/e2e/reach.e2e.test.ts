import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getWithCa } from '../helpers/certificates.js';
import { bridgeEnv, BRIDGES } from '../helpers/mediasoup.js';
import { freePort } from '../helpers/poll.js';
import { startTestServer } from '../helpers/server.js';
import { eventually, slotStats } from './browser.js';
import { pathOf } from './linkStats.js';
import { startReachLab, TURN_SECRET, type ReachLab } from './reachLab.js';

/** In a page: how many relay candidates a peer connection gathers through these ICE servers (0: the relay refused). */
async function gatherRelayCandidates(iceServers: RTCIceServer[]): Promise<number> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  let relays = 0;
  pc.addEventListener('icecandidate', (e) => {
    if (e.candidate?.type === 'relay') {
      relays += 1;
    }
  });
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    const done = () => pc.iceGatheringState === 'complete' && resolve();
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, 15_000);
    done();
  });
  pc.close();

  return relays;
}
const mediasoupSkip = BRIDGES.find((b) => b.bridge === 'mediasoup')?.skip ?? true;

/**
 * Reaching a room whose network is not the loopback (test/e2e/reachLab.ts): a commune's Chromium in a network
 * namespace, the coordinator on HTTPS through an internal CA, real mediasoup, Debian's coturn.
 */
describe.skipIf(mediasoupSkip)('[mediasoup] reaching a room through firewalls and weak links', () => {
  let lab: ReachLab;

  beforeAll(async () => {
    lab = await startReachLab();
  }, 180_000);

  afterEach(async () => {
    await lab.closeRoom();
  });

  afterAll(async () => {
    await lab?.close();
  });

  /** The commune's console in its namespace, over HTTPS: a secure page, so the browser opened its camera. */
  const openRoom = async (pointId: string) => {
    const { page } = await lab.openRoom(pointId);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await eventually(async () => {
      const program = (await slotStats(page)).find((s) => ['program', 'hub'].includes(s.purpose) && s.kind === 'video');
      expect(program?.framesDecoded ?? 0).toBeGreaterThan(10);
    }, 60_000);

    return page;
  };

  it('a room whose UDP is dropped connects over ICE-TCP to the media host and decodes the program', async () => {
    await lab.net.blockUdp();
    const room = await openRoom('DC-X1');
    // Chromium's side of ICE-TCP is an active candidate, learned by the bridge as peer-reflexive: straight, not relayed.
    const path = await pathOf(room);
    expect(path?.protocol).toBe('tcp');
    expect(path?.candidateType).not.toBe('relay');
  }, 180_000);

  it('a room that reaches only TCP 443 connects through TURN over TLS and decodes the program', async () => {
    await lab.net.onlyHttps();
    const room = await openRoom('DC-X2');
    expect(await pathOf(room)).toMatchObject({ candidateType: 'relay', relayProtocol: 'tls' });
    expect(await lab.coturn.log()).toContain('TLS');
  }, 180_000);

  it('a room that opens its link over plain HTTP is told in Vietnamese why it has no camera, and where the HTTPS address is; it still joins', async () => {
    // A coordinator reached over plain HTTP from the room's network (not loopback: not a secure page for the browser),
    // whose public address is the HTTPS one.
    const plain = await startTestServer({
      env: await bridgeEnv('mediasoup', {
        HOST: lab.net.hostIp,
        PORT: String(await freePort()),
        PUBLIC_URL: lab.t.url,
        MEDIA_LISTEN_IP: lab.net.hostIp,
      }),
    });
    try {
      await plain.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
      const room = await (await lab.launchRoom()).newPage();
      const errors: string[] = [];
      room.on('pageerror', (error) => errors.push(error.message));
      await room.goto(`${plain.url}/join?token=${await plain.token('point', 'DC-X1')}`);
      const banner = room.getByTestId('device-error');
      await banner.getByText('Trình duyệt chỉ cho dùng camera và micrô trên địa chỉ an toàn (https://)').waitFor();
      const link = banner.getByTestId('secure-address').getByRole('link');
      expect(await link.getAttribute('href')).toBe(`${new URL(lab.t.url).origin}/join${new URL(room.url()).search}`);
      expect(await room.evaluate(() => window.isSecureContext)).toBe(false);
      // Receive-only, not cut off: it joins the bridge (nothing to receive yet: no hub in this meeting).
      await room.waitForFunction(
        () =>
          (window as unknown as { diemcau?: { media?: { bridge: string | null } } }).diemcau?.media?.bridge ===
          'mediasoup',
        undefined,
        { timeout: 60_000 },
      );
      expect(errors).toEqual([]);
    } finally {
      await plain.close();
    }
  }, 180_000);

  it('coturn accepts the credential the coordinator hands out, and refuses one replayed after its validity', async () => {
    // The coordinator's own credential, as a console gets it (over HTTPS, trusting the internal CA).
    const handed = JSON.parse(
      (
        await getWithCa(
          `${lab.t.url}/api/meetings/m1/ice-servers?token=${await lab.t.token('point', 'DC-X4')}`,
          lab.ca.cert,
        )
      ).body,
    ) as { iceServers: { username?: string }[] };
    const given = handed.iceServers.at(-1)?.username ?? '';
    const udp = `turn:${lab.net.secondHostIp}:3478?transport=udp`;
    const credential = (username: string) => createHmac('sha1', TURN_SECRET).update(username).digest('base64');
    const nowSec = Math.floor(Date.now() / 1000);
    const replayed = `${nowSec - 60}:m1.DC-X4`;
    const relays = (username: string) =>
      lab.hub.evaluate(gatherRelayCandidates, [{ urls: [udp], username, credential: credential(username) }]);
    expect(given).toMatch(/^\d+:m1\.DC-X4$/);
    expect(await relays(given)).toBeGreaterThan(0);
    expect(await relays(replayed)).toBe(0);
  }, 60_000);
});
