import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { baresipAvailable, startBaresipRoom, type BaresipRoom } from '../helpers/baresip.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { freePort, until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import type { Role } from '../../server/domain/core/model.js';
import type { MeetingRuntime } from '../../server/meetings/MeetingRuntime.js';
import { CAMERA_COLOURS, whoseTile } from './labelledCamera.js';
import { eventually, launchChromium, openConsole, openMediaPage, slotStats } from './browser.js';

const ROOM = { label: 'Phòng họp xã Tân Sơn (SIP)', rgb: [...CAMERA_COLOURS.red] as [number, number, number] };
const HUB = { label: 'Hội trường tỉnh', rgb: [...CAMERA_COLOURS.blue] as [number, number, number] };
const X2 = { label: 'Xã Hòa Lâm', rgb: [...CAMERA_COLOURS.yellow] as [number, number, number] };

/** Whether a colour is a camera's, within what two encodings keep. */
const looksLike = (colour: [number, number, number] | null, camera: { rgb: [number, number, number] }) =>
  colour !== null && camera.rgb.every((v, i) => Math.abs(v - (colour[i] ?? 0)) < 60);

/**
 * A hardware room system (a real baresip: H.264 by libx264, G.722) dials a meeting's conference number on mediasoup.
 * The coordinator recognises it by its From address, puts its camera and microphone on the bridge as its point's,
 * counts it present; the chair's console in Chromium shows its picture (red, 640×360) when it holds the floor and
 * hears it; its hang-up is an outage in the attendance, and calling again resumes.
 */
describe.skipIf(!mediasoupAvailable() || (!baresipAvailable() && process.env.CI !== 'true'))(
  '[mediasoup] a hardware room over SIP',
  () => {
    let t: TestServer;
    let browser: Browser;
    let room: BaresipRoom;
    let called: BaresipRoom;
    let secure: BaresipRoom;
    /** A room whose address the directory does not hold: it keys its point's PIN. */
    let unlisted: BaresipRoom;
    /** A room behind NAT: it registers with its point's password and is called where it registered. */
    let registered: BaresipRoom | undefined;
    let sipPort: number;
    let meeting: MeetingRuntime;
    let chair: Page;
    let technician: Page;
    let dialIn: string;
    const participantId = () => `sip:${meeting.id}:DC-X1`;

    beforeAll(async () => {
      sipPort = await freePort();
      t = await startTestServer({
        env: await bridgeEnv('mediasoup', {
          SIP_PORT: String(sipPort),
          PROGRAM_FPS: '15',
          LOG_LEVEL: process.env.SIP_DEBUG === undefined ? 'silent' : 'warn',
        }),
      });
      room = await startBaresipRoom({ user: 'phonghop-x1', rgb: ROOM.rgb });
      called = await startBaresipRoom({ user: 'phonghop-x3', rgb: [...CAMERA_COLOURS.magenta], ip: '127.0.0.3' });
      secure = await startBaresipRoom({
        user: 'phonghop-h1',
        rgb: [...CAMERA_COLOURS.cyan],
        ip: '127.0.0.4',
        srtp: true,
      });
      unlisted = await startBaresipRoom({ user: 'phonghop-x4', rgb: [...CAMERA_COLOURS.orange], ip: '127.0.0.5' });
      const directory = smallDirectory();
      for (const point of directory.points) {
        point.sipUri =
          point.code === 'DC-X1'
            ? room.address
            : point.code === 'DC-X3'
              ? called.address
              : point.code === 'DC-H1'
                ? secure.address
                : null;
      }
      await t.server.meetings.replaceDirectory(directory);
      meeting = await t.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'sip1' });
      await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
      await meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
      const number = meeting.state.def.conferenceNumber ?? '';
      expect(number).toMatch(/^[1-9][0-9]{5}$/);
      dialIn = t.server.sip?.dialInUri(number) ?? '';
      expect(dialIn).toBe(`sip:${number}@127.0.0.1:${sipPort}`);
      browser = await launchChromium();
      const site = { url: t.url, token: (role: Role, pointId?: string) => t.token(role, pointId, 'sip1') };
      ({ page: chair } = await openMediaPage(
        browser,
        site,
        'chair',
        undefined,
        { width: 1366, height: 768 },
        undefined,
        HUB,
      ));
      await openMediaPage(browser, site, 'point', 'DC-X2', { width: 1280, height: 720 }, undefined, X2);
    }, 120_000);

    afterAll(async () => {
      if (process.env.SIP_DEBUG !== undefined) {
        process.stdout.write(room?.log() ?? '');
        process.stdout.write('CALLED-LOG\n' + (called?.log() ?? ''));
        process.stdout.write('SECURE-LOG\n' + (secure?.log() ?? ''));
        process.stdout.write('UNLISTED-LOG\n' + (unlisted?.log() ?? ''));
      }
      await room?.close();
      await called?.close();
      await secure?.close();
      await unlisted?.close();
      await registered?.close();
      await browser?.close();
      await t?.close();
    });

    it('dials in, is recognised by its From address and counts as its point, present', async () => {
      await room.dial(dialIn);
      await eventually(async () => {
        expect(meeting.state.points['DC-X1']?.connected).toBe(true);
        // Its link in the technicians' table, from the RTCP and counters of what it sends.
        expect(t.server.telemetry.latest('sip1').find((row) => row.pointId === 'DC-X1')?.kbpsIn ?? 0).toBeGreaterThan(
          0,
        );
        expect(t.server.sip?.calls.callsOf('sip1')).toEqual([
          expect.objectContaining({
            pointId: 'DC-X1',
            state: 'connected',
            words: 'đã kết nối',
            video: 'H264',
            audio: 'G722',
          }),
        ]);
      });
      const stats = await t.server.media.bridge.plain?.streamStats(participantId());
      await eventually(async () => {
        const now = (await t.server.media.bridge.plain?.streamStats(participantId())) ?? [];
        expect(now.find((s) => s.kind === 'video')?.bytesReceived ?? 0).toBeGreaterThan(
          stats?.find((s) => s.kind === 'video')?.bytesReceived ?? 0,
        );
      });
    }, 60_000);

    it('the technician sees the room in the link table as a SIP device, with its codecs and its health', async () => {
      ({ page: technician } = await openConsole(browser, t.url, await t.token('technician', undefined, 'sip1'), {
        width: 1366,
        height: 768,
      }));
      const row = technician.locator('[data-testid=link-table] tr[data-point="DC-X1"]');
      await row.locator('[data-testid=sip-device]').waitFor({ timeout: 30_000 });
      expect((await row.locator('[data-testid=sip-device]').innerText()).trim()).toBe('Thiết bị SIP · H264/G722');
      expect(await row.getAttribute('data-health')).toBe('stable');
      // The calls panel: where rooms dial in, and this call in words.
      const panel = technician.locator('[data-testid=sip-calls]');
      await panel.waitFor({ timeout: 10_000 });
      expect(await panel.locator('[data-testid=sip-dial-in]').innerText()).toBe(dialIn);
      await eventually(async () =>
        expect(await panel.locator('li[data-point="DC-X1"]').innerText()).toBe(
          'Điểm cầu Xã Tân Sơn — đã kết nối (H264/G722)',
        ),
      );
    }, 60_000);

    it('receives the program encoded once: the hub, then the floor holder after a grant, then the hub again', async () => {
      await eventually(async () => {
        const colour = await room.receivedColour();
        if (process.env.SIP_DEBUG !== undefined) {
          process.stdout.write(`[sip] room receives ${JSON.stringify(colour)}\n`);
        }
        expect(looksLike(colour, HUB)).toBe(true);
      }, 60_000);
      const encoder = await t.server.sip?.program.encoderOf('sip1');
      expect(encoder?.framesSent ?? 0).toBeGreaterThan(0);
      // X2 asks first, as a commune does: at the head of the queue its picture is decoded ahead (kept warm), so that
      // the grant switches the program at once.
      await meeting.execute(
        { type: 'floor.request', pointId: 'DC-X2', kind: 'speech' },
        { role: 'point', pointId: 'DC-X2' },
      );
      const x2 = t.server.media.participantsOf('sip1').find((p) => p.pointId === 'DC-X2')?.id ?? '';
      await eventually(async () => expect(encoder?.picturesDecoded).toContain(x2), 30_000);
      expect(looksLike(await room.receivedColour(), HUB)).toBe(true);
      const granted = Date.now();
      await meeting.execute({ type: 'floor.grant', pointId: 'DC-X2' }, { role: 'chair' });
      const inProgram = until(() => encoder?.showing === x2, 30_000, 'the program showing X2').then(
        () => Date.now() - granted,
      );
      // The room's snapshot is of the next picture it decodes after it is asked: the switch reached the room before the
      // first snapshot asked for that shows the new floor holder.
      let askedAt = 0;
      await eventually(async () => {
        askedAt = Date.now();
        expect(looksLike(await room.receivedColour(), X2)).toBe(true);
      }, 30_000);
      process.stdout.write(
        `[sip] the program showed the new floor holder ${await inProgram} ms after the grant; the room's first snapshot showing it was asked ${askedAt - granted} ms after the grant\n`,
      );
      await meeting.execute({ type: 'floor.revoke' }, { role: 'chair' });
      await eventually(async () => expect(looksLike(await room.receivedColour(), HUB)).toBe(true), 30_000);
    }, 150_000);

    it('keys on its remote (RFC 4733): "1" answers the roll call, "*" asks for the floor, "#" withdraws', async () => {
      await meeting.execute({ type: 'rollcall.start' }, { role: 'chair' });
      await room.sendDigits('1');
      await eventually(async () =>
        expect(meeting.state.rollCalls.at(-1)?.confirmations['DC-X1']?.presiding.name).toBe(
          'Xác nhận từ thiết bị hội nghị',
        ),
      );
      await room.sendDigits('*');
      await eventually(async () =>
        expect(meeting.state.queue.map((id) => meeting.state.requests[id]?.pointId)).toEqual(['DC-X1']),
      );
      await room.sendDigits('#');
      await eventually(async () => expect(meeting.state.queue).toEqual([]));
      await room.sendDigits('*');
      await eventually(async () => expect(meeting.state.queue).toHaveLength(1));
    }, 60_000);

    it("a console of the point beside the codec controls the room: told the codec sends, it answers a roll call with the headcount and asks with a topic, while the room's media stays the codec's", async () => {
      const { page: companion } = await openConsole(browser, t.url, await t.token('point', 'DC-X1', 'sip1'), {
        width: 1366,
        height: 768,
      });
      await companion.getByTestId('companion').waitFor({ timeout: 30_000 });
      expect(await companion.getByTestId('companion').innerText()).toContain('Điều khiển kèm thiết bị');
      expect(await companion.getByTestId('self-view').innerText()).toContain('Thiết bị hội nghị đang gửi hình');
      expect(await companion.getByTestId('take-over').count()).toBe(0);
      // The room's picture and sound are still the codec's: no page of the point is on the bridge.
      const onBridge = t.server.media.participantsOf('sip1').filter((p) => p.pointId === 'DC-X1');
      expect(onBridge.map((p) => [p.id, p.device])).toEqual([[participantId(), 'sip']]);
      // A roll call answered in full from the console (the remote's "1" cannot say who presides).
      await meeting.execute({ type: 'rollcall.close' }, { role: 'chair' });
      await meeting.execute({ type: 'rollcall.start' }, { role: 'chair' });
      await companion.getByTestId('rollcall-confirm').waitFor({ timeout: 30_000 });
      await companion.locator('input[name="headcount"]').fill('17');
      await companion.locator('input[name="presidingName"]').fill('Hoàng Thị Mai');
      await companion.locator('input[name="presidingTitle"]').fill('Chủ tịch UBND xã');
      await companion.getByTestId('rollcall-confirm').click();
      await eventually(async () =>
        expect(meeting.state.rollCalls.at(-1)?.confirmations['DC-X1']).toMatchObject({
          headcount: 17,
          presiding: { name: 'Hoàng Thị Mai', title: 'Chủ tịch UBND xã' },
        }),
      );
      // The request the remote made shows here; withdrawn, and asked again with a topic.
      await companion.getByTestId('request-state').waitFor();
      await companion.getByTestId('request-state').getByRole('button').click();
      await eventually(async () => expect(meeting.state.queue).toEqual([]));
      await companion.locator('textarea[name="topic"], input[name="topic"]').fill('Đường giao thông liên xã');
      await companion.getByTestId('request-floor').click();
      await eventually(async () =>
        expect(meeting.state.queue.map((id) => meeting.state.requests[id]?.topic)).toEqual([
          'Đường giao thông liên xã',
        ]),
      );
      expect(t.server.media.participantsOf('sip1').filter((p) => p.pointId === 'DC-X1')).toHaveLength(1);
      await companion.context().close();
    }, 90_000);

    it('the chair sees the room in the program while it holds the floor, at the size it sends, and hears it', async () => {
      await meeting.execute({ type: 'floor.grant', pointId: 'DC-X1' }, { role: 'chair' });
      await eventually(
        async () => expect(await whoseTile(chair, 'program-speaker', { room: ROOM })).toBe('room'),
        30_000,
      );
      await eventually(async () => {
        const slots = await slotStats(chair);
        const video = slots.find((s) => s.kind === 'video' && s.source === participantId());
        expect(video?.framesDecoded ?? 0).toBeGreaterThan(15);
        expect([video?.frameWidth, video?.frameHeight]).toEqual([640, 360]);
        const audio = slots.find((s) => s.kind === 'audio' && s.source === participantId());
        expect(audio?.audioEnergy ?? 0).toBeGreaterThan(0);
      }, 30_000);
    }, 90_000);

    it('a hang-up is an outage in the attendance; calling again resumes', async () => {
      await room.hangUp();
      await eventually(async () => expect(meeting.state.points['DC-X1']?.connected).toBe(false));
      expect(t.server.sip?.calls.callsOf('sip1')).toEqual([
        expect.objectContaining({ pointId: 'DC-X1', state: 'ended', words: 'đã kết thúc' }),
      ]);
      await room.dial(dialIn);
      await eventually(async () => expect(meeting.state.points['DC-X1']?.connected).toBe(true));
      const presence = meeting.state.points['DC-X1']?.presence.map((p) => p.connected);
      expect(presence).toEqual([true, false, true]);
    }, 60_000);

    it('calls a room ("Gọi điểm cầu"): it rings, answers by itself, is present and receives the program', async () => {
      const api = (path: string, method = 'POST') =>
        fetch(`${t.url}/api/meetings/sip1${path}`, { method, headers: { 'x-api-key': ADMIN_KEY } });
      const missing = await api('/points/DC-X4/dial');
      expect(missing.status).toBe(409);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NO_SIP_ADDRESS');
      // The technician calls the room from its row: "Gọi điểm cầu" (a browser room has no such button).
      await technician.locator('tr[data-point="DC-X2"] th button').click();
      await technician.locator('[data-testid=point-detail]').waitFor();
      expect(await technician.locator('[data-testid=dial-point]').count()).toBe(0);
      await technician.locator('tr[data-point="DC-X3"] th button').click();
      await technician.locator('[data-testid=dial-point]').click();
      await eventually(async () => expect(meeting.state.points['DC-X3']?.connected).toBe(true), 30_000);
      await eventually(async () =>
        expect(await technician.locator('[data-testid=sip-calls] li[data-point="DC-X3"]').innerText()).toBe(
          'Điểm cầu Xã Đông Hà — đã kết nối (H264/G722)',
        ),
      );
      const listed = (await (await api('/calls', 'GET')).json()) as {
        conferenceNumber: string;
        dialIn: string;
        calls: { pointId: string; direction: string; words: string; video: string | null }[];
      };
      expect(listed.dialIn).toBe(dialIn);
      expect(listed.calls).toContainEqual(
        expect.objectContaining({ pointId: 'DC-X3', direction: 'out', words: 'đã kết nối', video: 'H264' }),
      );
      // The room called in earlier may still hold the floor: with nobody holding it, the program is the hub.
      if (meeting.state.floor !== null) {
        await meeting.execute({ type: 'floor.revoke' }, { role: 'chair' });
      }
      await eventually(async () => expect(looksLike(await called.receivedColour(), HUB)).toBe(true), 30_000);
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toContain('diemcau_sip_calls{meeting="sip1",state="connected"} 2');
      expect(metrics).toMatch(/diemcau_sip_call_outcomes_total\{state="connected"\} [3-9]/);
      const again = await api('/points/DC-X3/dial');
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('ALREADY_IN_CALL');
    }, 90_000);

    it('a room that vanishes without a BYE (its media stops) is lost after 20 s, an outage, and called back by itself when it returns', async () => {
      const lostBefore = t.server.sip?.calls.counts.get('lost') ?? 0;
      called.pause();
      await eventually(async () => expect(meeting.state.points['DC-X3']?.connected).toBe(false), 60_000);
      expect(t.server.sip?.calls.counts.get('lost')).toBe(lostBefore + 1);
      called.resume();
      await eventually(async () => {
        expect(meeting.state.points['DC-X3']?.connected).toBe(true);
        expect(t.server.sip?.calls.callsOf('sip1')).toContainEqual(
          expect.objectContaining({ pointId: 'DC-X3', direction: 'out', state: 'connected' }),
        );
      }, 90_000);
    }, 180_000);

    it('a room that requires SRTP (SDES keys) dials in: its media is decrypted on the bridge', async () => {
      await secure.dial(dialIn);
      await eventually(async () => expect(meeting.state.points['DC-H1']?.connected).toBe(true), 30_000);
      expect(t.server.sip?.calls.callsOf('sip1')).toContainEqual(
        expect.objectContaining({ pointId: 'DC-H1', words: 'đã kết nối', video: 'H264', audio: 'G722' }),
      );
      // Only packets that authenticate and decrypt reach the room's producers.
      const participant = `sip:${meeting.id}:DC-H1`;
      await eventually(async () => {
        const streams = (await t.server.media.bridge.plain?.streamStats(participant)) ?? [];
        expect(streams.find((s) => s.kind === 'video')?.bitrate ?? 0).toBeGreaterThan(0);
        expect(streams.find((s) => s.kind === 'audio')?.bitrate ?? 0).toBeGreaterThan(0);
      }, 30_000);
    }, 60_000);

    it("a room not on file hears a spoken prompt and keys its point's PIN: three wrong PINs hang it up, the right one puts it in the meeting", async () => {
      // The PIN as the office prints it on the invitations.
      const access = (await (
        await fetch(`${t.url}/api/meetings/sip1/sip-pins`, { headers: { 'x-api-key': ADMIN_KEY } })
      ).json()) as { dialIn: string; pins: Record<string, string> };
      expect(access.dialIn).toBe(dialIn);
      const pin = access.pins['DC-X4'] ?? '';
      expect(pin).toMatch(/^[0-9]{6}$/);
      expect(access.pins[meeting.state.def.hubPointId]).toBeUndefined();
      const callOf = () => t.server.sip?.calls.callsOf('sip1').find((c) => c.address.includes('phonghop-x4'));
      await unlisted.dial(dialIn);
      await eventually(async () =>
        expect(callOf()).toMatchObject({ pointId: '', state: 'enteringPin', words: 'đang nhập mã PIN' }),
      );
      // Nothing of the meeting reaches a room not yet recognised: what it hears is the prompt.
      await eventually(async () => expect(unlisted.heardLevel()).toBeGreaterThan(500), 15_000);
      expect(meeting.state.points['DC-X4']?.connected).toBe(false);
      const wrong = pin.startsWith('0') ? '111111' : '000000';
      await unlisted.sendDigits(`${wrong}#${wrong}#${wrong}#`);
      await eventually(async () => expect(callOf()).toBeUndefined(), 20_000);
      expect(meeting.state.points['DC-X4']?.connected).toBe(false);
      const audit = async () =>
        (await t.server.meetings.log('sip1')).filter((e) => e.type === 'AuditRecorded' && e.action === 'sip_refused');
      expect((await audit()).some((e) => e.type === 'AuditRecorded' && e.detail.includes('nhập sai mã PIN'))).toBe(
        true,
      );

      // Called again, the right PIN: the room is its point's, its media on the bridge on the ports it was answered with.
      await unlisted.dial(dialIn);
      await eventually(async () => expect(callOf()?.state).toBe('enteringPin'));
      await unlisted.sendDigits(`${pin}#`);
      await eventually(async () => {
        expect(meeting.state.points['DC-X4']?.connected).toBe(true);
        expect(callOf()).toMatchObject({ pointId: 'DC-X4', state: 'connected', video: 'H264', audio: 'G722' });
      }, 20_000);
      await eventually(async () => {
        const streams = (await t.server.media.bridge.plain?.streamStats('sip:sip1:DC-X4')) ?? [];
        expect(streams.find((s) => s.kind === 'video')?.bitrate ?? 0).toBeGreaterThan(0);
        expect(streams.find((s) => s.kind === 'audio')?.bitrate ?? 0).toBeGreaterThan(0);
      }, 30_000);
      await unlisted.hangUp();
      await eventually(async () => expect(meeting.state.points['DC-X4']?.connected).toBe(false));
    }, 120_000);

    it("a room registers with its point's password (digest) and is called where it registered, with no address on file", async () => {
      const account = (await (
        await fetch(`${t.url}/api/sip/points/DC-H2/account`, { headers: { 'x-api-key': ADMIN_KEY } })
      ).json()) as { username: string; password: string; realm: string; registered: unknown };
      expect(account).toMatchObject({ username: 'DC-H2', realm: 'diemcau', registered: null });
      expect(account.password).toMatch(/^[A-Za-z0-9]{16}$/);
      registered = await startBaresipRoom({
        user: 'DC-H2',
        rgb: [...CAMERA_COLOURS.yellow],
        ip: '127.0.0.6',
        register: { registrar: `127.0.0.1:${sipPort}`, password: account.password },
      });
      await eventually(async () => expect(t.server.sip?.registrar.bindingOf('DC-H2')?.address).toBe('127.0.0.6'));
      const dialled = await fetch(`${t.url}/api/meetings/sip1/points/DC-H2/dial`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY },
      });
      expect(dialled.status).toBe(201);
      await eventually(async () => {
        expect(meeting.state.points['DC-H2']?.connected).toBe(true);
        expect(t.server.sip?.calls.callsOf('sip1')).toContainEqual(
          expect.objectContaining({ pointId: 'DC-H2', direction: 'out', state: 'connected', video: 'H264' }),
        );
      }, 30_000);
      await registered.hangUp();
      await eventually(async () => expect(meeting.state.points['DC-H2']?.connected).toBe(false));
    }, 90_000);
  },
);
