import { DomainError } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import type { MeetingState } from '../core/model.js';
import { normalizeText } from '../core/text.js';
import type { StreamSetup, StreamStatus } from './types.js';

export { NO_STREAM_SETUP } from './types.js';
export type { StreamDestinationSetting, StreamSetup, StreamState, StreamStatus } from './types.js';

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

/** At most this many push destinations (each is an ffmpeg and an upload). */
export const MAX_STREAM_DESTINATIONS = 5;

/** Whether `url` is an RTMP or RTMPS ingest address. */
export function isRtmpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);

    return (parsed.protocol === 'rtmp:' || parsed.protocol === 'rtmps:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** The office's setup, checked: destinations named once each, each an RTMP(S) address. */
export function configureStream(state: MeetingState, command: Omit<StreamSetup, 'card'>): EventBody[] {
  if (command.destinations.length > MAX_STREAM_DESTINATIONS) {
    throw DomainError.validation(
      `Tối đa ${MAX_STREAM_DESTINATIONS} nơi phát tới (at most ${MAX_STREAM_DESTINATIONS} destinations)`,
    );
  }
  const destinations = command.destinations.map((d) => ({ name: normalizeText(d.name), url: d.url.trim() }));
  const names = new Set<string>();
  for (const [i, destination] of destinations.entries()) {
    const name = destination.name.toLocaleLowerCase('vi');
    if (name === '') {
      throw DomainError.validation('Nơi phát tới cần một tên (a destination needs a name)', [
        { path: `destinations.${i}.name`, message: 'một tên, như Cổng thông tin điện tử tỉnh (a name)' },
      ]);
    }
    if (names.has(name)) {
      throw DomainError.validation(`Trùng tên nơi phát tới: ${destination.name} (a name used twice)`, [
        { path: `destinations.${i}.name`, message: 'Tên này đã có (this name is used already)' },
      ]);
    }
    names.add(name);
    if (!isRtmpUrl(destination.url)) {
      throw DomainError.validation('Địa chỉ không phải rtmp:// hoặc rtmps:// (not an RTMP URL)', [
        { path: `destinations.${i}.url`, message: 'một địa chỉ rtmp:// hoặc rtmps:// (an RTMP or RTMPS URL)' },
      ]);
    }
  }
  const setup = state.streamSetup;
  if (
    setup.internal === command.internal &&
    setup.startWithMeeting === command.startWithMeeting &&
    setup.keepRecording === command.keepRecording &&
    JSON.stringify(setup.destinations) === JSON.stringify(destinations)
  ) {
    return [];
  }

  return [
    {
      type: 'StreamConfigured',
      internal: command.internal,
      startWithMeeting: command.startWithMeeting,
      keepRecording: command.keepRecording,
      destinations,
    },
  ];
}

/** The still card shown instead of the program, or the program again. */
export function showStreamCard(state: MeetingState, shown: boolean): EventBody[] {
  return state.streamSetup.card === shown ? [] : [{ type: 'StreamCardChanged', shown }];
}
