import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createBridge, mediasoupWorkerPath } from '../../server/media/createBridge.js';
import { request } from '../../server/protocol/client.js';
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
    expect(purposes(pointJoin.join.slots)).toEqual(['hub', 'speaker', ...Array(6).fill('audio')]);
    expect(purposes(chairJoin.join.slots).filter((p) => p === 'grid')).toHaveLength(12);
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

describe('bridge selection', () => {
  it('auto falls back to the embedded bridge when no mediasoup worker can run; mediasoup on demand says why not', async () => {
    const config = loadConfig({ MEDIA_BRIDGE: 'auto', MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' });
    expect(mediasoupWorkerPath(config)).toBeNull();
    const bridge = await createBridge(config);
    expect(bridge.kind).toBe('werift');
    await bridge.close();
    await expect(
      createBridge(loadConfig({ MEDIA_BRIDGE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/nonexistent/w' })),
    ).rejects.toThrow(/MEDIASOUP_WORKER_BIN/);
  });
});
