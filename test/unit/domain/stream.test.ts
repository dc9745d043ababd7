import { describe, expect, it } from 'vitest';
import { NO_STREAM_SETUP, streamSpans } from '../../../server/domain/stream/stream.js';
import { playlistEntries, vodPlaylist } from '../../../server/stream/VodArchive.js';
import { CHAIR, codeOf, Meeting, point } from '../../helpers/domain.js';

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

describe('how the office sets the stream up', () => {
  const ADMIN = { role: 'admin' } as const;
  const setup = (destinations: { name: string; url: string }[], internal = false) => ({
    type: 'stream.configure' as const,
    internal,
    startWithMeeting: true,
    keepRecording: true,
    destinations,
  });

  it('keeps names in one Unicode form, refuses a name used twice (any case or form) or an address not RTMP', () => {
    const meeting = new Meeting();
    // "Cổng" typed decomposed (as some keyboards send it) and composed: the same name.
    const decomposed = 'Co\u0302\u0309ng tỉnh';
    expect(codeOf(() => meeting.run(setup([{ name: 'x', url: 'https://portal.example/live' }]), ADMIN))).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      codeOf(() =>
        meeting.run(
          setup([
            { name: decomposed, url: 'rtmp://127.0.0.1/live/a' },
            { name: 'CỔNG TỈNH', url: 'rtmps://127.0.0.1/live/b' },
          ]),
          ADMIN,
        ),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(codeOf(() => meeting.run(setup([{ name: '  ', url: 'rtmp://127.0.0.1/live/a' }]), ADMIN))).toBe(
      'VALIDATION_FAILED',
    );
    expect(meeting.state.streamSetup).toEqual(NO_STREAM_SETUP);

    const events = meeting.run(setup([{ name: ` ${decomposed} `, url: 'rtmp://127.0.0.1/live/a ' }], true), ADMIN);
    expect(events).toMatchObject([
      { type: 'StreamConfigured', destinations: [{ name: 'Cổng tỉnh', url: 'rtmp://127.0.0.1/live/a' }] },
    ]);
    expect(meeting.state.streamSetup).toMatchObject({ internal: true, startWithMeeting: true, keepRecording: true });
    // The same again is not news; a chair may not set it up, only show the card.
    expect(meeting.run(setup([{ name: 'Cổng tỉnh', url: 'rtmp://127.0.0.1/live/a' }], true), ADMIN)).toEqual([]);
    expect(codeOf(() => meeting.run(setup([], false), CHAIR))).toBe('FORBIDDEN');
    expect(meeting.run({ type: 'stream.card', shown: true }, CHAIR)).toMatchObject([
      { type: 'StreamCardChanged', shown: true },
    ]);
    expect(meeting.run({ type: 'stream.card', shown: true }, CHAIR)).toEqual([]);
    expect(meeting.state.streamSetup.card).toBe(true);
    expect(codeOf(() => meeting.run({ type: 'stream.card', shown: false }, point('DC-X1')))).toBe('FORBIDDEN');
  });

  it('is not changed once the meeting has ended', () => {
    const meeting = new Meeting().startSession();
    meeting.run({ type: 'meeting.end' });
    expect(codeOf(() => meeting.run(setup([]), ADMIN))).not.toBe('passed');
  });
});

describe('the kept recording of a stream (VOD playlists)', () => {
  it("reads a live playlist's segments with their discontinuities, and writes them whole once ended", () => {
    const live = [
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:4',
      '#EXTINF:2.000000,',
      'a-seg4.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXTINF:1.960000,',
      'b-seg5.ts',
      '',
    ].join('\n');
    const entries = playlistEntries(live);
    expect(entries).toEqual([
      { uri: 'a-seg4.ts', duration: 2, discontinuity: false },
      { uri: 'b-seg5.ts', duration: 1.96, discontinuity: true },
    ]);
    const growing = vodPlaylist(entries, false);
    expect(growing).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(growing).not.toContain('#EXT-X-ENDLIST');
    const whole = vodPlaylist(entries, true);
    expect(whole).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(whole.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(playlistEntries(whole)).toEqual(entries);
  });
});
