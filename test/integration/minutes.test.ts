import { describe, afterEach, expect, it } from 'vitest';
import { CHAIR, point } from '../helpers/domain.js';
import { squash, textViaLibreOffice } from '../helpers/office.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

const textOfDocx = (bytes: Buffer) => textViaLibreOffice(bytes, 'docx');

const minutesOf = async (t: TestServer) => {
  const response = await fetch(`${t.url}/api/meetings/m1/minutes.docx`, { headers: { 'x-api-key': ADMIN_KEY } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('wordprocessingml');

  return Buffer.from(await response.arrayBuffer());
};

describe('the minutes (biên bản) as a Word document, opened in LibreOffice', () => {
  let t: TestServer | null = null;

  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('holds the national heading, BIÊN BẢN, the attendance, every speaker, the petition and its answer', async () => {
    t = await startTestServer();
    const m = t.meeting;
    await m.execute({ type: 'meeting.start' }, CHAIR);
    const { events } = await m.execute({ type: 'rollcall.start', deadlineSec: 60 }, CHAIR);
    const rollCallId = (events[0] as { rollCallId: string }).rollCallId;
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
    await m.execute({ type: 'rollcall.close', rollCallId }, CHAIR);
    await m.execute({ type: 'agenda.advance', index: 2 }, CHAIR);
    const topic = 'Đề nghị hỗ trợ kinh phí khắc phục sạt lở bờ sông Thương';
    const asked = await m.execute(
      { type: 'floor.request', pointId: 'DC-X1', kind: 'petition', topic, department: 'Sở Nông nghiệp và Môi trường' },
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

    const text = squash(await textOfDocx(await minutesOf(t)));
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'BIÊN BẢN',
      'Giao ban thử nghiệm',
      'trực tuyến tới 6 điểm cầu',
      'Dương Văn Thái',
      'tổng số đại biểu dự tại các điểm cầu: 36',
      'Điểm cầu Xã Tân Sơn',
      'Điểm cầu Xã Đông Hà',
      topic,
      'Sở sẽ khảo sát hiện trường trong tuần này',
      'Thư ký: Lê Thị Thu',
      'Xã nêu thiệt hại do sạt lở, đề nghị hỗ trợ 2 tỷ đồng',
      'Các xã rà soát điểm sạt lở trước mùa mưa',
      'Nhiệm vụ được giao',
      'Khảo sát bờ sông Thương',
      'Xã Tân Sơn',
      '31/12/2026',
      'THƯ KÝ',
      'CHỦ TRÌ',
      'Hội nghị kết thúc lúc',
    ]) {
      expect(text).toContain(squash(expected));
    }
    // Under their agenda item, in order.
    expect(text.indexOf(squash('3. Thảo luận'))).toBeLessThan(text.indexOf(squash('Điểm cầu Xã Tân Sơn')));
  }, 180_000);

  it('is still a valid document for a meeting that never started, saying so', async () => {
    t = await startTestServer({ open: false });
    const text = squash(await textOfDocx(await minutesOf(t)));
    expect(text).toContain(squash('BIÊN BẢN'));
    expect(text).toContain(squash('hội nghị chưa bắt đầu'));
    expect(text).toContain(squash('Không có lượt phát biểu nào từ các điểm cầu'));
    expect(text).toContain(squash('Hội nghị không tổ chức điểm danh các điểm cầu'));
    expect(text).toContain(squash('Không giao nhiệm vụ cụ thể tại hội nghị'));
  }, 180_000);
});
