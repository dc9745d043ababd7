import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { replay } from '../../server/domain/apply.js';
import { MeetingService } from '../../server/meetings/MeetingService.js';
import type { DirectoryStore } from '../../server/store/DirectoryStore.js';
import { FileDirectoryStore } from '../../server/store/embedded/FileDirectoryStore.js';
import { FileMeetingStore } from '../../server/store/embedded/FileMeetingStore.js';
import type { MeetingStore } from '../../server/store/MeetingStore.js';
import { RedisDirectoryStore } from '../../server/store/redis/RedisDirectoryStore.js';
import { RedisMeetingStore } from '../../server/store/redis/RedisMeetingStore.js';
import { Meeting, point, smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';

interface Stores {
  meetings: MeetingStore;
  directory: DirectoryStore;
}

let redis: TestRedis;
let prefixCounter = 0;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.stop();
});

/** One suite over every MeetingStore: embedded JSONL files and Redis Streams (a real redis-server). */
describe.each([
  {
    name: 'FileMeetingStore',
    open: async (dir: string): Promise<Stores> => ({
      meetings: await FileMeetingStore.create({ dir: join(dir, 'meetings'), fsync: 'always' }),
      directory: new FileDirectoryStore({ path: join(dir, 'directory.json') }),
    }),
  },
  {
    name: 'RedisMeetingStore',
    open: async (dir: string): Promise<Stores> => {
      const meetings = await RedisMeetingStore.create({ url: redis.url, prefix: `t${dir.length}-${prefixCounter}:` });

      return {
        meetings,
        directory: new RedisDirectoryStore({ redis: meetings.client, prefix: `t${dir.length}-${prefixCounter}:` }),
      };
    },
  },
])('$name contract', ({ open }) => {
  let dir: string;
  let remove: () => Promise<void>;
  let stores: Stores;

  beforeEach(async () => {
    prefixCounter += 1;
    ({ dir, remove } = await tempDir());
    stores = await open(dir);
  });

  afterEach(async () => {
    await stores.meetings.close();
    await remove();
  });

  it('appends and reads a log in order; lists meetings', async () => {
    const m = new Meeting().startSession();
    await stores.meetings.append('m1', m.log.slice(0, 3));
    await stores.meetings.append('m1', m.log.slice(3));
    expect(await stores.meetings.read('m1')).toEqual(m.log);
    expect(await stores.meetings.list()).toEqual(['m1']);
  });

  it('refuses to create a meeting twice, a sequence gap, and reading an unknown meeting', async () => {
    const m = new Meeting().startSession();
    await stores.meetings.append('m1', m.log);
    await expect(stores.meetings.append('m1', m.log.slice(0, 1))).rejects.toMatchObject({ code: 'MEETING_EXISTS' });
    await expect(stores.meetings.append('m1', [{ ...m.log[1]!, seq: m.log.length + 3 }])).rejects.toThrow(TypeError);
    await expect(stores.meetings.read('nope')).rejects.toMatchObject({ code: 'MEETING_NOT_FOUND' });
    expect(await stores.meetings.read('m1')).toEqual(m.log);
  });

  it('a restarted service rebuilds every meeting from the store alone', async () => {
    const service = await MeetingService.create({ store: stores.meetings, directoryStore: stores.directory });
    await service.replaceDirectory(smallDirectory());
    const runtime = await service.createMeeting({ ...smallMeetingInput(), id: 'm-contract' });
    await runtime.execute({ type: 'meeting.open' }, { role: 'chair' });
    await runtime.execute({ type: 'point.connect', pointId: 'DC-X2' }, { role: 'system' });
    await runtime.execute({ type: 'floor.request', pointId: 'DC-X2', kind: 'petition' }, point('DC-X2'));
    const before = structuredClone(runtime.state);
    await service.close();

    stores = await open(dir);
    const again = await MeetingService.create({ store: stores.meetings, directoryStore: stores.directory });
    const rebuilt = again.get('m-contract');
    expect(rebuilt.state.queue).toEqual(before.queue);
    expect(again.directory).toEqual(smallDirectory());
    expect(replay(await again.log('m-contract'))).toEqual(rebuilt.state);
  });
});

describe('snapshots on Redis', () => {
  it('keep the newer state, give the events after it, and rebuild a meeting equal to a full replay', async () => {
    const prefix = `diemcau-snap-${(prefixCounter += 1)}:`;
    const store = await RedisMeetingStore.create({ url: redis.url, prefix });
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.request('DC-X2', 'petition');
    await store.append('m1', m.log);
    const atRequests = structuredClone(m.state);
    await store.saveSnapshot('m1', atRequests);
    m.run({ type: 'floor.next' });
    m.run({ type: 'rollcall.start', deadlineSec: 60 });
    await store.append('m1', m.log.slice(atRequests.seq));
    await store.saveSnapshot('m1', structuredClone(m.state));
    // An older snapshot arriving late (a slow former owner) never replaces a newer one.
    await store.saveSnapshot('m1', atRequests);
    expect((await store.loadSnapshot('m1'))?.seq).toBe(m.state.seq);
    expect((await store.readAfter('m1', atRequests.seq)).map((e) => e.seq)).toEqual(
      m.log.slice(atRequests.seq).map((e) => e.seq),
    );

    // A node adopting the meeting folds only what follows the snapshot; the result equals the full replay.
    await store.saveSnapshot('m1', atRequests); // ignored: still the newer one
    m.run({ type: 'floor.revoke' });
    await store.append('m1', m.log.slice(-1));
    const directory = new RedisDirectoryStore({ redis: store.client, prefix });
    await directory.save(smallDirectory());
    // The service's clock is the meeting's: on the real clock the roll call's deadline (in 2026-11) has long passed,
    // and a deadline tick could append between the two reads.
    const service = await MeetingService.create({ store, directoryStore: directory, now: () => m.now });
    expect(service.get('m1').state).toEqual(replay(await store.read('m1')));
    expect(service.get('m1').state.floor).toBeNull();
    await service.close();
  });
});

describe('appends on Redis sent without waiting (pipelined)', () => {
  it('land in order in one go; after one that fails, the next fail too, and the log keeps no gap', async () => {
    const store = await RedisMeetingStore.create({ url: redis.url, prefix: `diemcau-pipe-${(prefixCounter += 1)}:` });
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.request('DC-X2');
    m.request('DC-X3');
    const log = [...m.log];
    const [a, b, c] = [log.slice(0, 3), log.slice(3, -1), log.slice(-1)];
    // Three appends in flight at once: all stored, in order.
    await Promise.all([store.append('m1', a), store.append('m1', b), store.append('m1', c)]);
    expect((await store.read('m1')).map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    // One that does not follow the log fails; the one sent after it (which followed it) fails too.
    m.request('DC-X4');
    m.request('DC-H1');
    m.request('DC-H2');
    const more = m.log.slice(log.length);
    expect(more.length).toBeGreaterThanOrEqual(3);
    const gap = store.append('m1', more.slice(1, 2));
    const after = store.append('m1', more.slice(2));
    await expect(gap).rejects.toThrow(TypeError);
    await expect(after).rejects.toThrow(TypeError);
    expect((await store.read('m1')).length).toBe(log.length);
    // Creating over an existing log is still refused.
    await expect(store.append('m1', log.slice(0, 1))).rejects.toMatchObject({ code: 'MEETING_EXISTS' });
    await store.close();
  });
});

describe('the server on Redis (STORE=redis)', () => {
  it('runs a meeting over sockets and a second server rebuilds it from Redis', async () => {
    const { startTestServer } = await import('../helpers/server.js');
    const { request } = await import('../../server/protocol/client.js');
    const t = await startTestServer({ env: { STORE: 'redis', REDIS_URL: redis.url } });
    try {
      const { socket: chair } = await t.connect('chair');
      const { socket: x1 } = await t.connect('point', 'DC-X1');
      await request(chair, 'meeting:start', {});
      expect(await request(x1, 'floor:request', { kind: 'speech', topic: 'Thu gom rác thải' })).toMatchObject({
        ok: true,
        position: 1,
      });
      await t.meeting.idle();
      const live = structuredClone(t.meeting.state);
      const { startServer } = await import('../../server/app.js');
      const { loadConfig } = await import('../../server/config.js');
      const other = await startServer(
        loadConfig({ PORT: '0', HOST: '127.0.0.1', STORE: 'redis', REDIS_URL: redis.url, LOG_LEVEL: 'silent' }),
      );
      try {
        const rebuilt = other.meetings.get('m1').state;
        expect(rebuilt.queue).toEqual(live.queue);
        expect(rebuilt.requests).toEqual(live.requests);
      } finally {
        await other.close();
      }
    } finally {
      await t.close();
    }
  });
});

describe('link history on Redis', () => {
  it('keeps each point’s samples in a capped stream that any coordinator can read', async () => {
    const { startTestServer } = await import('../helpers/server.js');
    const { request } = await import('../../server/protocol/client.js');
    const { RedisTelemetryHistory } = await import('../../server/telemetry/RedisTelemetryHistory.js');
    const { Redis } = await import('ioredis');
    // Database 1: database 0 already holds another test's meeting m1.
    const t = await startTestServer({
      env: { STORE: 'redis', REDIS_URL: `${redis.url}/1`, TELEMETRY_INTERVAL_MS: '200' },
    });
    const other = new Redis(`${redis.url}/1`);
    try {
      const { socket: x1 } = await t.connect('point', 'DC-X1');
      for (const lossPct of [0.5, 7, 12]) {
        expect(await request(x1, 'telemetry:sample', { lossPct, rttMs: 60, fpsOut: 25 })).toMatchObject({ ok: true });
        await new Promise((r) => setTimeout(r, 120));
      }
      const { socket: tech } = await t.connect('technician');
      const history = await request(tech, 'telemetry:history', { pointId: 'DC-X1' });
      expect(history.ok && history.history.lossPct).toEqual([0.5, 7, 12]);
      // Another node reads the same history straight from Redis.
      const fromOtherNode = await new RedisTelemetryHistory({ redis: other, capacity: 900 }).columns('m1', 'DC-X1');
      expect(fromOtherNode.rttMs).toEqual([60, 60, 60]);
      expect(fromOtherNode.jitterMs).toEqual([null, null, null]);
    } finally {
      other.disconnect();
      await t.close();
    }
  });
});
