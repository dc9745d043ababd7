import type { LoggedTurn } from './record.js';

/**
 * Recording rules (pure). The recorder writes the program as segments, one per program source (the hub alone, or a
 * floor holder), and joins them at the end; these rules place a moment of the meeting in the joined file and name its
 * chapters.
 */

/** One recorded stretch of the program, in wall-clock time. */
export interface RecordedSpan {
  startedAt: number;
  /** `null` while it is still being recorded. */
  endedAt: number | null;
}

export interface Chapter {
  startSec: number;
  endSec: number;
  title: string;
}

/**
 * Where a moment of the meeting is in the recording, in seconds from its start, or `null` when nothing was recorded
 * then (before it started, between a failure and a restart).
 */
export function recordingOffset(spans: readonly RecordedSpan[], at: number, now = at): number | null {
  let before = 0;
  for (const span of spans) {
    const end = span.endedAt ?? now;
    if (at >= span.startedAt && at <= end) {
      return (before + (at - span.startedAt)) / 1000;
    }
    before += Math.max(0, end - span.startedAt);
  }

  return null;
}

/** Total recorded seconds. */
export function recordedSeconds(spans: readonly RecordedSpan[], now: number): number {
  return spans.reduce((sum, span) => sum + Math.max(0, (span.endedAt ?? now) - span.startedAt), 0) / 1000;
}

const KIND_WORDS: Record<string, string> = {
  speech: 'phát biểu',
  petition: 'kiến nghị',
  explanation: 'giải trình',
};

/**
 * The recording's chapters: the program from its start ("Chương trình hội nghị"), then each turn at the floor that
 * was recorded ("Lượt 3: Điểm cầu Xã Tân Sơn — kiến nghị: …"), each running to the next chapter or the end.
 */
export function chaptersOf(turns: readonly LoggedTurn[], spans: readonly RecordedSpan[], now: number): Chapter[] {
  const total = recordedSeconds(spans, now);
  if (total === 0) {
    return [];
  }
  const starts: { startSec: number; title: string }[] = [{ startSec: 0, title: 'Chương trình hội nghị' }];
  for (const turn of turns) {
    const startSec = recordingOffset(spans, turn.grantedAt, now);
    if (startSec === null) {
      continue;
    }
    const kind = turn.kind === null ? '' : ` — ${KIND_WORDS[turn.kind] ?? turn.kind}`;
    const topic = turn.topic === null ? '' : `: ${turn.topic}`;
    starts.push({ startSec, title: `Lượt ${turn.turn + 1}: ${turn.pointName}${kind}${topic}` });
    const endSec = recordingOffset(spans, turn.endedAt, now);
    if (endSec !== null && endSec < total) {
      starts.push({ startSec: endSec, title: 'Chương trình hội nghị' });
    }
  }
  // A chapter that starts where the next does is empty; the later one names the moment.
  const kept = starts.filter((c, i) => (starts[i + 1]?.startSec ?? Number.POSITIVE_INFINITY) > c.startSec);

  return kept.map((c, i) => ({ ...c, endSec: kept[i + 1]?.startSec ?? total }));
}

/** `1:02:03` or `02:03`: a position in the recording as people read it. */
export function offsetText(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;

  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** A recorder keeps going only while the disk keeps this much free; below it, it stops and says so. */
export function hasRoom(freeBytes: number, minFreeBytes: number): boolean {
  return freeBytes >= minFreeBytes;
}
