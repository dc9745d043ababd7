import { mkdir, open, readdir, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../domain/core/errors.js';
import type { MeetingEvent } from '../../domain/core/events.js';
import { createLogger } from '../../logger.js';
import type { MeetingStore } from '../MeetingStore.js';

const logger = createLogger('FileMeetingStore');

export type FsyncPolicy = 'always' | 'never';

export interface FileMeetingStoreOptions {
  /** Directory holding one `<meetingId>.jsonl` per meeting. */
  dir: string;
  /**
   * `always` (default): an append resolves only after `fdatasync`, so an acked command survives a power cut. Appends
   * that arrive while a sync runs are written and synced together (group commit), so a join storm costs a few syncs,
   * not one per event. `never`: the OS decides when to flush (tests, demos).
   */
  fsync?: FsyncPolicy;
}

interface Pending {
  lines: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface LogFile {
  handle: FileHandle;
  lastSeq: number;
  pending: Pending[];
  flushing: boolean;
}

/** Embedded store: an append-only JSONL file per meeting, one event per line. */
export class FileMeetingStore implements MeetingStore {
  readonly #dir: string;
  readonly #fsync: FsyncPolicy;
  readonly #files = new Map<string, Promise<LogFile>>();
  #closed = false;

  private constructor({ dir, fsync = 'always' }: FileMeetingStoreOptions) {
    this.#dir = dir;
    this.#fsync = fsync;
  }

  static async create(options: FileMeetingStoreOptions): Promise<FileMeetingStore> {
    await mkdir(options.dir, { recursive: true });

    return new FileMeetingStore(options);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async append(meetingId: string, events: MeetingEvent[]): Promise<void> {
    this.#assertOpen();
    if (events.length === 0) {
      return;
    }
    const creating = events[0]?.type === 'MeetingCreated';
    const file = await this.#file(meetingId, creating);
    if (creating && file.lastSeq > 0) {
      throw new DomainError('MEETING_EXISTS', `Hội nghị ${meetingId} đã tồn tại (meeting exists)`);
    }
    events.forEach((event, i) => {
      if (event.seq !== file.lastSeq + i + 1) {
        throw new TypeError(`append(): seq ${event.seq} does not follow ${file.lastSeq + i} [meetingId:${meetingId}]`);
      }
    });
    file.lastSeq += events.length;
    const lines = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    await new Promise<void>((resolve, reject) => {
      file.pending.push({ lines, resolve, reject });
      void this.#flush(file);
    });
  }

  async read(meetingId: string): Promise<MeetingEvent[]> {
    const path = this.#path(meetingId);
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw DomainError.meetingNotFound(meetingId);
      }
      throw error;
    }
    const events: MeetingEvent[] = [];
    let offset = 0;
    for (const line of content.split('\n')) {
      if (line.length === 0) {
        offset += 1;
        continue;
      }
      try {
        events.push(JSON.parse(line) as MeetingEvent);
      } catch {
        // A torn last line from a crash mid-write: it was never acked, so drop it and keep the log appendable.
        logger.warn({ meetingId, offset }, 'read() | truncating torn tail');
        await truncate(path, Buffer.byteLength(content.slice(0, offset)));
        break;
      }
      offset += line.length + 1;
    }

    return events;
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.#dir);

    return names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length));
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    for (const filePromise of this.#files.values()) {
      const file = await filePromise.catch(() => null);
      if (file !== null) {
        while (file.flushing || file.pending.length > 0) {
          await new Promise((r) => setTimeout(r, 5));
        }
        await file.handle.close();
      }
    }
    this.#files.clear();
  }

  #path(meetingId: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(meetingId)) {
      throw new TypeError(`invalid meeting id ${meetingId}`);
    }

    return join(this.#dir, `${meetingId}.jsonl`);
  }

  #file(meetingId: string, creating: boolean): Promise<LogFile> {
    let file = this.#files.get(meetingId);
    if (file === undefined) {
      file = (async () => {
        const lastSeq = creating ? await this.#lastSeqIfAny(meetingId) : (await this.read(meetingId)).length;
        const handle = await open(this.#path(meetingId), 'a');

        return { handle, lastSeq, pending: [], flushing: false };
      })();
      this.#files.set(meetingId, file);
      file.catch(() => this.#files.delete(meetingId));
    }

    return file;
  }

  async #lastSeqIfAny(meetingId: string): Promise<number> {
    try {
      return (await this.read(meetingId)).length;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'MEETING_NOT_FOUND') {
        return 0;
      }
      throw error;
    }
  }

  async #flush(file: LogFile): Promise<void> {
    if (file.flushing) {
      return;
    }
    file.flushing = true;
    while (file.pending.length > 0) {
      const batch = file.pending.splice(0);
      try {
        await file.handle.write(batch.map((p) => p.lines).join(''));
        if (this.#fsync === 'always') {
          await file.handle.datasync();
        }
        batch.forEach((p) => p.resolve());
      } catch (error) {
        logger.error({ err: error }, '#flush() | append failed');
        // Forget the handle: the next append re-reads the log (dropping any torn tail) and continues from it.
        file.pending.splice(0).forEach((p) => batch.push(p));
        for (const [id, cached] of this.#files) {
          if ((await cached.catch(() => null)) === file) {
            this.#files.delete(id);
          }
        }
        await file.handle.close().catch(() => undefined);
        batch.forEach((p) =>
          p.reject(new DomainError('STORE_UNAVAILABLE', 'Không ghi được nhật ký (log write failed)')),
        );
      }
    }
    file.flushing = false;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new Error('InvalidStateError: FileMeetingStore closed');
    }
  }
}
