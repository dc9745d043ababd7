import { Document, Packer, PageBreak, Paragraph, TextRun } from 'docx';
import { imageSize } from 'image-size';
import pptxgenjs from 'pptxgenjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallMeetingInput } from '../helpers/domain.js';
import { pdfText } from '../helpers/office.js';
import { testPdf } from '../helpers/pdf.js';
import { until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

// The package's types describe a CommonJS module; the ES build that Node loads exports the class itself.
const PptxGenJS = pptxgenjs as unknown as typeof pptxgenjs.default;

/** The meeting's documents over HTTP: the office uploads, the server prepares slides, every point downloads. */
describe('documents of a meeting', () => {
  let t: TestServer;
  let pointToken: string;

  const upload = (body: Uint8Array | Buffer, name: string, query = '') =>
    fetch(`${t.url}/api/meetings/m1/documents?name=${encodeURIComponent(name)}${query}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(body),
    });
  const asPoint = (path: string, token = pointToken) =>
    fetch(`${t.url}${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`);
  const stateOf = (documentId: string) => t.meeting.state.documents.find((d) => d.documentId === documentId);
  const prepared = async (documentId: string) => {
    // LibreOffice's first start on a busy machine takes a while: bounded generously, ended by the condition.
    await until(() => stateOf(documentId)?.state !== 'preparing', 240_000, `document ${documentId} prepared`);

    return stateOf(documentId);
  };

  beforeAll(async () => {
    t = await startTestServer();
    await t.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'm2' });
    pointToken = await t.token('point', 'DC-X1');
  });

  afterAll(() => t?.close());

  it('a PDF for an agenda item is prepared as slides; a point lists it, downloads it and its pages', async () => {
    const pdf = testPdf(5);
    const response = await upload(pdf, 'Báo cáo kinh tế - xã hội quý IV.pdf', '&agendaIndex=1');
    expect(response.status).toBe(201);
    const { document } = (await response.json()) as { document: { documentId: string } };
    expect(await prepared(document.documentId)).toMatchObject({ state: 'ready', pages: 5, agendaIndex: 1 });

    const list = (await (await asPoint('/api/meetings/m1/documents')).json()) as { documents: { name: string }[] };
    expect(list.documents.map((d) => d.name)).toEqual(['Báo cáo kinh tế - xã hội quý IV.pdf']);
    const file = await asPoint(`/api/meetings/m1/documents/${document.documentId}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('Báo cáo kinh tế - xã hội quý IV.pdf')}`,
    );
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    const page = await asPoint(`/api/meetings/m1/documents/${document.documentId}/pages/3`);
    expect(page.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await page.arrayBuffer());
    expect(jpeg.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    // A page never changes: kept by the browser, and asked again with its tag it is not sent again.
    expect(page.headers.get('cache-control')).toContain('immutable');
    const etag = page.headers.get('etag');
    expect(etag).not.toBeNull();
    const again = await fetch(
      `${t.url}/api/meetings/m1/documents/${document.documentId}/pages/3?token=${encodeURIComponent(pointToken)}`,
      { headers: { 'if-none-match': etag ?? '' } },
    );
    expect(again.status).toBe(304);
    expect((await asPoint(`/api/meetings/m1/documents/${document.documentId}/pages/6`)).status).toBe(400);
    // The audit trail names what was added, in words.
    const audit = (await (
      await fetch(`${t.url}/api/meetings/m1/audit.json`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as { rows: { action: string; detail: string }[] };
    expect(audit.rows).toContainEqual(
      expect.objectContaining({ action: 'Thêm tài liệu', detail: expect.stringContaining('quý IV.pdf') }),
    );
  });

  it('a DOCX becomes slides through LibreOffice, and its PDF can be downloaded too', async () => {
    const docx = await Packer.toBuffer(
      new Document({
        sections: [
          {
            children: [1, 2, 3].map(
              (n) =>
                new Paragraph({
                  children: [
                    new TextRun({ text: `Tờ trình trang ${n}`, size: 48 }),
                    ...(n < 3 ? [new PageBreak()] : []),
                  ],
                }),
            ),
          },
        ],
      }),
    );
    const response = await upload(docx, 'Tờ trình.docx');
    expect(response.status).toBe(201);
    const { document } = (await response.json()) as { document: { documentId: string } };
    expect(await prepared(document.documentId)).toMatchObject({ state: 'ready', pages: 3 });
    const pdf = await asPoint(`/api/meetings/m1/documents/${document.documentId}?as=pdf`);
    expect(pdf.headers.get('content-disposition')).toContain(encodeURIComponent('Tờ trình.pdf'));
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('a PPTX becomes slides through LibreOffice Impress, a slide a page, its Vietnamese text drawn', async () => {
    const deck = new PptxGenJS();
    deck.layout = 'LAYOUT_16x9';
    for (const n of [1, 2, 3, 4]) {
      deck.addSlide().addText(`Báo cáo quý IV — trang ${n}`, { x: 0.5, y: 2, w: 9, h: 1.5, fontSize: 40 });
    }
    const pptx = (await deck.write({ outputType: 'nodebuffer' })) as Buffer;
    const response = await upload(pptx, 'Trình chiếu quý IV.pptx');
    expect(response.status).toBe(201);
    const { document } = (await response.json()) as { document: { documentId: string } };
    expect(await prepared(document.documentId)).toMatchObject({ state: 'ready', pages: 4, kind: 'pptx' });
    // A page of a 16:9 slide is drawn 16:9, 1280 px wide.
    const page = await asPoint(`/api/meetings/m1/documents/${document.documentId}/pages/4`);
    expect(page.headers.get('content-type')).toContain('image/jpeg');
    const size = imageSize(new Uint8Array(await page.arrayBuffer()));
    expect(size.width).toBe(1280);
    expect(size.height).toBeGreaterThanOrEqual(700);
    expect(size.height).toBeLessThanOrEqual(730);
    const pdf = await asPoint(`/api/meetings/m1/documents/${document.documentId}?as=pdf`);
    const text = (await pdfText(Buffer.from(await pdf.arrayBuffer()))).normalize('NFC');
    for (const n of [1, 2, 3, 4]) {
      expect(text).toContain(`Báo cáo quý IV — trang ${n}`);
    }
  });

  it('bad files are refused in Vietnamese and change nothing', async () => {
    const before = t.meeting.state.seq;
    const refusals: [Response, number, string][] = [
      [await upload(Buffer.from('MZ\x90\x00 this is a program'), 'bao-cao.pdf'), 422, 'không phải PDF'],
      [await upload(Buffer.from('plain text'), 'ghi-chu.txt'), 422, 'Chỉ nhận tệp PDF'],
      [await upload(testPdf(1), '../../etc/bao-cao.pdf'), 422, 'Tên tệp không hợp lệ'],
      [await upload(testPdf(1), 'bao\u0007cao.pdf'), 422, 'ký tự điều khiển'],
      [await upload(Buffer.alloc(0), 'trong.pdf'), 400, 'Chưa có tệp'],
      [await upload(Buffer.alloc(50 * 1024 * 1024 + 1, 0x25), 'lon.pdf'), 413, 'quá 50 MB'],
    ];
    for (const [response, status, words] of refusals) {
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(words);
    }
    // A point cannot upload.
    const byPoint = await fetch(`${t.url}/api/meetings/m1/documents?name=x.pdf&token=${pointToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(testPdf(1)),
    });
    expect(byPoint.status).toBe(401);
    expect(t.meeting.state.seq).toBe(before);
  });

  it('a malformed PDF, and one too long to show, fail to prepare with a reason; the coordinator goes on', async () => {
    const broken = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4000, 0x41)]);
    const a = (await (await upload(broken, 'hong.pdf')).json()) as { document: { documentId: string } };
    const long = (await (await upload(testPdf(450), 'qua-dai.pdf')).json()) as { document: { documentId: string } };
    expect(await prepared(a.document.documentId)).toMatchObject({
      state: 'failed',
      failure: 'Tệp PDF bị hỏng, không đọc được',
    });
    expect(await prepared(long.document.documentId)).toMatchObject({
      state: 'failed',
      failure: expect.stringContaining('400 trang'),
    });
    // A page built a hundred metres wide is drawn at the same bounded size as any other.
    const huge = (await (await upload(testPdf(1, { mediaBox: [0, 0, 14_000, 14_000] }), 'rong.pdf')).json()) as {
      document: { documentId: string };
    };
    expect(await prepared(huge.document.documentId)).toMatchObject({ state: 'ready', pages: 1 });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('a document of another meeting, or a link of another meeting, opens nothing', async () => {
    const id = t.meeting.state.documents[0]?.documentId ?? '';
    const other = await t.token('point', 'DC-X1', 'm2');
    expect((await asPoint(`/api/meetings/m2/documents/${id}`, other)).status).toBe(404);
    expect((await asPoint(`/api/meetings/m1/documents/${id}`, other)).status).toBe(403);
    expect((await fetch(`${t.url}/api/meetings/m1/documents/${id}`)).status).toBe(401);
  });

  it('the office removes a document; it is gone for everyone', async () => {
    const id = t.meeting.state.documents[0]?.documentId ?? '';
    const removed = await fetch(`${t.url}/api/meetings/m1/documents/${id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(removed.status).toBe(200);
    expect((await asPoint(`/api/meetings/m1/documents/${id}`)).status).toBe(404);
    expect((await asPoint(`/api/meetings/m1/documents/${id}/pages/1`)).status).toBe(404);
  });
});

describe('documents on a server without LibreOffice (the slim image)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { SOFFICE_PATH: '/nonexistent/soffice' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says plainly that only PDF can be shown, and still shows a PDF', async () => {
    const docx = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Tờ trình')] }] }));
    const response = await fetch(`${t.url}/api/meetings/m1/documents?name=${encodeURIComponent('Tờ trình.docx')}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(docx),
    });
    expect(response.status).toBe(201);
    const id = ((await response.json()) as { document: { documentId: string } }).document.documentId;
    await until(
      () => t.meeting.state.documents.find((d) => d.documentId === id)?.state === 'failed',
      60_000,
      'refused',
    );
    expect(t.meeting.state.documents.find((d) => d.documentId === id)).toMatchObject({
      state: 'failed',
      failure:
        'Máy chủ này không cài LibreOffice: chỉ trình chiếu được tệp PDF; hãy lưu tài liệu thành PDF rồi tải lên',
    });
    const pdf = await fetch(`${t.url}/api/meetings/m1/documents?name=${encodeURIComponent('Báo cáo.pdf')}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(testPdf(1)),
    });
    const pdfId = ((await pdf.json()) as { document: { documentId: string } }).document.documentId;
    await until(() => t.meeting.state.documents.find((d) => d.documentId === pdfId)?.state === 'ready', 60_000, 'PDF');
  });
});
