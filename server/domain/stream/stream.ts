import type { StreamStatus } from './types.js';

export type { StreamState, StreamStatus } from './types.js';

/** The state in words, for the consoles and the API (Vietnamese, English). */
export const STREAM_WORDS: Record<StreamStatus, { vi: string; en: string }> = {
  live: { vi: 'đang phát', en: 'live' },
  stopped: { vi: 'dừng', en: 'stopped' },
  failed: { vi: 'lỗi', en: 'failed' },
};

/** A stretch the meeting was live to the public: from its start to its stop (`null`: still live). */
export interface StreamSpan {
  from: number;
  to: number | null;
}

/** The stretches of the log during which the meeting was streamed, for the minutes ("Phát trực tiếp từ … đến …"). */
export function streamSpans(events: readonly { type: string; at: number; status?: string }[]): StreamSpan[] {
  const spans: StreamSpan[] = [];
  for (const event of events) {
    const open = spans.at(-1);
    if (event.type === 'StreamChanged' && event.status === 'live') {
      if (open === undefined || open.to !== null) {
        spans.push({ from: event.at, to: null });
      }
    } else if ((event.type === 'StreamChanged' || event.type === 'MeetingEnded') && open?.to === null) {
      open.to = event.at;
    }
  }

  return spans;
}
