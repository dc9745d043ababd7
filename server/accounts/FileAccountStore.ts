import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Account } from '../domain/directory/accounts.js';
import type { AccountStore } from './AccountStore.js';

/** The embedded store: every account in one JSON file, rewritten whole (atomically) on each change. */
export class FileAccountStore implements AccountStore {
  readonly #path: string;
  readonly #accounts = new Map<string, Account>();
  #writing: Promise<unknown> = Promise.resolve();

  private constructor(path: string) {
    this.#path = path;
  }

  static async create({ path }: { path: string }): Promise<FileAccountStore> {
    const store = new FileAccountStore(path);
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        return '[]';
      }
      throw error;
    });
    for (const account of JSON.parse(text) as Account[]) {
      store.#accounts.set(account.username, account);
    }

    return store;
  }

  async get(username: string): Promise<Account | null> {
    return this.#accounts.get(username) ?? null;
  }

  async list(): Promise<Account[]> {
    return [...this.#accounts.values()];
  }

  async create(account: Account): Promise<boolean> {
    if (this.#accounts.has(account.username)) {
      return false;
    }
    this.#accounts.set(account.username, account);
    await this.#save();

    return true;
  }

  async update(account: Account): Promise<void> {
    this.#accounts.set(account.username, account);
    await this.#save();
  }

  async close(): Promise<void> {
    await this.#writing;
  }

  /** One write at a time, each of the whole current map: the file never holds a half-written change. */
  #save(): Promise<void> {
    const run = this.#writing.then(async () => {
      const text = JSON.stringify([...this.#accounts.values()], null, 1);
      await writeFile(`${this.#path}.tmp`, text, { encoding: 'utf8', mode: 0o600 });
      await rename(`${this.#path}.tmp`, this.#path);
    });
    this.#writing = run.catch(() => undefined);

    return run;
  }
}
