import { useState } from 'react';
import type { Ack } from '../../../server/protocol/common.js';

/** Where a save stands: nothing yet, on its way, confirmed by the server (when), or refused (why). */
export type SaveStatus =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: number } | { kind: 'failed'; message: string };

const storageKey = (key: string) => `diemcau.draft.${key}`;

function readDraft(key: string): string | null {
  try {
    return localStorage.getItem(storageKey(key));
  } catch {
    return null;
  }
}

function writeDraft(key: string, text: string | null): void {
  try {
    if (text === null) {
      localStorage.removeItem(storageKey(key));
    } else {
      localStorage.setItem(storageKey(key), text);
    }
  } catch {
    // Storage refused (private mode, full): the draft lives in the page only.
  }
}

/**
 * A text the secretary writes into the record: typed text is kept in this browser until the server confirms the
 * save, so a reload or a crashed tab loses nothing; every save is confirmed ("Đã lưu lúc 10:32") or says why not.
 */
export function useDraft(key: string, saved: string | null) {
  const [draft, setDraftState] = useState<string | null>(() => readDraft(key));
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const text = draft ?? saved ?? '';
  const dirty = draft !== null && draft !== (saved ?? '');

  return {
    text,
    dirty,
    status,
    setDraft(next: string) {
      setDraftState(next);
      writeDraft(key, next);
      setStatus({ kind: 'idle' });
    },
    async save(
      send: (text: string) => Promise<Ack<object>>,
      describe: (error: { code: string; message: string }) => string,
    ) {
      setStatus({ kind: 'saving' });
      const ack = await send(text);
      if (ack.ok) {
        setDraftState(null);
        writeDraft(key, null);
        setStatus({ kind: 'saved', at: Date.now() });
      } else {
        setStatus({ kind: 'failed', message: describe(ack.error) });
      }
    },
  };
}
