import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { makeTestCa, type TestCa } from '../helpers/certificates.js';
import { startCoturn, type Coturn } from '../helpers/coturn.js';
import { bridgeEnv } from '../helpers/mediasoup.js';
import { createPointNetwork, type PointNetwork } from '../helpers/netns.js';
import { until } from '../helpers/poll.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { launchChromium, mediaConnected, slotStats } from './browser.js';

const run = promisify(execFile);
export const TURN_SECRET = 'reach-test-secret-0123456789abcdefghij';

/**
 * Opens a page, again if Chromium saw the network change under it (the lab's veth pair and addresses appear while a
 * browser starts, and Chromium aborts a navigation with ERR_NETWORK_CHANGED then).
 */
export async function gotoSteady(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await page.goto(url);

      return;
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('ERR_NETWORK_CHANGED')) {
        throw error;
      }
    }
  }
}

/** Everything a room far from the coordinator needs, made for one test file or one benchmark run. */
export interface ReachLab {
  t: TestServer;
  net: PointNetwork;
  ca: TestCa;
  coturn: Coturn;
  /** The hub's chair console, on the host. */
  hub: Page;
  /**
   * Opens a commune's console in Chromium inside the room's namespace, over HTTPS, and waits until it decodes the
   * program; resolves with the page and the milliseconds from opening to the first decoded frames.
   */
  openRoom(pointId: string): Promise<{ page: Page; firstFrameMs: number }>;
  /** A Chromium inside the room's namespace (trusting the internal CA), closed by `closeRoom`. */
  launchRoom(): Promise<Browser>;
  /** Closes the room's browser and lifts its firewall. */
  closeRoom(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A room whose network is not the loopback: its Chromium runs in a network namespace made here, joined to the host by
 * a veth pair (firewall: nftables; link: tc). The coordinator serves HTTPS on port 443 of the host's end with a
 * certificate from an internal CA made here and trusted by the rooms' Chromium (its NSS database); media on real
 * mediasoup on the same address; the relay is Debian's coturn with the project's configuration, on a second address.
 */
export async function startReachLab(): Promise<ReachLab> {
  const { dir, remove } = await tempDir('diemcau-reach-');
  const ca = await makeTestCa(dir);
  const net = await createPointNetwork(dir);
  const home = join(dir, 'home');
  const nss = join(home, '.pki', 'nssdb');
  await mkdir(nss, { recursive: true });
  await run('certutil', ['-d', `sql:${nss}`, '-N', '--empty-password']);
  await run('certutil', ['-d', `sql:${nss}`, '-A', '-t', 'C,,', '-n', 'diemcau test CA', '-i', ca.certPath]);
  const coordinator = await ca.issue('coordinator', [net.hostIp]);
  const relay = await ca.issue('relay', [net.secondHostIp]);
  const coturn = await startCoturn({
    dir,
    listenIp: net.secondHostIp,
    port: 3478,
    tlsPort: 443,
    secret: TURN_SECRET,
    mediaHostIp: net.hostIp,
    cert: relay.certPath,
    key: relay.keyPath,
  });
  const t = await startTestServer({
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
  const hubBrowser = await launchChromium({ env: { HOME: home }, fakeFps: 30 });
  const hub = await (await hubBrowser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await gotoSteady(hub, `${t.url}/join?token=${await t.token('chair')}`);
  await mediaConnected(hub, 60_000);
  let roomBrowser: Browser | null = null;

  const closeRoom = async () => {
    await roomBrowser?.close();
    roomBrowser = null;
    await run('ip', ['netns', 'exec', net.name, 'nft', 'flush', 'ruleset']).catch(() => undefined);
  };

  const launchRoom = async () => {
    roomBrowser = await launchChromium({ executablePath: net.chromium, env: { HOME: home } });

    return roomBrowser;
  };

  return {
    t,
    net,
    ca,
    coturn,
    hub,
    launchRoom,
    async openRoom(pointId) {
      const context = await (await launchRoom()).newContext({ viewport: { width: 1280, height: 720 } });
      // The benchmark runs under tsx, whose compiled functions name themselves through `__name`: pages need it too.
      await context.addInitScript({ content: 'window.__name = (f) => f;' });
      const page = await context.newPage();
      const opened = Date.now();
      await gotoSteady(page, `${t.url}/join?token=${await t.token('point', pointId)}`);
      await mediaConnected(page, 60_000);
      // The program: the hub's picture while nobody holds the floor.
      await until(
        async () =>
          ((await slotStats(page)).find((s) => ['program', 'hub'].includes(s.purpose) && s.kind === 'video')
            ?.framesDecoded ?? 0) > 0,
        60_000,
        `${pointId} decodes the program`,
      );

      return { page, firstFrameMs: Date.now() - opened };
    },
    closeRoom,
    async close() {
      await closeRoom();
      await hubBrowser.close();
      await t.close();
      await coturn.stop();
      await net.close();
      await remove();
    },
  };
}
