import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { request } from '../../server/protocol/client.js';
import { smallMeetingInput } from '../helpers/domain.js';
import { BRIDGES, bridgeEnv } from '../helpers/mediasoup.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const mediasoupSkip = BRIDGES.find((b) => b.bridge === 'mediasoup')?.skip ?? true;
const SECRET = 'ice-servers-test-secret-0123456789abcdef';
const TURN_URLS =
  'stun:turn.tinh.test:3478,turn:turn.tinh.test:3478?transport=udp,turns:turn.tinh.test:443?transport=tcp';

/** The relay servers and credentials a console is handed (TURN REST, as coturn's use-auth-secret checks them). */
describe('ICE servers for the consoles', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ env: { TURN_URLS, TURN_SECRET: SECRET, TURN_TTL_SEC: '3600' } });
    await t.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'm2' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const ask = (meetingId: string, token: string) =>
    fetch(`${t.url}/api/meetings/${meetingId}/ice-servers?token=${encodeURIComponent(token)}`);

  it('a point gets TURN credentials bounded by its link, that the relay can check with the shared secret', async () => {
    const issued = await t.server.tokens.issue({ meetingId: 'm1', role: 'point', pointId: 'DC-X1', ttlSec: 600 });
    const response = await ask('m1', issued.token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      iceServers: { urls: string[]; username?: string; credential?: string }[];
      expiresAt: number;
    };
    expect(body.iceServers[0]).toEqual({ urls: ['stun:turn.tinh.test:3478'] });
    const turn = body.iceServers[1];
    expect(turn?.urls).toEqual(['turn:turn.tinh.test:3478?transport=udp', 'turns:turn.tinh.test:443?transport=tcp']);
    // The link is good for 10 minutes, less than TURN_TTL_SEC: the credential ends with the link.
    expect(body.expiresAt).toBeLessThanOrEqual(issued.expiresAt);
    const [expiry, label] = (turn?.username ?? '').split(':');
    expect(Number(expiry)).toBe(Math.floor(body.expiresAt / 1000));
    expect(label).toBe('m1.DC-X1');
    expect(turn?.credential).toBe(
      createHmac('sha1', SECRET)
        .update(turn?.username ?? '')
        .digest('base64'),
    );
  });

  it('the same with the media: the join ack carries them', async () => {
    const { socket } = await t.connect('point', 'DC-X2');
    const joined = await request(socket, 'media:join', {});
    expect(joined.ok).toBe(true);
    if (joined.ok) {
      expect(joined.ice.iceServers.at(-1)?.username).toMatch(/^\d+:m1\.DC-X2$/);
      expect(joined.ice.expiresAt).toBeGreaterThan(Date.now());
    }
  });

  it.skipIf(mediasoupSkip)(
    'an ICE restart (a changed network) hands the console fresh credentials, later than those it joined with',
    async () => {
      // On mediasoup (the embedded bridge restarts only a negotiated peer): its transports get new ICE parameters.
      const m = await startTestServer({
        // Credentials shorter than the link, so that each is bounded by its own moment.
        env: await bridgeEnv('mediasoup', { TURN_URLS, TURN_SECRET: SECRET, TURN_TTL_SEC: '120' }),
      });
      onTestFinished(() => m.close());
      const { socket } = await m.connect('point', 'DC-X3');
      const joined = await request(socket, 'media:join', {});
      expect(joined.ok).toBe(true);
      const expiryOf = (username: string | undefined) => Number((username ?? '').split(':')[0]);
      const first = joined.ok ? expiryOf(joined.ice.iceServers.at(-1)?.username) : 0;
      // Credentials count whole seconds: the restart comes in a later one.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const restarted = await request(socket, 'media:restart', {});
      expect(restarted).toMatchObject({ ok: true });
      if (restarted.ok) {
        const turn = restarted.ice.iceServers.at(-1);
        expect(turn?.username).toMatch(/^\d+:m1\.DC-X3$/);
        expect(expiryOf(turn?.username)).toBeGreaterThan(first);
        expect(turn?.credential).toBe(
          createHmac('sha1', SECRET)
            .update(turn?.username ?? '')
            .digest('base64'),
        );
      }
    },
  );

  it('a token of another meeting, no token, or an expired one get no credentials', async () => {
    const other = await t.token('point', 'DC-X1', 'm2');
    const refused = await ask('m1', other);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('hội nghị khác');
    expect((await fetch(`${t.url}/api/meetings/m1/ice-servers`)).status).toBe(401);
    const expired = await t.server.tokens.issue({
      meetingId: 'm1',
      role: 'point',
      pointId: 'DC-X1',
      window: { notBefore: null, expiresAt: Date.now() - 60_000 },
    });
    expect((await ask('m1', expired.token)).status).toBe(401);
  });

  it('a missing or short secret, or a URL that is not TURN or STUN, stops the start with the reason', () => {
    const base = { DATA_DIR: '/tmp/unused' };
    expect(() => loadConfig({ ...base, TURN_URLS: 'turn:relay.test:3478' })).toThrow('set TURN_SECRET');
    expect(() => loadConfig({ ...base, TURN_URLS: 'turn:relay.test:3478', TURN_SECRET: 'short' })).toThrow(
      'TURN_SECRET is too short',
    );
    expect(() => loadConfig({ ...base, TURN_URLS: 'http://relay.test', TURN_SECRET: SECRET })).toThrow(
      'is not a turn:, turns: or stun: address',
    );
    // STUN alone needs no secret.
    expect(loadConfig({ ...base, TURN_URLS: 'stun:relay.test:3478' }).TURN_URLS).toEqual(['stun:relay.test:3478']);
  });
});
