import { describe, expect, it } from 'vitest';
import { attendance } from '../../../server/domain/rollCall/attendance.js';
import { attendanceCsv } from '../../../server/export/attendanceExport.js';
import { attendanceTable, type DetailLine } from '../../../server/export/attendanceTable.js';
import { Meeting, point } from '../../helpers/domain.js';

const MINUTE = 60_000;

const pointLine = (lines: DetailLine[], pointId: string) =>
  lines.find((line) => line.kind === 'point' && line.cells[3] === pointId)?.cells;

/** 08:00 to 10:00 Hanoi time; Hòa Lâm drops 08:30–08:50; Phú Lộc joins at 08:20; Huyện Hai never comes. */
function briefing({ rollCall }: { rollCall: boolean }): Meeting {
  const m = new Meeting();
  m.run({ type: 'meeting.open' });
  m.connect('DC-H1', 'DC-X1', 'DC-X2', 'DC-X3');
  m.run({ type: 'meeting.start' });
  if (rollCall) {
    const [started] = m.run({ type: 'rollcall.start', deadlineSec: 60 });
    for (const [pointId, headcount] of [
      ['DC-X1', 12],
      ['DC-X2', 9],
    ] as const) {
      m.run(
        { type: 'rollcall.confirm', pointId, headcount, presiding: { name: 'Lê Thị Hoa', title: 'Bí thư' } },
        point(pointId),
      );
    }
    m.run({ type: 'rollcall.close', rollCallId: (started as { rollCallId: string }).rollCallId });
  }
  m.advance(20 * MINUTE);
  m.connect('DC-X4');
  m.advance(10 * MINUTE);
  m.disconnect('DC-X2');
  m.advance(20 * MINUTE);
  m.connect('DC-X2');
  m.advance(70 * MINUTE);
  m.run({ type: 'meeting.end' });

  return m;
}

describe('the attendance record', () => {
  it('gives closed hh:mm intervals, time present as h:mm and its share, and the heading a clerk files', () => {
    const m = briefing({ rollCall: true });
    const table = attendanceTable(m.state, attendance(m.state, m.now), m.now);
    expect(table.heading).toEqual(
      expect.arrayContaining(['Ngày họp: 25/11/2026', 'Thời gian: từ 08:00 đến 10:00', 'Số điểm cầu được mời: 6']),
    );
    const hoaLam = pointLine(table.detail, 'DC-X2');
    expect(hoaLam?.[4]).toBe('Có mặt');
    expect(hoaLam?.[5]).toBe('08:00');
    expect(hoaLam?.[9]).toBe('08:00–08:30; 08:50–10:00');
    expect(hoaLam?.[10]).toEqual({ minutes: 100 });
    expect(hoaLam?.[11]).toEqual({ percent: (100 / 120) * 100 });
    // In the roll call and not confirming: absent, whenever it came.
    expect(pointLine(table.detail, 'DC-X4')?.[4]).toBe('Vắng');
    expect(table.summary.at(-1)).toEqual(['Tổng', 6, 2, 0, 4, 0, 21, 0]);

    const csv = attendanceCsv(table, 'semicolon').toString('utf8');
    expect(csv).toContain(';"08:00–08:30; 08:50–10:00";1:40;83,3;');
  });

  it('without a roll call reads outcomes from when each point joined', () => {
    const m = briefing({ rollCall: false });
    const table = attendanceTable(m.state, attendance(m.state, m.now), m.now, 'en');
    expect(pointLine(table.detail, 'DC-X1')?.[4]).toBe('Present');
    expect(pointLine(table.detail, 'DC-X4')?.[4]).toBe('Late');
    expect(pointLine(table.detail, 'DC-H2')?.[4]).toBe('Absent');
    expect(table.heading).toContain('Roll call: none held; outcomes from when each point joined');
    const subtotals = table.detail.filter((line) => line.kind === 'subtotal').map((line) => line.cells[1]);
    expect(subtotals).toEqual(['Subtotal: Huyện Một', 'Subtotal: Huyện Hai']);
    expect(table.detail.at(-1)?.cells.slice(1, 5)).toEqual([
      'Total',
      '6 points',
      null,
      'Present 4; Late 1; Absent 1; No signal 0',
    ]);
  });
});
