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
