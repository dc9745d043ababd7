import { describe, expect, it } from 'vitest';
import { checkPin, identifyCaller, PIN_TRIES } from '../../../server/domain/sip/callers.js';
import { isFinal, redialDelay, stateForResponse } from '../../../server/domain/sip/callState.js';
import {
  allocateConferenceNumber,
  CONFERENCE_NUMBER,
  conferenceNumberOf,
  derivedConferenceNumber,
} from '../../../server/domain/sip/conferenceNumber.js';
import { dtmfAction } from '../../../server/domain/sip/dtmf.js';
import { sendsToStatedAddress } from '../../../server/domain/sip/mediaPath.js';
import { assignPins, pinLength } from '../../../server/domain/sip/pins.js';
import { meetingPins } from '../../../server/sip/pins.js';
import { normaliseSipAddress } from '../../../server/domain/sip/sipAddress.js';
import { Meeting, point, smallDirectory, smallMeetingInput } from '../../helpers/domain.js';

function directoryWithRooms() {
  const directory = smallDirectory();
  for (const p of directory.points) {
    if (p.code === 'DC-X1') {
      p.sipUri = 'phonghop-x1@10.20.30.41';
    }
    if (p.code === 'DC-T') {
      p.sipUri = 'hoitruong@10.20.30.1';
    }
  }

  return directory;
}

describe("a room system's SIP address", () => {
  it.each([
    ['sip:PhongHop-X1@10.20.30.41', 'phonghop-x1@10.20.30.41'],
    ['<sip:phonghop-x1@10.20.30.41:5060;transport=udp>', 'phonghop-x1@10.20.30.41'],
    ['"Xã Tân Sơn" <sip:phonghop-x1@10.20.30.41>;tag=abc', 'phonghop-x1@10.20.30.41'],
    ['sips:room@codec.tinh.gov.vn:5061', 'room@codec.tinh.gov.vn'],
    ['sip:room1@127.0.0.1:5080', 'room1@127.0.0.1:5080'],
    ['10.20.30.41', '10.20.30.41'],
  ])('%s reads as %s', (raw, expected) => {
    expect(normaliseSipAddress(raw)).toBe(expected);
  });

  it.each(['', 'sip:', 'sip:a@', 'sip:a b@host', 'sip:x@-bad-.host', 'sip:x@host:99999999'])('%j is not one', (raw) => {
    expect(normaliseSipAddress(raw)).toBeNull();
  });
});

describe('which room is calling', () => {
  const meeting = () =>
    new Meeting(smallMeetingInput({ invite: { points: ['DC-X1', 'DC-X2'] } }), directoryWithRooms());
  const nowhere = () => null;

  it('recognises an invited room by its From address, however the codec writes it', () => {
    expect(identifyCaller(meeting().state, '"Tân Sơn" <sip:PHONGHOP-X1@10.20.30.41:5060>', nowhere)).toEqual({
      kind: 'point',
      pointId: 'DC-X1',
    });
  });

  it('refuses a known room that is not invited (403) without asking it for a PIN', () => {
    const decision = identifyCaller(meeting().state, 'sip:khac@10.9.9.9', () => 'DC-X3');
    expect(decision).toEqual({ kind: 'refuse', status: 403, reason: 'not-invited' });
  });

  it('recognises an invited room whose address the directory learned after the meeting was made', () => {
    expect(identifyCaller(meeting().state, 'sip:moi@10.9.9.2', () => 'DC-X2')).toEqual({
      kind: 'point',
      pointId: 'DC-X2',
    });
  });

  it("refuses the hub: the chair's hall is not a point", () => {
    expect(identifyCaller(meeting().state, 'sip:hoitruong@10.20.30.1', nowhere)).toMatchObject({ reason: 'hub' });
  });

  it('asks an unknown room for its PIN', () => {
    expect(identifyCaller(meeting().state, 'sip:lạ@10.1.1.1', nowhere)).toEqual({ kind: 'askPin' });
  });

  it('refuses every call to an ended meeting (410)', () => {
    const m = meeting();
    m.run({ type: 'meeting.open' });
    m.run({ type: 'meeting.start' });
    m.run({ type: 'meeting.end' });
    expect(identifyCaller(m.state, 'sip:phonghop-x1@10.20.30.41', nowhere)).toMatchObject({ status: 410 });
  });

  it('lets a room in before the meeting opens (it waits, as a browser point does)', () => {
    expect(meeting().state.status).toBe('scheduled');
    expect(identifyCaller(meeting().state, 'sip:phonghop-x1@10.20.30.41', nowhere).kind).toBe('point');
  });

  it('takes a PIN keyed by the room, and refuses after three wrong ones', () => {
    const m = meeting();
    const pins = new Map([
      ['DC-X1', '482913'],
      ['DC-X2', '118204'],
    ]);
    expect(checkPin(m.state, pins, '118204#', 1)).toEqual({ kind: 'point', pointId: 'DC-X2' });
    expect(checkPin(m.state, pins, '000000', 1)).toEqual({ kind: 'retry', triesLeft: PIN_TRIES - 1 });
    expect(checkPin(m.state, pins, '', 2)).toEqual({ kind: 'retry', triesLeft: 1 });
    expect(checkPin(m.state, pins, '999999', PIN_TRIES)).toMatchObject({ kind: 'refuse', status: 403 });
  });
});

describe('keys on the remote', () => {
  it('"1" confirms presence in the open roll call, once', () => {
    const m = new Meeting().startSession();
    expect(dtmfAction(m.state, 'DC-X1', '1').command).toBeNull();
    m.run({ type: 'rollcall.start' });
    const action = dtmfAction(m.state, 'DC-X1', '1');
    expect(action.spoken).toBe('confirmed');
    m.run(action.command!, point('DC-X1'));
    expect(m.state.rollCalls.at(-1)?.confirmations['DC-X1']).toBeDefined();
    expect(dtmfAction(m.state, 'DC-X1', '1')).toEqual({ command: null, spoken: 'nothing' });
  });

  it('"*" asks for the floor and "#" withdraws; a second "*" changes nothing', () => {
    const m = new Meeting().startSession();
    const ask = dtmfAction(m.state, 'DC-X2', '*');
    expect(ask.command).toMatchObject({ type: 'floor.request', pointId: 'DC-X2', kind: 'speech' });
    m.run(ask.command!, point('DC-X2'));
    expect(m.queuePoints()).toEqual(['DC-X2']);
    expect(dtmfAction(m.state, 'DC-X2', '*').command).toBeNull();
    const withdraw = dtmfAction(m.state, 'DC-X2', '#');
    expect(withdraw.spoken).toBe('withdrawn');
    m.run(withdraw.command!, point('DC-X2'));
    expect(m.queuePoints()).toEqual([]);
    expect(dtmfAction(m.state, 'DC-X2', '#').command).toBeNull();
  });

  it('other keys and unknown points do nothing', () => {
    const m = new Meeting().startSession();
    expect(dtmfAction(m.state, 'DC-X1', '7').command).toBeNull();
    expect(dtmfAction(m.state, 'NOPE', '*').command).toBeNull();
  });
});

describe("a call's states", () => {
  it.each([
    [100, 'calling'],
    [180, 'ringing'],
    [183, 'ringing'],
    [200, 'connected'],
    [486, 'busy'],
    [600, 'busy'],
    [408, 'noAnswer'],
    [480, 'noAnswer'],
    [487, 'noAnswer'],
    [603, 'declined'],
    [403, 'declined'],
    [500, 'failed'],
  ] as const)('%i → %s', (status, state) => {
    expect(stateForResponse(status)).toBe(state);
  });

  it('redials only after an unexpected drop or no answer, with a growing, bounded wait', () => {
    expect(redialDelay('lost', 1)).toBe(2000);
    expect(redialDelay('lost', 2)).toBe(4000);
    expect(redialDelay('noAnswer', 5)).toBe(30_000);
    expect(redialDelay('lost', 6)).toBeNull();
    expect(redialDelay('ended', 1)).toBeNull();
    expect(redialDelay('busy', 1)).toBeNull();
    expect(redialDelay('declined', 1)).toBeNull();
    expect(isFinal('connected')).toBe(false);
    expect(isFinal('lost')).toBe(true);
  });
});

describe('conference numbers', () => {
  it('are six digits, derived from the id unless taken', () => {
    const derived = derivedConferenceNumber('giao-ban-thang-12');
    expect(derived).toMatch(CONFERENCE_NUMBER);
    expect(allocateConferenceNumber('giao-ban-thang-12', new Set())).toBe(derived);
    const next = allocateConferenceNumber('giao-ban-thang-12', new Set([derived]));
    expect(next).not.toBe(derived);
    expect(next).toMatch(CONFERENCE_NUMBER);
  });

  it('a meeting keeps the number it was given; an older one answers to its derived number', () => {
    const m = new Meeting();
    expect(conferenceNumberOf(m.state.def)).toBe(derivedConferenceNumber('m1'));
    expect(conferenceNumberOf({ ...m.state.def, conferenceNumber: '123456' })).toBe('123456');
  });
});

describe("where a room's media goes", () => {
  it('to the stated address only when the room signals from it; otherwise where its packets come from', () => {
    expect(sendsToStatedAddress('10.20.30.41', '10.20.30.41')).toBe(true);
    expect(sendsToStatedAddress('10.20.30.41', '::ffff:10.20.30.41')).toBe(true);
    expect(sendsToStatedAddress('192.168.1.10', '203.0.113.7')).toBe(false);
  });
});

describe("rooms' PINs", () => {
  const digitsOf = (pointId: string, round: number, length: number) =>
    // Every point draws the same PIN first: collisions are the rule here, not the exception.
    String(round).padStart(length, '0');

  it('are unique within a meeting: a contested PIN stays with the point invited first, the later one draws again', () => {
    const pins = assignPins(['DC-X1', 'DC-X2', 'DC-X3'], digitsOf);
    expect([...pins]).toEqual([
      ['DC-X1', '000000'],
      ['DC-X2', '000001'],
      ['DC-X3', '000002'],
    ]);
    // A point invited later does not change anyone's PIN.
    expect(assignPins(['DC-X1', 'DC-X2', 'DC-X3', 'DC-X4'], digitsOf).get('DC-X3')).toBe('000002');
  });

  it("are six digits for a province's meeting and eight for a national one", () => {
    expect(pinLength(200)).toBe(6);
    expect(pinLength(3400)).toBe(8);
    const many = Array.from({ length: 300 }, (_, i) => `DC-${i}`);
    expect(assignPins(many, digitsOf).get('DC-0')).toHaveLength(8);
  });

  it('are derived from the secret: the same on every node, another for another meeting, never the hub', () => {
    const m = new Meeting().startSession();
    const pins = meetingPins('s'.repeat(32), 'm1', m.state);
    expect(pins).toEqual(meetingPins('s'.repeat(32), 'm1', m.state));
    expect(pins.has(m.state.def.hubPointId)).toBe(false);
    expect([...pins.values()].every((pin) => /^[0-9]{6}$/.test(pin))).toBe(true);
    expect(new Set(pins.values()).size).toBe(pins.size);
    const other = meetingPins('s'.repeat(32), 'm2', m.state);
    expect([...other.values()]).not.toEqual([...pins.values()]);
    expect(meetingPins('t'.repeat(32), 'm1', m.state)).not.toEqual(pins);
    // The PIN the rules check is the one the secret gives.
    const [pointId, pin] = [...pins][0] ?? ['', ''];
    expect(checkPin(m.state, pins, `${pin}#`, 1)).toEqual({ kind: 'point', pointId });
  });
});
