import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replay } from '../../../server/domain/apply.js';
import { MeetingService } from '../../../server/meetings/MeetingService.js';
import { FileDirectoryStore } from '../../../server/store/embedded/FileDirectoryStore.js';
import { FileMeetingStore } from '../../../server/store/embedded/FileMeetingStore.js';
import { Meeting, point, smallDirectory, smallMeetingInput, T0 } from '../../helpers/domain.js';
import { tempDir } from '../../helpers/tmp.js';

describe.each(['always', 'never'] as const)('FileMeetingStore (fsync %s)', (fsync) => {
  let dir: string;
  let remove: () => Promise<void>;
  let store: FileMeetingStore;

  beforeEach(async () => {
    ({ dir, remove } = await tempDir());
    store = await FileMeetingStore.create({ dir, fsync });
  });

  afterEach(async () => {
    await store.close();
    await remove();
  });

  it('append() then read() returns the log in order, one JSON line per event', async () => {
    const m = new Meeting().startSession();
    await store.append('m1', m.log.slice(0, 2));
    await store.append('m1', m.log.slice(2));
    expect(await store.read('m1')).toEqual(m.log);
    expect(await store.list()).toEqual(['m1']);
    const lines = (await readFile(join(dir, 'm1.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(m.log.length);
  });

  it('concurrent appends are group-committed in order', async () => {
    const m = new Meeting().startSession();
    await store.append('m1', m.log.slice(0, 1));
    await Promise.all(m.log.slice(1).map((event) => store.append('m1', [event])));
    expect((await store.read('m1')).map((e) => e.seq)).toEqual(m.log.map((e) => e.seq));
  });

  it('refuses to create over an existing meeting and refuses a sequence gap', async () => {
    const m = new Meeting().startSession();
    await store.append('m1', m.log);
    await expect(store.append('m1', m.log.slice(0, 1))).rejects.toMatchObject({ code: 'MEETING_EXISTS' });
    await expect(store.append('m1', [{ ...m.log[1]!, seq: m.log.length + 5 }])).rejects.toThrow(TypeError);
    expect(await store.read('m1')).toEqual(m.log);
  });

  it('read() of an unknown meeting is MEETING_NOT_FOUND', async () => {
    await expect(store.read('nope')).rejects.toMatchObject({ code: 'MEETING_NOT_FOUND' });
  });

  it('drops a torn last line left by a crash and keeps the log appendable', async () => {
    const m = new Meeting().startSession();
    await store.append('m1', m.log);
    await store.close();
    await appendFile(join(dir, 'm1.jsonl'), '{"type":"FloorReq');
    store = await FileMeetingStore.create({ dir, fsync });
    expect(await store.read('m1')).toEqual(m.log);
    const next = m.request('DC-X1');
    await store.append('m1', m.log.slice(-1));
    expect((await store.read('m1')).at(-1)).toMatchObject({ requestId: next });
  });
});

describe('MeetingService restart', () => {
  it('rebuilds every meeting from its log and marks points that were connected as dropped by the restart', async () => {
    const { dir, remove } = await tempDir();
    let clock = T0;
    const open = async () =>
      MeetingService.create({
        store: await FileMeetingStore.create({ dir: join(dir, 'meetings'), fsync: 'never' }),
        directoryStore: new FileDirectoryStore({ path: join(dir, 'directory.json') }),
        now: () => clock,
      });
    const first = await open();
    await first.replaceDirectory(smallDirectory());
    const runtime = await first.createMeeting({ ...smallMeetingInput(), id: 'm-restart' });
    await runtime.execute({ type: 'meeting.open' }, { role: 'chair' });
    await runtime.execute({ type: 'point.connect', pointId: 'DC-X1' }, { role: 'system' });
    await runtime.execute({ type: 'meeting.start' }, { role: 'chair' });
    await runtime.execute({ type: 'floor.request', pointId: 'DC-X1', kind: 'petition' }, point('DC-X1'));
    const before = structuredClone(runtime.state);
    await first.close();

    clock += 5_000;
    const second = await open();
    try {
      const again = second.get('m-restart');
      expect(again.state.queue).toEqual(before.queue);
      expect(again.state.requests).toEqual(before.requests);
      expect(again.state.points['DC-X1']?.connected).toBe(false);
      expect(second.directory).toEqual(smallDirectory());
      const log = await second.log('m-restart');
      expect(log.at(-1)).toMatchObject({ type: 'PointDisconnected', pointId: 'DC-X1', reason: 'server_restart' });
      expect(replay(log)).toEqual(again.state);
    } finally {
      await second.close();
      await remove();
    }
  });
});
