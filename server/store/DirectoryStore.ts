import type { Directory } from '../domain/directory/directory.js';

/** Where the directory of units and points is kept. Replaced whole on import (all-or-nothing). */
export interface DirectoryStore {
  load(): Promise<Directory>;
  save(directory: Directory): Promise<void>;
}
