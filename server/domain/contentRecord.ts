import type { MeetingEvent } from './events.js';

/** What was shown, for the record: a document and its pages in the order first shown, or a screen. */
export interface ShownContent {
  kind: 'slides' | 'screen';
  presenter: string;
  documentId: string | null;
  name: string | null;
  pages: number[];
}

/** What was shown between `from` and `to` (epoch ms), from the log; names from the documents ever attached. */
export function shownBetween(events: readonly MeetingEvent[], from: number, to: number): ShownContent[] {
  const names = new Map<string, string>();
  const shown: ShownContent[] = [];
  for (const event of events) {
    if (event.type === 'DocumentAttached') {
      names.set(event.documentId, event.name);
    }
    if (event.type !== 'ContentShown' || event.at < from || event.at > to) {
      continue;
    }
    const same = shown.find(
      (s) => s.kind === event.kind && s.presenter === event.presenter && s.documentId === event.documentId,
    );
    const entry = same ?? {
      kind: event.kind,
      presenter: event.presenter,
      documentId: event.documentId,
      name: event.documentId === null ? null : (names.get(event.documentId) ?? null),
      pages: [],
    };
    if (same === undefined) {
      shown.push(entry);
    }
    if (event.page !== null && !entry.pages.includes(event.page)) {
      entry.pages.push(event.page);
    }
  }

  return shown;
}

/** "1–3, 5" for pages 1, 2, 3 and 5. */
export function pageRanges(pages: readonly number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] ?? 0;
    let end = start;
    while (sorted[i + 1] === end + 1) {
      end = sorted[++i] ?? end;
    }
    ranges.push(start === end ? String(start) : `${start}–${end}`);
  }

  return ranges.join(', ');
}
