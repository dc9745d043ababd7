import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackHost, pipeTargetAllowed, requireSecureParent } from '../../server/linking/linkAddresses.js';
import { WRONG_CODES_PER_WINDOW } from '../../server/http/shortLinkRouter.js';
import { LINK_NAMESPACE, LINK_PATH } from '../../server/protocol/link.js';
import { inviteUnit, linkedHarness, startNation, startProvince } from '../helpers/linked.js';
import { until } from '../helpers/poll.js';

const harness = linkedHarness();
const { tracked } = harness;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.close());
  await harness.closeAll();
});

/** A child that is not diemcau: a bare link client with a real invitation, saying what it likes. */
async function rawChild(url: string, token: string): Promise<Socket> {
  const socket = connect(`${url}${LINK_NAMESPACE}`, {
    path: LINK_PATH,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });

  return socket;
}

const report = {
  meetingId: 'xa-gia',
  title: 'Hội nghị xã',
  hub: { code: 'DC-XA', name: 'Hội trường xã', level: 'commune', unitCode: 'XA', technician: null },
  units: [{ code: 'XA', name: 'Xã Tân Sơn', level: 'commune', parentCode: null }],
  points: [],
  connected: [],
  lineage: ['xa-gia'],
};

const ask = (socket: Socket, event: string, body: unknown) =>
  socket.timeout(5000).emitWithAck(event, body) as Promise<{ ok: boolean; error?: { code: string } }>;

describe('the doors of a link', () => {
  it("sends the parent's media only to the link's own address: a child naming another host is refused", async () => {
    const parent = await tracked(startNation());
    const child = await rawChild(parent.url, await inviteUnit(parent, 'P1'));
    expect(await ask(child, 'link:hello', { report })).toMatchObject({ ok: true });
    const endpoint = (ip: string) => ({ endpoint: { ip, port: 40_000, srtpParameters: {} } });
    // 0.0.0.0 is no address of the link (nor loopback): refused before any pipe is made.
    expect(await ask(child, 'link:media:open', endpoint('0.0.0.0'))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // The child's own machine (loopback, as the link is) passes the door; this parent's embedded bridge has no pipes.
    expect(await ask(child, 'link:media:open', endpoint('127.0.0.9'))).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_UNAVAILABLE' },
    });
  });

  it("audits a link's refusals at most twenty a minute, across its reconnections", async () => {
    const parent = await tracked(startNation());
    const token = await inviteUnit(parent, 'P1');
    for (let round = 0; round < 3; round += 1) {
      const child = await rawChild(parent.url, token);
      const answers = await Promise.all(
        Array.from({ length: 15 }, () => ask(child, 'link:presence', { pointId: 'DC-XA', connected: 'yes' })),
      );
      expect(answers.every((a) => a.ok === false && a.error?.code === 'VALIDATION_FAILED')).toBe(true);
      child.close();
    }
    const audited = async () =>
      (await parent.server.meetings.log('tw')).filter((e) => e.type === 'AuditRecorded' && e.action === 'link_refused');
    await until(async () => (await audited()).length >= 20, 10_000, 'refusals audited');
    // Every refusal was answered before this: its audit (if any) is queued on the meeting already.
    await parent.server.meetings.get('tw').idle();
    expect(await audited()).toHaveLength(20);
  });

  it('refuses a parent over plain http:// off loopback, before connecting to it', async () => {
    const child = await tracked(startProvince('127.0.0.3', 'tinh'));
    const linked = await child.api('PUT', '/api/meetings/tinh/uplink', {
      parentUrl: 'http://trungtam.localhost.invalid:8443',
      linkToken: 'a-link-token-of-a-parent-0123456789',
    });
    expect(linked).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(child.server.meetings.get('tinh').state.uplink).toBeNull();
  });

  it('tells the office whether links may go over plain http://', async () => {
    const strict = await tracked(startProvince('127.0.0.3', 'tinh'));
    expect((await strict.api('GET', '/api/meetings/tinh/uplink/policy')).body).toEqual({ allowHttp: false });
    const lab = await tracked(startProvince('127.0.0.4', 'tinh', { LINK_ALLOW_HTTP: '1' }));
    expect((await lab.api('GET', '/api/meetings/tinh/uplink/policy')).body).toEqual({ allowHttp: true });
  });

  it('names loopback, secure parents and pipe targets by one rule', () => {
    expect(['127.0.0.1', '127.3.4.5', '::1', '[::1]', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['128.0.0.1', 'localhost.example', '0.0.0.0', 'tinh.localhost'].some(isLoopbackHost)).toBe(false);
    expect(() => requireSecureParent('https://trungtam.gov.vn', false)).not.toThrow();
    expect(() => requireSecureParent('http://127.0.0.2:3000', false)).not.toThrow();
    expect(() => requireSecureParent('http://trungtam.gov.vn', false)).toThrow(/https/);
    expect(() => requireSecureParent('http://trungtam.gov.vn', true)).not.toThrow();
    expect(pipeTargetAllowed('10.1.2.3', '::ffff:10.1.2.3', [])).toBe(true);
    expect(pipeTargetAllowed('10.1.2.4', '10.1.2.3', [])).toBe(false);
    expect(pipeTargetAllowed('10.1.2.4', '10.1.2.3', ['10.1.2.4'])).toBe(true);
    expect(pipeTargetAllowed('127.0.0.9', '::ffff:127.0.0.1', [])).toBe(true);
    expect(pipeTargetAllowed('127.0.0.9', '10.1.2.3', [])).toBe(false);
  });
});

describe('the invitation code', () => {
  const redeem = (url: string, code: unknown) =>
    fetch(`${url}/api/link-invitations/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));

  it('stands for a linked-hub invitation only, links as the invitation does, and makes a guesser wait', async () => {
    const parent = await tracked(startNation());
    const child = await tracked(startProvince('127.0.0.3', 'tinh'));
    const issued = await parent.api('POST', '/api/meetings/tw/linked-hubs', { unitId: 'P1' });
    const code = issued.body.code as string;
    expect(code).toMatch(/^[2-9a-z]{10}$/);
    // As read out over the phone: upper case, in two groups.
    const spoken = `${code.slice(0, 5)}-${code.slice(5)}`.toUpperCase();
    expect(await redeem(parent.url, spoken)).toMatchObject({
      status: 200,
      body: { linkToken: issued.body.linkToken },
    });
    // A room's join link has a code too: it is no linked-hub invitation, and is not given out here.
    const roomLink = await parent.server.tokens.issue({ meetingId: 'tw', role: 'point', pointId: 'TW', ttlSec: 600 });
    expect(await redeem(parent.url, roomLink.shortCode)).toMatchObject({
      status: 404,
      body: { error: { code: 'LINK_CODE_UNKNOWN' } },
    });
    // The child's office enters the code; its coordinator exchanges it and links.
    const linked = await child.api('PUT', '/api/meetings/tinh/uplink', { parentUrl: parent.url, linkToken: spoken });
    expect(linked).toMatchObject({ status: 200, body: { state: 'linked', unitId: 'P1' } });
    // A revoked invitation's code stands for nothing.
    expect(
      (await parent.api('POST', `/api/meetings/tw/tokens/${issued.body.tokenId as string}/revoke`)).status,
    ).toBeLessThan(300);
    expect((await redeem(parent.url, code)).status).toBe(404);
    // Wrong codes from one address: after twenty, even a right one waits.
    const other = await parent.api('POST', '/api/meetings/tw/linked-hubs', { unitId: 'P2' });
    for (let i = 0; i < WRONG_CODES_PER_WINDOW - 2; i += 1) {
      expect((await redeem(parent.url, `zzzzz${String(10_000 + i).slice(1)}`.replace(/[01]/g, '2'))).status).toBe(404);
    }
    expect((await redeem(parent.url, other.body.code)).status).toBe(429);
    // A malformed body is a wrong code, and changes nothing.
    expect((await redeem(parent.url, { not: 'a code' })).status).toBe(429);
  });
});
