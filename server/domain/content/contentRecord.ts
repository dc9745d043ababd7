import type { MeetingEvent } from '../core/events.js';

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

/**
 * Where each show of content belongs, by the log's order (events in one millisecond keep their order there, not in
 * their time): the turn open then (its index in the meeting's turns) or none (the hub's own), and the agenda item
 * current then.
 */
export function placesOfContent(
  events: readonly MeetingEvent[],
): { event: MeetingEvent & { type: 'ContentShown' }; turn: number | null; item: number }[] {
  const places: { event: MeetingEvent & { type: 'ContentShown' }; turn: number | null; item: number }[] = [];
  let closedTurns = 0;
  let floorOpen = false;
  let item = 0;
  for (const event of events) {
    if (event.type === 'FloorGranted') {
      floorOpen = true;
    } else if (event.type === 'FloorEnded' && floorOpen) {
      floorOpen = false;
      closedTurns += 1;
    } else if (event.type === 'AgendaAdvanced') {
      item = event.index;
    } else if (event.type === 'ContentShown') {
      places.push({ event, turn: floorOpen ? closedTurns : null, item });
    }
  }

  return places;
}

/** What these shows were, named from the documents attached in the log. */
export function shownOf(events: readonly MeetingEvent[], shows: readonly MeetingEvent[]): ShownContent[] {
  return shownBetween([...events.filter((e) => e.type === 'DocumentAttached'), ...shows], -Infinity, Infinity);
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

/** A page of a document on show, from `from` to `to` (epoch ms). */
export interface PageOnShow {
  documentId: string;
  page: number;
  from: number;
  to: number;
}

/**
 * The pages shown as slides between `from` and `to` (epoch ms), each with when it was on screen, clipped to that
 * stretch: what the recording draws in the program while slides are on. A screen, a stop or the meeting's end closes
 * the page on show.
 */
export function pagesOnShow(events: readonly MeetingEvent[], from: number, to: number): PageOnShow[] {
  const shown: PageOnShow[] = [];
  let open: Omit<PageOnShow, 'to'> | null = null;
  const close = (at: number) => {
    if (open !== null) {
      const clipped = { ...open, from: Math.max(open.from, from), to: Math.min(at, to) };
      if (clipped.to > clipped.from) {
        shown.push(clipped);
      }
    }
    open = null;
  };
  for (const event of events) {
    if (event.at > to) {
      break;
    }
    if (event.type === 'ContentShown') {
      close(event.at);
      if (event.kind === 'slides' && event.documentId !== null && event.page !== null) {
        open = { documentId: event.documentId, page: event.page, from: event.at };
      }
    } else if (event.type === 'ContentStopped' || event.type === 'MeetingEnded') {
      close(event.at);
    }
  }
  close(to);

  return shown;
}
