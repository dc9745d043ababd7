import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getWithCa, makeTestCa, type TestCa } from '../helpers/certificates.js';
import { startCoturn, type Coturn } from '../helpers/coturn.js';
import { bridgeEnv, BRIDGES } from '../helpers/mediasoup.js';
import { createPointNetwork, PROFILES, type LinkProfile, type PointNetwork } from '../helpers/netns.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { eventually, launchChromium, mediaConnected, slotStats } from './browser.js';
import { pathOf, receivedOver } from './linkStats.js';

const run = promisify(execFile);

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
const TURN_SECRET = 'reach-test-secret-0123456789abcdefghij';
const mediasoupSkip = BRIDGES.find((b) => b.bridge === 'mediasoup')?.skip ?? true;

/**
 * Reaching a room whose network is not the loopback: each room's Chromium runs in a network namespace made here,
 * joined to the host by a veth pair; its firewall (nft) and its link (tc netem) are the ones communes have. The
 * coordinator serves HTTPS with a certificate from an internal CA made here and trusted by the rooms' Chromium (its
 * NSS database); media on real mediasoup; the relay is Debian's coturn with the project's configuration.
 */
describe.skipIf(mediasoupSkip)('[mediasoup] reaching a room through firewalls and weak links', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let ca: TestCa;
  let net: PointNetwork;
  let home: string;
  let t: TestServer;
  let coturn: Coturn;
  let hubBrowser: Browser;
  let roomBrowser: Browser | null = null;
  let hub: Page;

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('diemcau-reach-'));
    ca = await makeTestCa(dir);
    net = await createPointNetwork(dir);
    // The internal CA, trusted by every Chromium started with this HOME (its NSS database), as an office would.
    home = join(dir, 'home');
    const nss = join(home, '.pki', 'nssdb');
    await mkdir(nss, { recursive: true });
    await run('certutil', ['-d', `sql:${nss}`, '-N', '--empty-password']);
    await run('certutil', ['-d', `sql:${nss}`, '-A', '-t', 'C,,', '-n', 'diemcau test CA', '-i', ca.certPath]);
    const coordinator = await ca.issue('coordinator', [net.hostIp]);
    const relay = await ca.issue('relay', [net.secondHostIp]);
    coturn = await startCoturn({
      dir,
      listenIp: net.secondHostIp,
      port: 3478,
      tlsPort: 443,
      secret: TURN_SECRET,
      mediaHostIp: net.hostIp,
      cert: relay.certPath,
      key: relay.keyPath,
    });
    // The coordinator on HTTPS port 443 of the host's end, as a province serves it; media on the same address.
    t = await startTestServer({
      env: await bridgeEnv('mediasoup', {
        HOST: net.hostIp,
        PORT: '443',
        PUBLIC_URL: `https://${net.hostIp}`,
        TLS_CERT: coordinator.certPath,
        TLS_KEY: coordinator.keyPath,
        MEDIA_LISTEN_IP: net.hostIp,
        TURN_URLS: `turn:${net.secondHostIp}:3478?transport=udp,turns:${net.secondHostIp}:443?transport=tcp`,
        TURN_SECRET,
      }),
    });
    await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    // The hub, on the host: a camera at 25 frames a second, so that what a room decodes is the link's doing.
    hubBrowser = await launchChromium({ env: { HOME: home }, fakeFps: 30 });
    hub = await (await hubBrowser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await hub.goto(`${t.url}/join?token=${await t.token('chair')}`);
    await mediaConnected(hub, 60_000);
  }, 180_000);

  afterEach(async () => {
    await roomBrowser?.close();
    roomBrowser = null;
    await run('ip', ['netns', 'exec', net.name, 'nft', 'flush', 'ruleset']).catch(() => undefined);
  });

  afterAll(async () => {
    await hubBrowser?.close();
    await t?.close();
    await coturn?.stop();
    await net?.close();
    await remove?.();
  });

  /** The commune's console, in Chromium inside the room's namespace, over HTTPS. */
  const openRoom = async (pointId: string) => {
    roomBrowser = await launchChromium({ executablePath: net.chromium, env: { HOME: home } });
    const page = await (await roomBrowser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await page.goto(`${t.url}/join?token=${await t.token('point', pointId)}`);
    await mediaConnected(page, 60_000);
    // A secure page, trusted through the internal CA: the browser opened the room's camera.
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await eventually(async () => {
      // The program: the hub's picture while nobody holds the floor.
      const program = (await slotStats(page)).find((s) => ['program', 'hub'].includes(s.purpose) && s.kind === 'video');
      expect(program?.framesDecoded ?? 0).toBeGreaterThan(10);
    }, 60_000);

    return page;
  };

  it('a room whose UDP is dropped connects over ICE-TCP to the media host and decodes the program', async () => {
    await net.blockUdp();
    const room = await openRoom('DC-X1');
    // Chromium's side of ICE-TCP is an active candidate, learned by the bridge as peer-reflexive: straight, not relayed.
    const path = await pathOf(room);
    expect(path?.protocol).toBe('tcp');
    expect(path?.candidateType).not.toBe('relay');
  }, 180_000);

  it('a room that reaches only TCP 443 connects through TURN over TLS and decodes the program', async () => {
    await net.onlyHttps();
    const room = await openRoom('DC-X2');
    expect(await pathOf(room)).toMatchObject({ candidateType: 'relay', relayProtocol: 'tls' });
    expect(await coturn.log()).toContain('TLS');
  }, 180_000);

  it('coturn accepts the credential the coordinator hands out, and refuses one replayed after its validity', async () => {
    // The coordinator's own credential, as a console gets it (over HTTPS, trusting the internal CA).
    const handed = JSON.parse(
      (await getWithCa(`${t.url}/api/meetings/m1/ice-servers?token=${await t.token('point', 'DC-X4')}`, ca.cert)).body,
    ) as { iceServers: { username?: string }[] };
    const given = handed.iceServers.at(-1)?.username ?? '';
    const udp = `turn:${net.secondHostIp}:3478?transport=udp`;
    const credential = (username: string) => createHmac('sha1', TURN_SECRET).update(username).digest('base64');
    const nowSec = Math.floor(Date.now() / 1000);
    const replayed = `${nowSec - 60}:m1.DC-X4`;
    const relays = (username: string) =>
      hub.evaluate(gatherRelayCandidates, [{ urls: [udp], username, credential: credential(username) }]);
    expect(given).toMatch(/^\d+:m1\.DC-X4$/);
    expect(await relays(given)).toBeGreaterThan(0);
    expect(await relays(replayed)).toBe(0);
  }, 60_000);

  it('a room on a poor link (3 % loss, 512 kbit/s, and 200 ms where the kernel has netem) keeps decoding the program at 15 fps or more, its sound concealed under 5 %', async () => {
    const [clean, , poor] = PROFILES as [LinkProfile, LinkProfile, LinkProfile, LinkProfile];
    await net.shape(poor);
    try {
      const room = await openRoom('DC-X3');
      // After the bridge has settled on the layer this link carries, ten seconds of what arrives.
      await eventually(async () => expect((await receivedOver(room, 3000)).fps).toBeGreaterThanOrEqual(15), 60_000);
      const received = await receivedOver(room, 10_000);
      expect(received.fps).toBeGreaterThanOrEqual(15);
      expect(received.concealedPct).toBeLessThan(5);
    } finally {
      await net.shape(clean);
    }
  }, 240_000);
});
