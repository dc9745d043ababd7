import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkPart, type DocumentStore } from './DocumentStore.js';

/** Documents as files: `<dir>/<meetingId>/<documentId>/<part>`, each written whole (a temporary file renamed). */
export class FileDocumentStore implements DocumentStore {
  readonly #dir: string;

  constructor({ dir }: { dir: string }) {
    this.#dir = dir;
  }

  async put(meetingId: string, documentId: string, part: string, bytes: Buffer): Promise<void> {
    checkPart(meetingId, documentId, part);
    const folder = join(this.#dir, meetingId, documentId);
    await mkdir(folder, { recursive: true });
    const temporary = join(folder, `.${part}.${process.pid}.tmp`);
    await writeFile(temporary, bytes, { flush: true });
    await rename(temporary, join(folder, part));
  }

  async get(meetingId: string, documentId: string, part: string): Promise<Buffer | null> {
    checkPart(meetingId, documentId, part);
    try {
      return await readFile(join(this.#dir, meetingId, documentId, part));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
  }

  async remove(meetingId: string, documentId: string): Promise<void> {
    checkPart(meetingId, documentId);
    await rm(join(this.#dir, meetingId, documentId), { recursive: true, force: true });
  }
}
