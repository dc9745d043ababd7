import { describe, expect, it } from 'vitest';
import type { LoggedTurn } from '../../../server/domain/record/record.js';
import { chaptersOf, hasRoom, offsetText, recordingOffset } from '../../../server/domain/record/recording.js';

const S = 1000;

const turn = (n: number, grantedAt: number, endedAt: number, topic: string | null = null): LoggedTurn => ({
  turn: n,
  pointId: `DC-X${n + 1}`,
  pointName: `Điểm cầu X${n + 1}`,
  kind: topic === null ? 'speech' : 'petition',
  topic,
  department: null,
  grantedAt,
  endedAt,
  durationSec: (endedAt - grantedAt) / 1000,
  answers: [],
  summary: null,
});

describe('recording rules', () => {
  // Recorded 0–100 s and 120–200 s of the meeting's clock: a 20 s gap (a failure, then a restart).
  const spans = [
    { startedAt: 0, endedAt: 100 * S },
    { startedAt: 120 * S, endedAt: 200 * S },
  ];

  it('places a moment of the meeting in the joined file, skipping what was not recorded', () => {
    expect(recordingOffset(spans, 30 * S)).toBe(30);
    expect(recordingOffset(spans, 130 * S)).toBe(110);
    expect(recordingOffset(spans, 110 * S)).toBeNull();
    expect(recordingOffset([{ startedAt: 0, endedAt: null }], 50 * S, 60 * S)).toBe(50);
  });

  it('names a chapter per recorded turn, back to the program between turns', () => {
    const chapters = chaptersOf(
      [turn(0, 10 * S, 40 * S, 'Sạt lở bờ sông'), turn(1, 105 * S, 110 * S), turn(2, 150 * S, 200 * S)],
      spans,
      200 * S,
    );
    expect(chapters).toEqual([
      { startSec: 0, endSec: 10, title: 'Chương trình hội nghị' },
      { startSec: 10, endSec: 40, title: 'Lượt 1: Điểm cầu X1 — kiến nghị: Sạt lở bờ sông' },
      { startSec: 40, endSec: 130, title: 'Chương trình hội nghị' },
      { startSec: 130, endSec: 180, title: 'Lượt 3: Điểm cầu X3 — phát biểu' },
    ]);
    expect(chaptersOf([], [], 0)).toEqual([]);
  });

  it('writes offsets as people read them and keeps a floor of free disk', () => {
    expect(offsetText(75)).toBe('01:15');
    expect(offsetText(3723)).toBe('1:02:03');
    expect(hasRoom(2_000, 1_000)).toBe(true);
    expect(hasRoom(999, 1_000)).toBe(false);
  });
});
