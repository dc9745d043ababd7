import { describe, expect, it } from 'vitest';
import { replay } from '../../../server/domain/apply.js';
import type { Actor } from '../../../server/domain/core/model.js';
import { minutesOf } from '../../../server/domain/record/minutes.js';
import { deadlineEndsAt, isCalendarDate, taskState, turnLog } from '../../../server/domain/record/record.js';
import { DirectoryIndex } from '../../../server/domain/directory/directory.js';
import { codeOf, Meeting, point, T0 } from '../../helpers/domain.js';

const SECRETARY: Actor = { role: 'secretary', person: { username: 'thuky', name: 'Lê Thị Thu' } };
const OFFICE: Actor = { role: 'admin' };

/** A session with two finished turns: X1's petition to a department, then X3's speech. */
function briefing(): Meeting {
  const m = new Meeting().startSession();
  const petition = m.request('DC-X1', 'petition');
  m.run({ type: 'floor.grant', requestId: petition });
  m.advance(95_000);
  m.run({ type: 'floor.release', pointId: 'DC-X1' }, point('DC-X1'));
  m.run({ type: 'floor.answer', requestId: petition, answeredBy: 'Sở Xây dựng', text: 'Sẽ sửa trong quý I.' });
  m.run({ type: 'floor.grant', pointId: 'DC-X3' });
  m.advance(60_000);
  m.run({ type: 'floor.revoke' });

  return m;
}

describe("the secretary's record", () => {
  it('summaries, conclusion and tasks are events: in the log with the person, and replayed to the same state', () => {
    const m = briefing();
    // Typed in decomposed form (as some keyboards send it): stored composed.
    const decomposed = 'Xã kiến nghị sửa đường liên xã'.normalize('NFD');
    const [summary] = m.run({ type: 'record.summarize', turn: 0, text: `  ${decomposed} ` }, SECRETARY);
    expect(summary).toMatchObject({ type: 'TurnSummarized', by: { person: { name: 'Lê Thị Thu' } } });
    m.run({ type: 'record.conclude', text: 'Các xã khẩn trương hoàn thành.\nSở Xây dựng hướng dẫn.' }, SECRETARY);
    m.run({ type: 'task.assign', text: 'Sửa đường liên xã', unitId: 'X1', deadline: '2026-12-31' }, SECRETARY);
    m.run({ type: 'task.assign', text: 'Hướng dẫn kỹ thuật', department: 'Sở Xây dựng' }, { role: 'chair' });
    const log = turnLog(m.state, new DirectoryIndex(m.state.def));
    expect(log.map((t) => [t.pointId, t.kind, t.summary])).toEqual([
      ['DC-X1', 'petition', 'Xã kiến nghị sửa đường liên xã'.normalize('NFC')],
      ['DC-X3', null, null],
    ]);
    expect(log[0]?.durationSec).toBe(95);
    expect(m.state.record.tasks.map((t) => t.taskId)).toEqual(['t1', 't2']);
    expect(replay(JSON.parse(JSON.stringify(m.log)))).toEqual(m.state);
    // The same text again changes nothing; an empty one removes the summary.
    expect(m.run({ type: 'record.summarize', turn: 0, text: decomposed }, SECRETARY)).toEqual([]);
    m.run({ type: 'record.summarize', turn: 0, text: '' }, SECRETARY);
    expect(m.state.record.summaries[0]).toBeUndefined();
  });

  it('the minutes name the secretary and carry the conclusion and the tasks with whom they go to', () => {
    const m = briefing();
    m.run({ type: 'record.conclude', text: 'Kết luận.' }, SECRETARY);
    m.run({ type: 'task.assign', text: 'Báo cáo tiến độ', unitId: 'H1', department: 'Phòng Kinh tế' }, SECRETARY);
    const minutes = minutesOf(m.state, m.log);
    expect(minutes.secretary).toBe('Lê Thị Thu');
    expect(minutes.conclusion).toBe('Kết luận.');
    expect(minutes.tasks[0]?.assignee).toBe('Huyện Một; Phòng Kinh tế');
  });

  it('refuses, changing nothing: no such turn, too long, no assignee, a unit not in the meeting, not a date', () => {
    const m = briefing();
    const seq = m.state.seq;
    expect(codeOf(() => m.run({ type: 'record.summarize', turn: 5, text: 'x' }, SECRETARY))).toBe('NOT_FOUND');
    expect(codeOf(() => m.run({ type: 'record.summarize', turn: 0, text: 'x'.repeat(2001) }, SECRETARY))).toBe(
      'VALIDATION_FAILED',
    );
    expect(codeOf(() => m.run({ type: 'task.assign', text: 'Việc' }, SECRETARY))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => m.run({ type: 'task.assign', text: '  ', unitId: 'X1' }, SECRETARY))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => m.run({ type: 'task.assign', text: 'Việc', unitId: 'KHONG-CO' }, SECRETARY))).toBe(
      'VALIDATION_FAILED',
    );
    for (const deadline of ['2026-02-29', '31/12/2026', '2026-13-01']) {
      expect(codeOf(() => m.run({ type: 'task.assign', text: 'Việc', unitId: 'X1', deadline }, SECRETARY))).toBe(
        'VALIDATION_FAILED',
      );
    }
    expect(codeOf(() => m.run({ type: 'task.setStatus', taskId: 't9', status: 'done' }, OFFICE))).toBe('NOT_FOUND');
    expect(codeOf(() => m.run({ type: 'record.conclude', text: 'x' }, { role: 'observer' }))).toBe('FORBIDDEN');
    expect(m.state.seq).toBe(seq);
  });

  it('a task is overdue from the day after its deadline (Hanoi), unless done; the office closes it after the meeting', () => {
    const m = briefing();
    m.run({ type: 'task.assign', text: 'Việc', unitId: 'X1', deadline: '2026-12-31' }, SECRETARY);
    m.run({ type: 'meeting.end' });
    const task = () => m.state.record.tasks[0]!;
    // 31/12/2026 23:59 in Hanoi is 16:59 UTC; 01/01/2027 00:00 in Hanoi is 17:00 UTC on the 31st.
    expect(deadlineEndsAt('2026-12-31')).toBe(Date.UTC(2026, 11, 31, 17));
    expect(taskState(task(), Date.UTC(2026, 11, 31, 16, 59))).toBe('open');
    expect(taskState(task(), Date.UTC(2026, 11, 31, 17))).toBe('overdue');
    m.run({ type: 'task.setStatus', taskId: 't1', status: 'done' }, OFFICE);
    expect(taskState(task(), Date.UTC(2027, 0, 5))).toBe('done');
    expect(task().doneAt).toBe(m.now);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(T0).toBeLessThan(deadlineEndsAt('2026-12-31'));
  });
});

describe('the Hanoi calendar day', () => {
  it('is the day in UTC+7, across midnight, month ends and leap days', async () => {
    const { hanoiDay } = await import('../../../server/domain/record/record.js');
    expect(hanoiDay(Date.parse('2026-12-04T16:59:59Z'))).toBe('2026-12-04');
    expect(hanoiDay(Date.parse('2026-12-04T17:00:00Z'))).toBe('2026-12-05');
    expect(hanoiDay(Date.parse('2028-02-28T18:00:00Z'))).toBe('2028-02-29');
    expect(hanoiDay(Date.parse('2026-12-31T17:30:00Z'))).toBe('2027-01-01');
  });
});
