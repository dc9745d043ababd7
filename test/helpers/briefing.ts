import type { MeetingRuntime } from '../../server/meetings/MeetingRuntime.js';
import { CHAIR, point, SYSTEM } from './domain.js';

export const PETITION_TOPIC = 'Đề nghị hỗ trợ kinh phí khắc phục sạt lở bờ sông Thương';

/**
 * A short briefing on the test province, as the seed meetings run: four rooms join and the session starts; the roll
 * call finds three (36 people) and loses Đông Hà's signal; a re-run finds Huyện Hai late (8 people) and Phú Lộc never
 * comes; Tân Sơn petitions and is answered, Đông Hà speaks; the chair ends the meeting and the secretary finishes the
 * record (a summary, the conclusion, a task for Tân Sơn).
 */
export async function holdBriefing(m: MeetingRuntime): Promise<void> {
  for (const pointId of ['DC-H1', 'DC-X1', 'DC-X2', 'DC-X3']) {
    await m.execute({ type: 'point.connect', pointId }, SYSTEM);
  }
  await m.execute({ type: 'meeting.start' }, CHAIR);
  const first = await m.execute({ type: 'rollcall.start', deadlineSec: 60 }, CHAIR);
  const rollCallId = (first.events[0] as { rollCallId: string }).rollCallId;
  for (const [pointId, headcount] of [
    ['DC-X1', 12],
    ['DC-X2', 9],
    ['DC-H1', 15],
  ] as const) {
    await m.execute(
      { type: 'rollcall.confirm', pointId, headcount, presiding: { name: 'Lê Thị Hoa', title: 'Bí thư Đảng ủy xã' } },
      point(pointId),
    );
  }
  await m.execute({ type: 'point.disconnect', pointId: 'DC-X3' }, SYSTEM);
  await m.execute({ type: 'rollcall.close', rollCallId }, CHAIR);
  await m.execute({ type: 'point.connect', pointId: 'DC-H2' }, SYSTEM);
  const rerun = await m.execute({ type: 'rollcall.rerun', rollCallId, deadlineSec: 60 }, CHAIR);
  const rerunId = (rerun.events[0] as { rollCallId: string }).rollCallId;
  await m.execute(
    {
      type: 'rollcall.confirm',
      pointId: 'DC-H2',
      headcount: 8,
      presiding: { name: 'Trần Văn Hùng', title: 'Chủ tịch UBND huyện' },
    },
    point('DC-H2'),
  );
  await m.execute({ type: 'rollcall.close', rollCallId: rerunId }, CHAIR);
  await m.execute({ type: 'point.connect', pointId: 'DC-X3' }, SYSTEM);

  await m.execute({ type: 'agenda.advance', index: 2 }, CHAIR);
  const asked = await m.execute(
    {
      type: 'floor.request',
      pointId: 'DC-X1',
      kind: 'petition',
      topic: PETITION_TOPIC,
      department: 'Sở Nông nghiệp và Môi trường',
    },
    point('DC-X1'),
  );
  const requestId = (asked.events[0] as { requestId: string }).requestId;
  await m.execute({ type: 'floor.next' }, CHAIR);
  await m.execute({ type: 'floor.release', pointId: 'DC-X1' }, point('DC-X1'));
  await m.execute({ type: 'floor.grant', pointId: 'DC-X3' }, CHAIR);
  await m.execute({ type: 'floor.revoke' }, CHAIR);
  await m.execute(
    {
      type: 'floor.answer',
      requestId,
      answeredBy: 'Sở Nông nghiệp và Môi trường',
      text: 'Sở sẽ khảo sát hiện trường trong tuần này',
    },
    CHAIR,
  );
  // The secretary, signed in, keeps the record; finishing it after the end is normal.
  const secretary = { role: 'secretary' as const, person: { username: 'thuky', name: 'Lê Thị Thu' } };
  await m.execute({ type: 'meeting.end' }, CHAIR);
  await m.execute(
    { type: 'record.summarize', turn: 0, text: 'Xã nêu thiệt hại do sạt lở, đề nghị hỗ trợ 2 tỷ đồng' },
    secretary,
  );
  await m.execute({ type: 'record.conclude', text: 'Các xã rà soát điểm sạt lở trước mùa mưa' }, secretary);
  await m.execute(
    { type: 'task.assign', text: 'Khảo sát bờ sông Thương', unitId: 'X1', deadline: '2026-12-31' },
    secretary,
  );
}
