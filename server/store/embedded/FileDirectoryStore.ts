import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Directory } from '../../domain/directory/directory.js';
import type { DirectoryStore } from '../DirectoryStore.js';

/** The directory as one JSON file, replaced atomically (write then rename) so a crash never leaves half of it. */
export class FileDirectoryStore implements DirectoryStore {
  readonly #path: string;

  constructor({ path }: { path: string }) {
    this.#path = path;
  }

  async load(): Promise<Directory> {
    try {
      return JSON.parse(await readFile(this.#path, 'utf8')) as Directory;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { units: [], points: [] };
      }
      throw error;
    }
  }

  async save(directory: Directory): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    const temp = `${this.#path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(directory), { flush: true });
    await rename(temp, this.#path);
  }
}
