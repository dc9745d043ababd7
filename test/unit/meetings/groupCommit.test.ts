import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replay } from '../../../server/domain/apply.js';
import { DomainError } from '../../../server/domain/core/errors.js';
import type { MeetingEvent } from '../../../server/domain/core/events.js';
import { MeetingService } from '../../../server/meetings/MeetingService.js';
import { Faults } from '../../../server/telemetry/Faults.js';
import { FileDirectoryStore } from '../../../server/store/embedded/FileDirectoryStore.js';
import { FileMeetingStore } from '../../../server/store/embedded/FileMeetingStore.js';
import type { MeetingStore } from '../../../server/store/MeetingStore.js';
import { point, smallDirectory, smallMeetingInput } from '../../helpers/domain.js';
import { tempDir } from '../../helpers/tmp.js';

/** A real file store whose appends can be held open or made to fail, counting each append's size. */
class GatedStore implements MeetingStore {
  readonly appends: number[] = [];
  /** Appends this says yes to fail, as a full disk would. */
  failWhen: (events: MeetingEvent[]) => boolean = () => false;
  #gate: Promise<void> | null = null;
  #open: () => void = () => undefined;

  constructor(readonly inner: FileMeetingStore) {}

  get closed(): boolean {
    return this.inner.closed;
  }

  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  release(): void {
    this.#gate = null;
    this.#open();
  }

  async append(meetingId: string, events: MeetingEvent[]): Promise<void> {
    this.appends.push(events.length);
    await this.#gate;
    if (this.failWhen(events)) {
      throw new Error('ENOSPC: no space left on device');
    }
    await this.inner.append(meetingId, events);
  }

  read(meetingId: string): Promise<MeetingEvent[]> {
    return this.inner.read(meetingId);
  }

  list(): Promise<string[]> {
    return this.inner.list();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('MeetingRuntime group commit', () => {
  let service: MeetingService;
  let store: GatedStore;
  let remove: () => Promise<void>;
  let faults: Faults;

  beforeEach(async () => {
    const temp = await tempDir();
    remove = temp.remove;
    store = new GatedStore(await FileMeetingStore.create({ dir: join(temp.dir, 'meetings'), fsync: 'always' }));
    faults = new Faults();
    service = await MeetingService.create({
      store,
      faults,
      directoryStore: new FileDirectoryStore({ path: join(temp.dir, 'directory.json') }),
    });
    await service.replaceDirectory(smallDirectory());
  });

  afterEach(async () => {
    store.release();
    await service.close();
    await remove();
  });

  const inSession = async () => {
    const runtime = await service.createMeeting({ ...smallMeetingInput(), id: 'm-group' });
    await runtime.execute({ type: 'meeting.open' }, { role: 'chair' });
    await runtime.execute({ type: 'meeting.start' }, { role: 'chair' });
    await runtime.execute({ type: 'rollcall.start', deadlineSec: 60 }, { role: 'chair' });

    return runtime;
  };

  const confirm = (pointId: string) =>
    ({ type: 'rollcall.confirm', pointId, headcount: 7, presiding: { name: 'Lê Thị Hoa', title: 'Bí thư' } }) as const;

  it('commands queued behind an append are decided in order and stored in one append, one fan-out', async () => {
    const runtime = await inSession();
    const batches: string[][] = [];
    service.onEvents((_rt, events) => batches.push(events.map((e) => e.type)));
    store.appends.length = 0;
    store.hold();
    // The first confirmation's append is held open; the next three and a refused one queue behind it.
    const first = runtime.execute(confirm('DC-X1'), point('DC-X1'));
    await new Promise((r) => setImmediate(r));
    const rest = ['DC-X2', 'DC-X3', 'DC-X4'].map((id) => runtime.execute(confirm(id), point(id)));
    const refused = runtime.execute({ type: 'meeting.start' }, { role: 'chair' });
    store.release();

    await first;
    const results = await Promise.all(rest);
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    expect(store.appends).toEqual([1, 3]);
    expect(batches).toEqual([['RollCallConfirmed'], ['RollCallConfirmed', 'RollCallConfirmed', 'RollCallConfirmed']]);
    // Each command's ack names its own events, in the order they were sent.
    expect(results.map((r) => r.events.map((e) => e.type === 'RollCallConfirmed' && e.pointId))).toEqual([
      ['DC-X2'],
      ['DC-X3'],
      ['DC-X4'],
    ]);
    expect(replay(await store.read('m-group'))).toEqual(runtime.state);
  });

  it('a failed append refuses its whole batch and leaves the state as the log has it', async () => {
    const runtime = await inSession();
    store.failWhen = (events) => events.length > 1;
    store.hold();
    const first = runtime.execute(confirm('DC-X1'), point('DC-X1'));
    await new Promise((r) => setImmediate(r));
    // These two are decided together while the first append is held, and their one append fails.
    const failed = ['DC-X2', 'DC-X3'].map((id) => runtime.execute(confirm(id), point(id)));
    store.release();
    await first;
    for (const result of failed) {
      await expect(result).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    }
    expect(Object.keys(runtime.state.rollCalls[0]?.confirmations ?? {})).toEqual(['DC-X1']);
    expect(replay(await store.read('m-group'))).toEqual(runtime.state);

    // The meeting goes on: the same confirmation is taken once the store writes again.
    store.failWhen = () => false;
    await runtime.execute(confirm('DC-X2'), point('DC-X2'));
    expect(Object.keys(runtime.state.rollCalls[0]?.confirmations ?? {})).toEqual(['DC-X1', 'DC-X2']);
    expect(replay(await store.read('m-group'))).toEqual(runtime.state);
  });

  it('a command whose rule fails unexpectedly is refused alone: the meeting is rebuilt from its log, the rest of its batch goes on, the fault is counted', async () => {
    const runtime = await inSession();
    store.hold();
    const first = runtime.execute(confirm('DC-X1'), point('DC-X1'));
    await new Promise((r) => setImmediate(r));
    // Decided in one batch behind the held append: a confirmation, a command that throws what no rule names (a bug
    // reached through input no schema caught), and another confirmation.
    const before = runtime.execute(confirm('DC-X2'), point('DC-X2'));
    const broken = runtime.execute(
      {
        type: 'rollcall.confirm',
        pointId: 'DC-X3',
        get headcount(): number {
          throw new TypeError('a bug in a rule');
        },
        presiding: { name: 'Lê Thị Hoa', title: 'Bí thư' },
      },
      point('DC-X3'),
    );
    const after = runtime.execute(confirm('DC-X4'), point('DC-X4'));
    store.release();
    await first;
    await expect(broken).rejects.toMatchObject({ code: 'INTERNAL' });
    await before;
    await after;
    expect(Object.keys(runtime.state.rollCalls[0]?.confirmations ?? {}).sort()).toEqual(['DC-X1', 'DC-X2', 'DC-X4']);
    expect(replay(await store.read('m-group'))).toEqual(runtime.state);
    expect(faults.counts.get('meeting')).toBe(1);
  });
});
