import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LinkCredentials } from '../LinkCredentials.js';

/** The invitations as one JSON file readable by this server's user only, replaced atomically on every change. */
export class FileLinkCredentials implements LinkCredentials {
  readonly #path: string;
  #cache: Promise<Record<string, string>> | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor({ path }: { path: string }) {
    this.#path = path;
  }

  async get(meetingId: string): Promise<string | null> {
    return (await this.#all())[meetingId] ?? null;
  }

  put(meetingId: string, linkToken: string): Promise<void> {
    return this.#change((all) => ({ ...all, [meetingId]: linkToken }));
  }

  remove(meetingId: string): Promise<void> {
    return this.#change((all) => Object.fromEntries(Object.entries(all).filter(([id]) => id !== meetingId)));
  }

  #all(): Promise<Record<string, string>> {
    this.#cache ??= readFile(this.#path, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, string>,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          return {};
        }
        this.#cache = null;
        throw error;
      },
    );

    return this.#cache;
  }

  /** Changes run one after another, each written whole (write, then rename) before the next. */
  #change(change: (all: Record<string, string>) => Record<string, string>): Promise<void> {
    const write = this.#writing.then(async () => {
      const next = change(await this.#all());
      await mkdir(dirname(this.#path), { recursive: true });
      const temp = `${this.#path}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(next), { mode: 0o600, flush: true });
      await rename(temp, this.#path);
      this.#cache = Promise.resolve(next);
    });
    this.#writing = write.catch(() => undefined);

    return write;
  }
}
