import { chromium, type Browser, type Page } from 'playwright-core';
import type { Role } from '../../server/domain/core/model.js';
import { useLabelledCamera, type LabelledCamera } from './labelledCamera.js';

/**
 * Debian's Chromium with fake camera and microphone, loopback candidates allowed, no background traffic. The fake
 * camera runs at 15 frames a second (20 by default): four to six pages encode and decode video on two cores, and a
 * quarter less work kept later joins from queueing behind the earlier pages' frames. Still above `LINK_MIN_FPS`.
 */
export async function launchChromium({
  executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args = [],
  env,
  fakeFps = 15,
}: {
  /** The fake camera's frame rate. */
  fakeFps?: number;
  /** Another Chromium launcher (one that runs it inside a room's network namespace). */
  executablePath?: string;
  args?: string[];
  env?: Record<string, string>;
} = {}): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
    args: [
      ...args,
      '--no-sandbox',
      '--headless',
      `--use-fake-device-for-media-stream=fps=${fakeFps}`,
      '--use-fake-ui-for-media-stream',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
      '--disable-quic',
      // The bridge listens on 127.0.0.1 in tests; Chromium skips loopback candidates unless told.
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface SlotStats {
  mid: string;
  kind: string;
  purpose: string;
  source: string | null;
  framesDecoded: number;
  bytesReceived: number;
  frameWidth: number;
  frameHeight: number;
  audioEnergy: number;
}

/** Handle the consoles leave on `window` for browser tests (see client/src/media/useMedia.ts). */
interface TestHandle {
  diemcau?: {
    media?: {
      connectionState: RTCPeerConnectionState | null;
      bridge: string | null;
      slotStats(): Promise<SlotStats[]>;
    };
    socket?: { id: string };
  };
}

/** Inbound RTP per receive slot of the page's media client, with the slot's label (either bridge). */
export function slotStats(page: Page): Promise<SlotStats[]> {
  return page.evaluate(async () => (await (window as TestHandle).diemcau?.media?.slotStats()) ?? []);
}

/** Opens a console for a role (and point) in its own browser context and waits for its media; returns page and id. */
export async function openMediaPage(
  browser: Browser,
  t: { url: string; token(role: Role, pointId?: string): Promise<string> },
  role: Role,
  pointId: string | undefined,
  viewport: { width: number; height: number },
  connectTimeoutMs?: number,
  /** The room's own labelled camera instead of the browser's shared fake one. */
  camera?: LabelledCamera,
): Promise<{ page: Page; id: string }> {
  const context = await browser.newContext({ viewport });
  if (camera !== undefined) {
    await useLabelledCamera(context, camera);
  }
  const page = await context.newPage();
  await page.goto(`${t.url}/join?token=${await t.token(role, pointId)}`);

  return { page, id: await mediaConnected(page, connectTimeoutMs) };
}

/** The media suites' standing meeting: the hub's chair console and two rooms (more pages starve two cores). */
export const HUB_AND_TWO_POINTS = [
  ['hub', 'chair', undefined],
  ['x1', 'point', 'DC-X1'],
  ['x2', 'point', 'DC-X2'],
] as const;

/** Opens a media page per named console, one after the other, filling `pages` and `ids` (socket ids) by name. */
export async function openMediaPages(
  browser: Browser,
  t: { url: string; token(role: Role, pointId?: string): Promise<string> },
  consoles: readonly (readonly [name: string, role: Role, pointId: string | undefined])[],
  into: { pages: Map<string, Page>; ids: Map<string, string> },
  viewport = { width: 1366, height: 768 },
): Promise<void> {
  for (const [name, role, pointId] of consoles) {
    const { page, id } = await openMediaPage(browser, t, role, pointId, viewport);
    into.ids.set(name, id);
    into.pages.set(name, page);
  }
}

/** Waits until the page's media connections to the bridge are all connected; resolves with its socket id. */
export async function mediaConnected(page: Page, timeoutMs = 20_000): Promise<string> {
  await page.waitForFunction(() => (window as TestHandle).diemcau?.media?.connectionState === 'connected', undefined, {
    timeout: timeoutMs,
  });

  return page.evaluate(() => (window as TestHandle).diemcau?.socket?.id ?? '');
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` passes (it throws until then), or fails with its last error. */
export async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      await check();

      return;
    } catch (error) {
      if (Date.now() - started > timeoutMs) {
        throw error;
      }
      await wait(500);
    }
  }
}

/** A console page for a join token, at a screen size, with page errors collected (a test asserts there are none). */
export async function openConsole(
  browser: Browser,
  url: string,
  token: string,
  viewport: { width: number; height: number } = { width: 1920, height: 1080 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}/join?token=${token}`);
  // Bounded generously: with the whole suite and hundreds of simulated points on two cores, a console's first
  // render has been seen to take past 20 s (the header already there, the page too busy to report it).
  await page.waitForSelector('header.top', { timeout: 60_000 });

  return { page, errors };
}

/** Waits until a console's video tile plays real frames (its video has a size and its time advances). */
export async function waitForVideo(page: Page, testId: string, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const video = document.querySelector<HTMLVideoElement>(`[data-testid=${id}] video`);

      return video !== null && video.videoWidth > 0 && video.currentTime > 0.5;
    },
    testId,
    { timeout: timeoutMs },
  );
}

/** The SHA-256 of the pixels a console's slide canvas shows, and which page it says it drew. */
export function slideDigest(page: Page): Promise<{ drawn: string; digest: string }> {
  return page.evaluate(async () => {
    const figure = document.querySelector<HTMLElement>('[data-testid=slide-page]');
    const canvas = figure?.querySelector('canvas');
    if (figure == null || canvas == null || canvas.width === 0) {
      return { drawn: '', digest: '' };
    }
    const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    const hash = await crypto.subtle.digest('SHA-256', pixels ?? new Uint8ClampedArray());

    return {
      drawn: figure.dataset.drawn ?? '',
      digest: Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join(''),
    };
  });
}

/**
 * Where an element is on the screen as the page opened it, without scrolling (a click would scroll to it first): what
 * a person sees at once. `null` when it is not on the page.
 */
export async function placeOnScreen(
  page: Page,
  testId: string,
): Promise<{ top: number; bottom: number; left: number; right: number; fits: boolean } | null> {
  return page.getByTestId(testId).evaluate((el) => {
    const box = el.getBoundingClientRect();
    const scrolled = document.scrollingElement?.scrollTop ?? 0;
    const top = box.top + scrolled;
    const bottom = box.bottom + scrolled;

    return {
      top,
      bottom,
      left: box.left,
      right: box.right,
      fits: top >= 0 && bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth,
    };
  });
}
