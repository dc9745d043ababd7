import {
  Document,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';

/**
 * A province department's report as a Word file, the kind presented at a briefing (for slides tests): `pages` landscape
 * pages, each a titled table of figures and two points, the figures differing page to page.
 */
export function reportDocx(pages = 1): Promise<Buffer> {
  const cell = (text: string, bold = false) =>
    new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, size: 28 })] })] });
  const rows = (n: number) => [
    ['Chỉ tiêu', 'Kế hoạch', 'Thực hiện', 'Tỷ lệ'],
    ['Tiêm vắc xin mũi 1', '1.450.000', (1_392_000 + n * 1000).toLocaleString('vi-VN'), '96,0 %'],
    ['Tiêm vắc xin mũi 2', '1.450.000', (1_104_500 + n * 1000).toLocaleString('vi-VN'), '76,2 %'],
    ['Xét nghiệm sàng lọc', '300.000', (318_240 + n * 100).toLocaleString('vi-VN'), '106,1 %'],
  ];
  return Packer.toBuffer(
    new Document({
      sections: [
        {
          properties: { page: { size: { width: 11_906, height: 16_838, orientation: PageOrientation.LANDSCAPE } } },
          children: Array.from({ length: pages }, (_, n) => [
            new Paragraph({
              heading: HeadingLevel.TITLE,
              pageBreakBefore: n > 0,
              children: [
                new TextRun({ text: `BÁO CÁO TÌNH HÌNH PHÒNG, CHỐNG DỊCH TUẦN ${39 + n}`, bold: true, size: 44 }),
              ],
            }),
            new Paragraph({
              children: [new TextRun({ text: 'Sở Y tế tỉnh Bắc Giang — ngày 28/09/2021', italics: true, size: 30 })],
            }),
            new Paragraph({ children: [] }),
            new Table({
              width: { size: 100, type: WidthType.PERCENTAGE },
              rows: rows(n).map((row, i) => new TableRow({ children: row.map((text) => cell(text, i === 0)) })),
            }),
            new Paragraph({ children: [] }),
            ...[
              'Không ghi nhận ca mắc mới trong cộng đồng 14 ngày liên tiếp.',
              `Đề nghị các xã hoàn thành tiêm mũi 2 cho người trên 50 tuổi trước ngày ${15 + (n % 10)}/10.`,
            ].map((text) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text, size: 32 })] })),
          ]).flat(),
        },
      ],
    }),
  );
}
