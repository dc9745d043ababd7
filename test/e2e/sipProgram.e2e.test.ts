import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { smallDirectory } from '../helpers/domain.js';
import { baresipAvailable, meanColour, startBaresipRoom, type BaresipRoom } from '../helpers/baresip.js';
import { uploadReady } from '../helpers/documents.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { testPdf } from '../helpers/pdf.js';
import { freePort } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { CAMERA_COLOURS } from './labelledCamera.js';
import { eventually, launchChromium, openMediaPage } from './browser.js';

const HUB = { label: 'Hội trường tỉnh', rgb: [...CAMERA_COLOURS.blue] as [number, number, number] };

/** Whether a colour is a camera's, within what two encodings keep. */
const looksLike = (colour: [number, number, number], rgb: readonly number[]) =>
  rgb.every((v, i) => Math.abs(v - (colour[i] ?? 0)) < 60);

/** Regions of a room's received picture scaled to 64×36: the corner where the speaker sits beside content, and the rest. */
const CORNER = { x: 48, y: 27, width: 14, height: 7 };
const CONTENT = { x: 4, y: 2, width: 36, height: 20 };

/**
 * What hardware rooms receive beyond the picture of the speaker: the program's sound in the one codec each room
 * speaks (G.711 only, Opus only), and a page of the meeting's slides with the speaker small in its corner, as the
 * consoles show content beside the speaker.
 */
describe.skipIf(!mediasoupAvailable() || (!baresipAvailable() && process.env.CI !== 'true'))(
  "[mediasoup] the program as hardware rooms receive it: every room's codec, content beside the speaker",
  () => {
    let t: TestServer;
    let browser: Browser;
    let alaw: BaresipRoom;
    let opus: BaresipRoom;
    /** A room that requires SRTP (SDES): its streams are decrypted and protected again at its relay. */
    let secure: BaresipRoom;
    let dialIn: string;
    let chair: Page;

    beforeAll(async () => {
      const sipPort = await freePort();
      t = await startTestServer({
        env: await bridgeEnv('mediasoup', {
          SIP_PORT: String(sipPort),
          PROGRAM_FPS: '15',
          LOG_LEVEL: process.env.SIP_DEBUG === undefined ? 'silent' : 'info',
        }),
      });
      alaw = await startBaresipRoom({
        user: 'phonghop-g711',
        rgb: [...CAMERA_COLOURS.red],
        ip: '127.0.0.2',
        audioCodecs: ['PCMA/8000/1'],
      });
      opus = await startBaresipRoom({
        user: 'phonghop-opus',
        rgb: [...CAMERA_COLOURS.magenta],
        ip: '127.0.0.3',
        audioCodecs: ['opus/48000/2'],
      });
      secure = await startBaresipRoom({
        user: 'phonghop-h1',
        rgb: [...CAMERA_COLOURS.cyan],
        ip: '127.0.0.4',
        srtp: true,
      });
      const addresses: Record<string, string> = {
        'DC-X1': alaw.address,
        'DC-X3': opus.address,
        'DC-H1': secure.address,
      };
      const directory = smallDirectory();
      for (const point of directory.points) {
        point.sipUri = addresses[point.code] ?? null;
      }
      await t.server.meetings.replaceDirectory(directory);
      // m1 was made before the rooms' addresses were on file: it recognises them all the same.
      await t.meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
      dialIn = t.server.sip?.dialInUri(t.meeting.state.def.conferenceNumber ?? '') ?? '';
      browser = await launchChromium();
      ({ page: chair } = await openMediaPage(
        browser,
        { url: t.url, token: (role, pointId) => t.token(role, pointId) },
        'chair',
        undefined,
        { width: 1280, height: 720 },
        undefined,
        HUB,
      ));
      await alaw.dial(dialIn);
      await opus.dial(dialIn);
      await eventually(async () => {
        const calls = t.server.sip?.calls.callsOf('m1') ?? [];
        expect(
          calls
            .filter((c) => c.state === 'connected')
            .map((c) => c.pointId)
            .sort(),
        ).toEqual(['DC-X1', 'DC-X3']);
      }, 30_000);
    }, 120_000);

    afterAll(async () => {
      if (process.env.SIP_DEBUG !== undefined) {
        process.stdout.write(`G711-LOG\n${alaw?.log() ?? ''}\nOPUS-LOG\n${opus?.log() ?? ''}\n`);
      }
      await alaw?.close();
      await opus?.close();
      await secure?.close();
      await browser?.close();
      await t?.close();
    });

    it('a room that speaks only G.711, and one that speaks only Opus, each hear the meeting in their own codec', async () => {
      const calls = t.server.sip?.calls.callsOf('m1') ?? [];
      expect(calls.find((c) => c.pointId === 'DC-X1')?.audio).toBe('PCMA');
      expect(calls.find((c) => c.pointId === 'DC-X3')?.audio).toBe('opus');
      // The hub's microphone (Chromium's fake one beeps) in the program's sound, decoded by each room: well above
      // the silence they heard before (a room hears no prompt when it is known by its address).
      await eventually(async () => {
        expect(alaw.heardLevel(3000)).toBeGreaterThan(300);
        expect(opus.heardLevel(3000)).toBeGreaterThan(300);
      }, 30_000);
    }, 60_000);

    it("a page of slides on show is the rooms' picture, with the speaker small in its corner; the speaker fills it again after", async () => {
      const hubFills = async (room: BaresipRoom) => {
        const picture = await room.receivedPicture();
        expect(picture).not.toBeNull();
        expect(looksLike(meanColour(picture ?? Buffer.alloc(0), CONTENT), HUB.rgb)).toBe(true);
      };
      await eventually(() => hubFills(alaw), 30_000);
      const documentId = await uploadReady(t, testPdf(2), 'Báo cáo kinh tế – xã hội.pdf');
      await t.meeting.execute({ type: 'slides.show', documentId, page: 1 }, { role: 'chair' });
      for (const room of [alaw, opus]) {
        await eventually(async () => {
          const picture = await room.receivedPicture();
          expect(picture).not.toBeNull();
          const page = meanColour(picture ?? Buffer.alloc(0), CONTENT);
          // A page is mostly white paper; the hub's blue camera is in the corner only.
          expect(Math.min(...page)).toBeGreaterThan(170);
          expect(looksLike(meanColour(picture ?? Buffer.alloc(0), CORNER), HUB.rgb)).toBe(true);
        }, 30_000);
      }
      await t.meeting.execute({ type: 'content.stop' }, { role: 'chair' });
      await eventually(() => hubFills(opus), 30_000);
    }, 120_000);

    it("the hub's shared screen is the rooms' picture, with the speaker small in its corner", async () => {
      await chair.getByRole('tab', { name: 'Tài liệu' }).click();
      await chair.getByTestId('share-screen').click();
      await eventually(async () => expect(t.meeting.state.content).toMatchObject({ kind: 'screen' }));
      await eventually(async () => {
        const picture = await alaw.receivedPicture();
        expect(picture).not.toBeNull();
        // Chromium's fake screen is not the hub's blue camera; the camera is in the corner.
        expect(looksLike(meanColour(picture ?? Buffer.alloc(0), CONTENT), HUB.rgb)).toBe(false);
        expect(looksLike(meanColour(picture ?? Buffer.alloc(0), CORNER), HUB.rgb)).toBe(true);
      }, 30_000);
      await chair.getByTestId('stop-content').click();
      await eventually(async () => {
        const picture = await alaw.receivedPicture();
        expect(looksLike(meanColour(picture ?? Buffer.alloc(0), CONTENT), HUB.rgb)).toBe(true);
      }, 30_000);
    }, 90_000);

    it('a room that requires SRTP receives the program and hears it: its relay decrypts and protects again, with its own payload types', async () => {
      await secure.dial(dialIn);
      await eventually(async () => expect(t.meeting.state.points['DC-H1']?.connected).toBe(true), 30_000);
      expect(t.server.sip?.calls.callsOf('m1').find((c) => c.pointId === 'DC-H1')).toMatchObject({
        video: 'H264',
        audio: 'G722',
      });
      await eventually(async () => {
        const picture = await secure.receivedPicture();
        expect(picture).not.toBeNull();
        expect(looksLike(meanColour(picture ?? Buffer.alloc(0), CONTENT), HUB.rgb)).toBe(true);
      }, 30_000);
      await eventually(async () => expect(secure.heardLevel(3000)).toBeGreaterThan(300), 30_000);
      // Its own picture reaches the bridge decrypted.
      await eventually(async () => {
        const streams = (await t.server.media.bridge.plain?.streamStats('sip:m1:DC-H1')) ?? [];
        expect(streams.find((s) => s.kind === 'video')?.bitrate ?? 0).toBeGreaterThan(0);
      }, 30_000);
    }, 90_000);

    it('a room not on file that requires SRTP hears the prompt and keys its PIN through its relay', async () => {
      const unlisted = await startBaresipRoom({
        user: 'phonghop-lạ',
        rgb: [...CAMERA_COLOURS.orange],
        ip: '127.0.0.5',
        srtp: true,
      });
      onTestFinished(() => unlisted.close());
      const access = (await (
        await fetch(`${t.url}/api/meetings/m1/sip-pins`, { headers: { 'x-api-key': ADMIN_KEY } })
      ).json()) as { pins: Record<string, string> };
      const pin = access.pins['DC-X4'] ?? '';
      const callOf = () => t.server.sip?.calls.callsOf('m1').find((c) => c.address.includes('127.0.0.5'));
      await unlisted.dial(dialIn);
      await eventually(async () => expect(callOf()?.state).toBe('enteringPin'), 20_000);
      // The prompt, said in the room's stream and protected with our key: the room decrypts and plays it.
      await eventually(async () => expect(unlisted.heardLevel()).toBeGreaterThan(500), 15_000);
      expect(t.meeting.state.points['DC-X4']?.connected).toBe(false);
      await unlisted.sendDigits(`${pin}#`);
      await eventually(async () => {
        expect(t.meeting.state.points['DC-X4']?.connected).toBe(true);
        expect(callOf()).toMatchObject({ pointId: 'DC-X4', state: 'connected' });
      }, 20_000);
    }, 90_000);
  },
);
