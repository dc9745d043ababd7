import { describe, expect, it } from 'vitest';
import { replay } from '../../../server/domain/apply.js';
import { PERMISSIONS, authorize } from '../../../server/domain/directory/authorize.js';
import type { Command } from '../../../server/domain/core/commands.js';
import { DomainError } from '../../../server/domain/core/errors.js';
import { CHAIR, Meeting, point } from '../../helpers/domain.js';

describe('event log', () => {
  it('replaying a whole meeting rebuilds exactly the live state', () => {
    const m = new Meeting().startSession();
    const presiding = { name: 'Lê Văn Bình', title: 'Chủ tịch UBND xã' };
    m.run({ type: 'rollcall.start', deadlineSec: 30 });
    m.run({ type: 'rollcall.confirm', pointId: 'DC-X1', headcount: 10, presiding }, point('DC-X1'));
    m.disconnect('DC-X2');
    m.advance(30_000);
    m.run({ type: 'rollcall.confirm', pointId: 'DC-X3', headcount: 7, presiding }, point('DC-X3'));
    m.run({ type: 'rollcall.close' });
    m.run({ type: 'agenda.advance' });
    m.run({ type: 'agenda.advance' });
    const a = m.request('DC-X1', 'petition');
    m.request('DC-X3');
    const c = m.request('DC-X4', 'explanation');
    m.run({ type: 'floor.setPriority', requestId: c, priority: 2 });
    m.run({ type: 'floor.next', limitSec: 60 });
    m.advance(60_000);
    m.run({ type: 'floor.grant', requestId: a });
    m.run({ type: 'floor.release', pointId: 'DC-X1' }, point('DC-X1'));
    m.run({ type: 'floor.answer', requestId: a, answeredBy: 'Sở Xây dựng', text: 'Tiếp thu.' });
    m.connect('DC-X2');
    m.run({ type: 'rollcall.rerun', rollCallId: 'rc1' });
    m.run(
      { type: 'point.readiness', pointId: 'DC-X2', camera: true, microphone: true, network: false },
      point('DC-X2'),
    );
    m.run({ type: 'meeting.end' });

    const rebuilt = replay(JSON.parse(JSON.stringify(m.log)));
    expect(rebuilt).toEqual(m.state);
    expect(m.log.map((e) => e.seq)).toEqual(m.log.map((_, i) => i + 1));
  });

  it('replay refuses a log with a gap or without MeetingCreated first', () => {
    const m = new Meeting().startSession();
    expect(() => replay([m.log[0]!, m.log[2]!])).toThrow(TypeError);
    expect(() => replay(m.log.slice(1))).toThrow(TypeError);
  });

  it('a refused command appends nothing and changes nothing', () => {
    const m = new Meeting().startSession();
    const before = JSON.stringify(m.state);
    expect(() => m.run({ type: 'floor.revoke' })).toThrow(DomainError);
    expect(() => m.run({ type: 'meeting.open' })).toThrow(DomainError);
    expect(JSON.stringify(m.state)).toBe(before);
  });
});

describe('lifecycle', () => {
  it('moves scheduled → open → in session → ended and refuses other transitions', () => {
    const m = new Meeting();
    expect(() => m.run({ type: 'meeting.start' })).toThrow(/INVALID|mở|bắt đầu/);
    m.run({ type: 'meeting.open' });
    m.run({ type: 'meeting.start' });
    expect(m.state).toMatchObject({ status: 'in_session', agendaIndex: 0 });
    m.run({ type: 'agenda.advance', index: 3 });
    expect(() => m.run({ type: 'agenda.advance' })).toThrow(DomainError);
    m.run({ type: 'meeting.end' });
    expect(m.state.status).toBe('ended');
    expect(() => m.run({ type: 'meeting.end' })).toThrow(DomainError);
  });

  it('points join the waiting room before the meeting opens, never after it ends; a second connect changes nothing', () => {
    const m = new Meeting();
    m.connect('DC-X1');
    expect(m.run({ type: 'point.connect', pointId: 'DC-X1' }, { role: 'system' })).toEqual([]);
    m.run({ type: 'meeting.open' });
    m.connect('DC-X2');
    m.run({ type: 'meeting.end' });
    expect(() => m.connect('DC-X3')).toThrow(DomainError);
  });
});

describe('authorize()', () => {
  const codeOf = (command: Command, actor: Parameters<typeof authorize>[1]) => {
    try {
      authorize(command, actor);

      return 'ok';
    } catch (error) {
      return (error as DomainError).code;
    }
  };

  it('only chairs run the meeting, grant, revoke, reorder and start roll calls', () => {
    for (const role of ['point', 'technician', 'observer'] as const) {
      const actor = role === 'point' ? point('DC-X1') : { role };
      expect(codeOf({ type: 'floor.grant', requestId: 'r1' }, actor)).toBe('NOT_CHAIR');
      expect(codeOf({ type: 'floor.reorder', requestId: 'r1', position: 1 }, actor)).toBe('NOT_CHAIR');
      expect(codeOf({ type: 'rollcall.start' }, actor)).toBe('NOT_CHAIR');
    }
    expect(codeOf({ type: 'floor.revoke' }, { role: 'cochair' })).toBe('ok');
  });

  it('a point acts only for itself', () => {
    expect(codeOf({ type: 'floor.request', pointId: 'DC-X2', kind: 'speech' }, point('DC-X1'))).toBe('NOT_YOUR_POINT');
    expect(codeOf({ type: 'floor.request', pointId: 'DC-X1', kind: 'speech' }, point('DC-X1'))).toBe('ok');
    expect(codeOf({ type: 'floor.request', pointId: 'DC-X1', kind: 'speech' }, CHAIR)).toBe('FORBIDDEN');
  });

  it('nobody but the server sends presence or ticks', () => {
    for (const type of ['point.connect', 'point.disconnect', 'tick'] as const) {
      expect(PERMISSIONS[type]).toEqual(['system']);
    }
    expect(codeOf({ type: 'tick' }, CHAIR)).toBe('FORBIDDEN');
  });
});
