import { describe, afterEach, expect, it } from 'vitest';
import { holdBriefing, PETITION_TOPIC } from '../helpers/briefing.js';
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
    await holdBriefing(t.meeting);

    const text = squash(await textOfDocx(await minutesOf(t)));
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'BIÊN BẢN',
      'Giao ban thử nghiệm',
      'trực tuyến tới 6 điểm cầu',
      'Dương Văn Thái',
      'tổng số đại biểu dự tại các điểm cầu: 44',
      'Điểm cầu Xã Tân Sơn',
      'Điểm cầu Xã Đông Hà',
      PETITION_TOPIC,
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

  it('lists the documents, and says under each item and turn which document and pages were shown', async () => {
    t = await startTestServer();
    const m = t.meeting;
    const office = { role: 'admin', via: 'apiKey' } as const;
    await m.execute(
      {
        type: 'document.attach',
        document: { documentId: 'd1', name: 'Báo cáo quý IV.pdf', kind: 'pdf', bytes: 9, sha256: 'x', agendaIndex: 1 },
      },
      office,
    );
    await m.execute({ type: 'document.prepared', documentId: 'd1', pages: 8 }, { role: 'system' });
    await m.execute({ type: 'meeting.start' }, { role: 'chair' });
    await m.execute({ type: 'agenda.advance', index: 1 }, { role: 'chair' });
    for (const page of [1, 2]) {
      await m.execute({ type: 'slides.show', documentId: 'd1', page }, { role: 'chair' });
    }
    await m.execute({ type: 'content.stop' }, { role: 'chair' });
    await m.execute({ type: 'point.connect', pointId: 'DC-X1' }, { role: 'system' });
    await m.execute({ type: 'floor.grant', pointId: 'DC-X1' }, { role: 'chair' });
    const x1 = { role: 'point', pointId: 'DC-X1' } as const;
    await m.execute({ type: 'slides.show', documentId: 'd1', page: 6, pointId: 'DC-X1' }, x1);
    await m.execute({ type: 'floor.revoke' }, { role: 'chair' });

    const text = squash(await textOfDocx(await minutesOf(t)));
    expect(text).toContain(squash('Tài liệu hội nghị: 1. Báo cáo quý IV.pdf (mục «Báo cáo»; 8 trang).'));
    const item = text.indexOf(squash('2. Báo cáo'));
    const hubShown = text.indexOf(squash('Trình chiếu tài liệu «Báo cáo quý IV.pdf», trang 1–2.'));
    const turn = text.indexOf(squash('Điểm cầu Xã Tân Sơn'));
    const turnShown = text.indexOf(squash('Trình chiếu tài liệu «Báo cáo quý IV.pdf», trang 6.'));
    expect([item, hubShown, turn, turnShown].every((i) => i > 0)).toBe(true);
    expect(item < hubShown && hubShown < turn && turn < turnShown).toBe(true);
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
