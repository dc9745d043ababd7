import { describe, expect, it } from 'vitest';
import { streamSpans } from '../../../server/domain/stream/stream.js';

describe('when a meeting was live to the public (the minutes)', () => {
  it('runs from each start to its stop, a failure or the end of the meeting; a repeated start opens nothing new', () => {
    const at = (minute: number) => Date.UTC(2026, 11, 7, 1, minute);
    expect(
      streamSpans([
        { type: 'SessionStarted', at: at(0) },
        { type: 'StreamChanged', at: at(5), status: 'live' },
        { type: 'StreamChanged', at: at(6), status: 'live' },
        { type: 'StreamChanged', at: at(20), status: 'stopped' },
        { type: 'StreamChanged', at: at(30), status: 'live' },
        { type: 'StreamChanged', at: at(31), status: 'failed' },
        { type: 'StreamChanged', at: at(40), status: 'live' },
        { type: 'MeetingEnded', at: at(50) },
      ]),
    ).toEqual([
      { from: at(5), to: at(20) },
      { from: at(30), to: at(31) },
      { from: at(40), to: at(50) },
    ]);
    expect(streamSpans([{ type: 'StreamChanged', at: at(5), status: 'live' }])).toEqual([{ from: at(5), to: null }]);
    expect(streamSpans([{ type: 'MeetingEnded', at: at(5) }])).toEqual([]);
  });
});
