import type { StreamStatus } from './types.js';

export type { StreamState, StreamStatus } from './types.js';

/** The state in words, for the consoles and the API (Vietnamese, English). */
export const STREAM_WORDS: Record<StreamStatus, { vi: string; en: string }> = {
  live: { vi: 'đang phát', en: 'live' },
  stopped: { vi: 'dừng', en: 'stopped' },
  failed: { vi: 'lỗi', en: 'failed' },
};
