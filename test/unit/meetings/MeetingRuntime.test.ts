import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MeetingService } from '../../../server/meetings/MeetingService.js';
import { FileDirectoryStore } from '../../../server/store/embedded/FileDirectoryStore.js';
import { FileMeetingStore } from '../../../server/store/embedded/FileMeetingStore.js';
import { point, smallDirectory, smallMeetingInput } from '../../helpers/domain.js';
import { tempDir } from '../../helpers/tmp.js';

describe('MeetingRuntime timers', () => {
  let service: MeetingService;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const temp = await tempDir();
    remove = temp.remove;
    service = await MeetingService.create({
      store: await FileMeetingStore.create({ dir: join(temp.dir, 'meetings'), fsync: 'never' }),
      directoryStore: new FileDirectoryStore({ path: join(temp.dir, 'directory.json') }),
    });
    await service.replaceDirectory(smallDirectory());
  });

  afterEach(async () => {
    vi.useRealTimers();
    await service.close();
    await remove();
  });

  const started = async () => {
    const runtime = await service.createMeeting({ ...smallMeetingInput(), id: 'm-timers' });
    await runtime.execute({ type: 'meeting.open' }, { role: 'chair' });
    await runtime.execute({ type: 'meeting.start' }, { role: 'chair' });

    return runtime;
  };

  it('warns the speaker 30 s before the limit and revokes at the limit, by itself', async () => {
    const runtime = await started();
    const seen: string[] = [];
    service.onEvents((_rt, events) => seen.push(...events.map((e) => e.type)));
    await runtime.execute({ type: 'floor.request', pointId: 'DC-X1', kind: 'speech' }, point('DC-X1'));
    await runtime.execute({ type: 'floor.next', limitSec: 60 }, { role: 'chair' });

    await vi.advanceTimersByTimeAsync(29_000);
    await runtime.idle();
    expect(runtime.state.floor?.warned).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await runtime.idle();
    expect(runtime.state.floor?.warned).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    await runtime.idle();
    expect(runtime.state.floor).toBeNull();
    expect(runtime.state.turns).toMatchObject([{ pointId: 'DC-X1', reason: 'limit' }]);
    expect(seen).toEqual(['FloorRequested', 'FloorGranted', 'SpeakingWarned', 'FloorEnded']);
  });

  it('passes the roll-call deadline and closes after the late window', async () => {
    const runtime = await started();
    await runtime.execute({ type: 'rollcall.start', deadlineSec: 10 }, { role: 'chair' });
    await vi.advanceTimersByTimeAsync(10_000);
    await runtime.idle();
    expect(runtime.state.rollCalls[0]?.deadlinePassed).toBe(true);
    await vi.advanceTimersByTimeAsync(runtime.state.def.settings.rollCallLateWindowSec * 1000);
    await runtime.idle();
    expect(runtime.state.rollCalls[0]?.closeReason).toBe('window');
  });

  it('a revoke before the limit cancels the timer', async () => {
    const runtime = await started();
    await runtime.execute({ type: 'floor.grant', pointId: 'DC-X2', limitSec: 60 }, { role: 'chair' });
    await runtime.execute({ type: 'floor.revoke' }, { role: 'chair' });
    const seq = runtime.state.seq;
    await vi.advanceTimersByTimeAsync(120_000);
    await runtime.idle();
    expect(runtime.state.seq).toBe(seq);
  });
});
