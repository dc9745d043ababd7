import { MAX_GRID_PAGE } from '../../server/media/routing.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { nextMessage, startTestServer, type TestServer } from '../helpers/server.js';

describe('media signaling', () => {
  let t: TestServer;

  beforeEach(async () => {
    t = await startTestServer({ env: { MEDIA_BRIDGE: 'werift', MEDIA_LISTEN_IP: '127.0.0.1' } });
  });

  afterEach(async () => {
    await t.close();
  });

  it('offers fixed slots: program and audio for a point, thumbnails too for staff; only loopback candidates here', async () => {
    const { socket: chair } = await t.connect('chair');
    const { socket: point } = await t.connect('point', 'DC-X1');
    const chairJoin = await request(chair, 'media:join', {});
    const pointJoin = await request(point, 'media:join', {});
    if (!chairJoin.ok || !pointJoin.ok || chairJoin.join.bridge !== 'werift' || pointJoin.join.bridge !== 'werift') {
      throw new Error('expected embedded offers');
    }
    const purposes = (slots: { purpose: string }[]) => slots.map((s) => s.purpose);
    expect(purposes(pointJoin.join.slots)).toEqual(['hub', 'speaker', ...Array(6).fill('audio'), 'content']);
    // A shared screen is sent on a transceiver of its own, outside the receive slots.
    expect(pointJoin.join.offer).toContain(`a=mid:${pointJoin.join.screenMid}`);
    expect(pointJoin.join.slots.map((s) => s.mid)).not.toContain(pointJoin.join.screenMid);
    expect(purposes(chairJoin.join.slots).filter((p) => p === 'grid')).toHaveLength(MAX_GRID_PAGE);
    // The point's program shows the hub (the chair's participant) as soon as it joins.
    expect(pointJoin.join.slots[0]).toMatchObject({ purpose: 'hub', source: chair.id });
    const candidates = pointJoin.join.offer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((l) => l.includes(' 127.0.0.1 '))).toBe(true);
    // Joining again before answering returns the same offer.
    const again = await request(point, 'media:join', {});
    expect(again.ok && again.join.bridge === 'werift' && again.join.offer).toBe(pointJoin.join.offer);
  });

  it('the chair granting the floor relabels every point’s speaker slot', async () => {
    const { socket: chair } = await t.connect('chair');
    const { socket: x1 } = await t.connect('point', 'DC-X1');
    const { socket: x2 } = await t.connect('point', 'DC-X2');
    for (const s of [chair, x1, x2]) {
      await request(s, 'media:join', {});
    }
    await request(chair, 'meeting:start', {});
    const relabel = nextMessage(x1, 'media:slots', (m) =>
      m.slots.some((s) => s.purpose === 'speaker' && s.sourcePointId === 'DC-X2'),
    );
    await request(chair, 'floor:grant', { pointId: 'DC-X2' });
    const { slots } = await relabel;
    expect(slots.find((s) => s.kind === 'audio' && s.source === x2.id)).toBeDefined();
  });

  it('refuses garbage SDP, steps before joining, the mediasoup flow on the embedded bridge, and a point paging thumbnails', async () => {
    const { socket: point } = await t.connect('point', 'DC-X1');
    const { socket: other } = await t.connect('point', 'DC-X2');
    expect(await request(point, 'media:restart', {})).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await request(point, 'media:answer', { sdp: 'v=0\r\nm=garbage' })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    await request(point, 'media:join', {});
    expect(await request(point, 'media:answer', { sdp: 'hello there, not sdp' })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(
      await request(point, 'media:answer', { sdp: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nutter nonsense' }),
    ).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await request(point, 'media:transport', { direction: 'send' })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await request(point, 'media:resume', { consumerId: 'someone-elses' })).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await request(point, 'media:page', { page: 2 })).toMatchObject({ error: { code: 'FORBIDDEN' } });
    // Nobody else is disturbed.
    expect(await request(other, 'media:join', {})).toMatchObject({ ok: true });
  });
});

describe.skipIf(!mediasoupAvailable())(
  'media signaling on mediasoup: bad input is refused, nobody else disturbed',
  () => {
    let t: TestServer;
    beforeEach(async () => {
      t = await startTestServer({ env: await bridgeEnv('mediasoup', { MEDIASOUP_WORKERS: '1' }) });
    });
    afterEach(async () => {
      await t.close();
    });

    it('refuses garbage capabilities, DTLS and RTP parameters, a second transport, and another participant’s transport', async () => {
      const { socket: a } = await t.connect('point', 'DC-X1');
      const { socket: b } = await t.connect('point', 'DC-X2');
      for (const socket of [a, b]) {
        const join = await request(socket, 'media:join', {});
        expect(join).toMatchObject({ ok: true, join: { bridge: 'mediasoup' } });
      }
      const code = (ack: { ok: boolean; error?: { code: string } }) => (ack.ok ? 'ok' : ack.error?.code);
      expect(code(await request(a, 'media:capabilities', { rtpCapabilities: { codecs: 'opus' } }))).toBe(
        'VALIDATION_FAILED',
      );
      const caps = { codecs: [], headerExtensions: [] };
      expect(code(await request(a, 'media:capabilities', { rtpCapabilities: caps }))).toBe('VALIDATION_FAILED');
      const sent = await request(a, 'media:transport', { direction: 'send' });
      if (!sent.ok) {
        throw new Error('no send transport');
      }
      const transportId = sent.transport.id;
      expect(code(await request(a, 'media:transport', { direction: 'send' }))).toBe('VALIDATION_FAILED');
      expect(
        code(
          await request(a, 'media:connect', { transportId, dtlsParameters: { role: 'client', fingerprints: 'zz' } }),
        ),
      ).toBe('VALIDATION_FAILED');
      expect(
        code(await request(a, 'media:produce', { transportId, kind: 'video', rtpParameters: { codecs: 'vp8' } })),
      ).toBe('VALIDATION_FAILED');
      // Another participant's transport is unknown to b: it can neither connect nor produce on it.
      expect(
        code(
          await request(b, 'media:connect', {
            transportId,
            dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
          }),
        ),
      ).toBe('NOT_FOUND');
      expect(code(await request(b, 'media:produce', { transportId, kind: 'audio', rtpParameters: {} }))).toBe(
        'NOT_FOUND',
      );
      expect(code(await request(b, 'media:resume', { consumerId: 'not-a-consumer' }))).toBe('NOT_FOUND');
      // Both go on: the bridge still serves them.
      expect(code(await request(a, 'media:transport', { direction: 'recv' }))).toBe('ok');
      expect(code(await request(b, 'media:transport', { direction: 'send' }))).toBe('ok');
      expect(t.server.media.bridge.closed).toBe(false);
    });
  },
);
