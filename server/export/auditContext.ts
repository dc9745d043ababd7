import type { DirectoryIndex } from '../domain/directory/directory.js';
import type { Words } from './words.js';

/** What describing one event of the audit trail needs to know: its language, names and the meeting so far. */
export interface Context {
  say: (words: Words) => string;
  pointName: (id: string) => string;
  index: DirectoryIndex;
  requests: Map<string, string>;
  agenda: readonly { title: string }[];
  /** Document names by id, as attached so far. */
  documents: Map<string, string>;
}
