import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../server/domain/core/errors.js';
import { Meeting, point } from '../../helpers/domain.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) {
      return error.code;
    }
    throw error;
  }

  return 'no error';
};

describe('floor queue', () => {
  it('requestFloor() queues points in request order and acks their position', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.now += 1000;
    m.request('DC-X2');
    m.now += 1000;
    m.request('DC-X3');
    expect(m.queuePoints()).toEqual(['DC-X1', 'DC-X2', 'DC-X3']);
  });

  it('requestFloor() refuses a second request from a queued point and a request from the speaker', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    expect(codeOf(() => m.request('DC-X1'))).toBe('ALREADY_QUEUED');
    m.run({ type: 'floor.next' });
    expect(codeOf(() => m.request('DC-X1'))).toBe('ALREADY_SPEAKING');
  });

  it('requestFloor() is refused before the meeting opens and after it ends', () => {
    const m = new Meeting();
    expect(codeOf(() => m.request('DC-X1'))).toBe('MEETING_NOT_OPEN');
    m.startSession();
    m.run({ type: 'meeting.end' });
    expect(codeOf(() => m.request('DC-X1'))).toBe('MEETING_ENDED');
  });

  it('a point may request while the meeting is open but the session has not started; the chair grants only in session', () => {
    const m = new Meeting();
    m.run({ type: 'meeting.open' });
    const id = m.request('DC-X1');
    expect(codeOf(() => m.run({ type: 'floor.grant', requestId: id }))).toBe('MEETING_NOT_IN_SESSION');
  });

  it('higher priority goes first; equal priority keeps request time order', () => {
    const m = new Meeting().startSession();
    const a = m.request('DC-X1');
    m.now += 10;
    const b = m.request('DC-X2');
    m.now += 10;
    const c = m.request('DC-X3');
    m.run({ type: 'floor.setPriority', requestId: c, priority: 5 });
    expect(m.queuePoints()).toEqual(['DC-X3', 'DC-X1', 'DC-X2']);
    m.run({ type: 'floor.setPriority', requestId: b, priority: 5 });
    // b asked after a but before c: among priority 5, c (asked later) stays behind b.
    expect(m.queuePoints()).toEqual(['DC-X2', 'DC-X3', 'DC-X1']);
    m.run({ type: 'floor.setPriority', requestId: a, priority: 5 });
    expect(m.queuePoints()).toEqual(['DC-X1', 'DC-X2', 'DC-X3']);
  });

  it('a new request goes behind requests of higher priority', () => {
    const m = new Meeting().startSession();
    const a = m.request('DC-X1');
    m.run({ type: 'floor.setPriority', requestId: a, priority: 3 });
    m.now += 10;
    m.request('DC-X2');
    expect(m.queuePoints()).toEqual(['DC-X1', 'DC-X2']);
  });

  it('reorder() moves a request to a 1-based position and rejects positions outside the queue', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.request('DC-X2');
    const c = m.request('DC-X3');
    m.run({ type: 'floor.reorder', requestId: c, position: 1 });
    expect(m.queuePoints()).toEqual(['DC-X3', 'DC-X1', 'DC-X2']);
    m.run({ type: 'floor.reorder', requestId: c, position: 3 });
    expect(m.queuePoints()).toEqual(['DC-X1', 'DC-X2', 'DC-X3']);
    expect(codeOf(() => m.run({ type: 'floor.reorder', requestId: c, position: 4 }))).toBe('INVALID_POSITION');
    expect(codeOf(() => m.run({ type: 'floor.reorder', requestId: c, position: 0 }))).toBe('INVALID_POSITION');
    expect(codeOf(() => m.run({ type: 'floor.reorder', requestId: 'nope', position: 1 }))).toBe('REQUEST_NOT_FOUND');
  });

  it('grant() gives the floor to one holder at a time', () => {
    const m = new Meeting().startSession();
    const a = m.request('DC-X1');
    const b = m.request('DC-X2');
    m.run({ type: 'floor.grant', requestId: a });
    expect(m.state.floor?.pointId).toBe('DC-X1');
    expect(codeOf(() => m.run({ type: 'floor.grant', requestId: b }))).toBe('FLOOR_BUSY');
    expect(m.queuePoints()).toEqual(['DC-X2']);
  });

  it('grant() by pointId calls on a point that never asked, or serves its queued request', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'floor.grant', pointId: 'DC-X4' });
    expect(m.state.floor).toMatchObject({ pointId: 'DC-X4', requestId: null });
    m.run({ type: 'floor.revoke' });
    const b = m.request('DC-X2');
    m.run({ type: 'floor.grant', pointId: 'DC-X2' });
    expect(m.state.floor?.requestId).toBe(b);
    expect(m.state.queue).toEqual([]);
    m.run({ type: 'floor.revoke' });
    expect(codeOf(() => m.run({ type: 'floor.grant', pointId: 'DC-T' }))).toBe('NOT_INVITED');
    expect(codeOf(() => m.run({ type: 'floor.grant', pointId: 'nowhere' }))).toBe('NOT_INVITED');
  });

  it('deny() and withdraw() take a request out of the queue; a point can withdraw only its own', () => {
    const m = new Meeting().startSession();
    const a = m.request('DC-X1');
    const b = m.request('DC-X2');
    m.run({ type: 'floor.deny', requestId: a, reason: 'Hết thời gian' });
    expect(m.state.requests[a]?.status).toBe('denied');
    expect(codeOf(() => m.run({ type: 'floor.withdraw', pointId: 'DC-X3', requestId: b }, point('DC-X3')))).toBe(
      'NOT_YOUR_POINT',
    );
    expect(codeOf(() => m.run({ type: 'floor.withdraw', pointId: 'DC-X2', requestId: b }, point('DC-X3')))).toBe(
      'NOT_YOUR_POINT',
    );
    m.run({ type: 'floor.withdraw', pointId: 'DC-X2' }, point('DC-X2'));
    expect(m.state.queue).toEqual([]);
    expect(m.state.requests[b]?.status).toBe('withdrawn');
    expect(codeOf(() => m.run({ type: 'floor.withdraw', pointId: 'DC-X2' }, point('DC-X2')))).toBe(
      'REQUEST_NOT_QUEUED',
    );
  });

  it('next() ends the current turn and grants the head of the queue; with nothing left it reports QUEUE_EMPTY', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.request('DC-X2');
    m.run({ type: 'floor.next' });
    expect(m.state.floor?.pointId).toBe('DC-X1');
    m.run({ type: 'floor.next' });
    expect(m.state.floor?.pointId).toBe('DC-X2');
    expect(m.state.turns.map((t) => [t.pointId, t.reason])).toEqual([['DC-X1', 'next']]);
    m.run({ type: 'floor.next' });
    expect(m.state.floor).toBeNull();
    expect(codeOf(() => m.run({ type: 'floor.next' }))).toBe('QUEUE_EMPTY');
  });

  it('release() lets only the speaker end its own turn', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.run({ type: 'floor.next' });
    expect(codeOf(() => m.run({ type: 'floor.release', pointId: 'DC-X2' }, point('DC-X2')))).toBe('FLOOR_NOT_HELD');
    m.run({ type: 'floor.release', pointId: 'DC-X1' }, point('DC-X1'));
    expect(m.state.floor).toBeNull();
    expect(m.state.turns[0]?.reason).toBe('released');
  });

  it('warns at limit − 30 s and revokes at the limit, timed by the server clock', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.run({ type: 'floor.next', limitSec: 120 });
    expect(m.advance(89_999)).toEqual([]);
    expect(m.advance(1).map((e) => e.type)).toEqual(['SpeakingWarned']);
    expect(m.advance(29_999)).toEqual([]);
    const ended = m.advance(1);
    expect(ended.map((e) => e.type)).toEqual(['FloorEnded']);
    expect(ended[0]).toMatchObject({ reason: 'limit', pointId: 'DC-X1' });
    expect(m.state.floor).toBeNull();
  });

  it('a late tick fires the warning and the revoke together, in order', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.run({ type: 'floor.next' });
    expect(m.advance(400_000).map((e) => e.type)).toEqual(['SpeakingWarned', 'FloorEnded']);
  });

  it('the meeting default limit applies unless a grant sets its own', () => {
    const m = new Meeting().startSession();
    m.run({ type: 'floor.setLimit', limitSec: 60 });
    m.request('DC-X1');
    m.run({ type: 'floor.next' });
    expect(m.state.floor?.limitSec).toBe(60);
    expect(codeOf(() => m.run({ type: 'floor.setLimit', limitSec: 5 }))).toBe('VALIDATION_FAILED');
  });

  it('a petition takes answers; a speech does not', () => {
    const m = new Meeting().startSession();
    const petition = m.request('DC-X1', 'petition');
    const speech = m.request('DC-X2', 'speech');
    m.run({ type: 'floor.answer', requestId: petition, answeredBy: 'Sở Tài chính', text: 'Đã bố trí vốn.' });
    expect(m.state.requests[petition]?.answers).toEqual([
      { answeredBy: 'Sở Tài chính', text: 'Đã bố trí vốn.', at: m.now },
    ]);
    expect(codeOf(() => m.run({ type: 'floor.answer', requestId: speech, answeredBy: 'UBND', text: 'x' }))).toBe(
      'NOT_A_PETITION',
    );
  });

  it('a point keeps its queue position across a disconnect and reconnect', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    m.request('DC-X2');
    m.disconnect('DC-X1');
    m.now += 15_000;
    m.connect('DC-X1');
    expect(m.queuePoints()).toEqual(['DC-X1', 'DC-X2']);
  });

  it('ending the meeting ends the turn and expires waiting requests', () => {
    const m = new Meeting().startSession();
    m.request('DC-X1');
    const b = m.request('DC-X2');
    m.run({ type: 'floor.next' });
    m.run({ type: 'meeting.end' });
    expect(m.state.floor).toBeNull();
    expect(m.state.turns.at(-1)?.reason).toBe('meeting_ended');
    expect(m.state.requests[b]?.status).toBe('expired');
    expect(m.advance(1_000_000)).toEqual([]);
  });
});
