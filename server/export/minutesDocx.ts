import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import { pageRanges, type ShownContent } from '../domain/content/contentRecord.js';
import type { Minutes, MinutesTurn } from '../domain/record/minutes.js';
import { deadlineText } from '../domain/record/record.js';
import { offsetText } from '../domain/record/recording.js';
import { formatDate } from '../format.js';

/**
 * The biên bản as a Word document in the layout of Nghị định 30/2020/NĐ-CP: A4, Times New Roman 13-14, the issuing
 * body top left and the national motto top right, the number line, "BIÊN BẢN" and the title, then time and place,
 * who took part, the proceedings by agenda item, petitions with their answers, the conclusion, and signatures.
 * The office edits it before signing, so it stays plain: paragraphs and simple tables, no fields or macros.
 */
export async function minutesDocx(minutes: Minutes): Promise<Buffer> {
  const document = new Document({
    creator: 'diemcau',
    title: `Biên bản: ${minutes.title}`,
    styles: { default: { document: { run: { font: 'Times New Roman', size: SIZE } } } },
    sections: [
      {
        properties: {
          page: {
            // A4, margins of Nghị định 30: top and bottom 20 mm, left 30 mm, right 15 mm (1 mm = 56.7 twips).
            size: { width: 11_906, height: 16_838 },
            margin: { top: 1134, bottom: 1134, left: 1701, right: 850 },
          },
        },
        children: [
          heading(minutes),
          blank(),
          centered([bold('BIÊN BẢN', 28)]),
          centered([bold(minutes.title)]),
          blank(),
          ...timeAndPlace(minutes),
          ...participants(minutes),
          ...documentList(minutes),
          ...proceedings(minutes),
          ...petitions(minutes),
          ...conclusion(minutes),
          blank(),
          signatures(minutes),
        ],
      },
    ],
  });

  return Packer.toBuffer(document);
}

const SIZE = 28; // half-points: 14 pt
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };

const text = (value: string, size = SIZE) => new TextRun({ text: value, size });
const bold = (value: string, size = SIZE) => new TextRun({ text: value, bold: true, size });
const italic = (value: string, size = SIZE) => new TextRun({ text: value, italics: true, size });
const centered = (children: ParagraphChild[]) => new Paragraph({ alignment: AlignmentType.CENTER, children });
const line = (children: ParagraphChild[]) =>
  new Paragraph({ alignment: AlignmentType.JUSTIFIED, spacing: { after: 80 }, indent: { firstLine: 567 }, children });
const blank = () => new Paragraph({ children: [] });

/** `08 giờ 05 phút, ngày 28 tháng 9 năm 2021` */
function spoken(epochMs: number): string {
  const [day, month, year] = formatDate(epochMs).split('/');
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(epochMs));
  const [hour, minute] = time.split(':');

  return `${hour} giờ ${minute} phút, ngày ${day} tháng ${Number(month)} năm ${year}`;
}

const clock = (epochMs: number) => spoken(epochMs).slice(0, 'hh giờ mm phút'.length);

function heading(minutes: Minutes): Table {
  const [day, month, year] = formatDate(minutes.startedAt ?? minutes.scheduledStart).split('/');
  // The body's name is short, the motto long: 40 % and 60 %, so the motto keeps to one line.
  const cell = (children: Paragraph[], size: number) =>
    new TableCell({ borders: NO_BORDERS, width: { size, type: WidthType.PERCENTAGE }, children });

  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    columnWidths: [3740, 5615],
    rows: [
      new TableRow({
        children: [
          cell(
            [
              centered([bold(minutes.issuingBody.toLocaleUpperCase('vi'), 26)]),
              centered([text('———', 26)]),
              centered([text('Số:      /BB-HN', 26)]),
            ],
            40,
          ),
          cell(
            [
              centered([bold('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 24)]),
              centered([bold('Độc lập - Tự do - Hạnh phúc', 26)]),
              centered([text('———————', 26)]),
              centered([italic(`……, ngày ${day} tháng ${Number(month)} năm ${year}`, 26)]),
            ],
            60,
          ),
        ],
      }),
    ],
  });
}

function timeAndPlace(minutes: Minutes): Paragraph[] {
  return [
    line([bold('I. THỜI GIAN, ĐỊA ĐIỂM')]),
    line([
      text(
        minutes.startedAt === null
          ? `Thời gian: dự kiến ${spoken(minutes.scheduledStart)}; hội nghị chưa bắt đầu.`
          : `Thời gian: bắt đầu lúc ${spoken(minutes.startedAt)}.`,
      ),
    ]),
    line([text(`Địa điểm: ${minutes.hubName}, trực tuyến tới ${minutes.invitedCount} điểm cầu.`)]),
    ...minutes.streamed.map((span) =>
      line([
        text(
          `Phát trực tiếp từ ${clock(span.from)} đến ${span.to === null ? 'khi lập biên bản' : clock(span.to)}` +
            ` ngày ${formatDate(span.from)}.`,
        ),
      ]),
    ),
    ...(minutes.recording === null
      ? []
      : [
          line([
            text(
              `Hội nghị được ghi hình: tệp ${minutes.recording.file}, thời lượng ` +
                `${offsetText(minutes.recording.durationSec)}; thời điểm của từng lượt phát biểu trong bản ghi ghi ` +
                'kèm lượt đó.',
            ),
          ]),
        ]),
  ];
}

function participants(minutes: Minutes): (Paragraph | Table)[] {
  const chairs = minutes.chairs.map(
    (c) => `${c.role === 'chair' ? 'Chủ trì' : 'Đồng chủ trì'}: đồng chí ${c.name}, ${c.title}.`,
  );
  const out: (Paragraph | Table)[] = [
    line([bold('II. THÀNH PHẦN THAM DỰ')]),
    ...chairs.map((c) => line([text(c)])),
    line([text(`Thư ký: ${minutes.secretary ?? '……………………………………'}`)]),
  ];
  const attendance = minutes.attendance;
  if (attendance === null) {
    out.push(line([text('Hội nghị không tổ chức điểm danh các điểm cầu.')]));

    return out;
  }
  const { totals } = attendance;
  out.push(
    line([
      text(
        `Kết quả điểm danh lúc ${clock(attendance.heldAt)}: ${totals.present + totals.late}/${totals.invited} điểm cầu ` +
          `có mặt (${totals.late} đến muộn), ${totals.absent} vắng, ${totals.noSignal} mất tín hiệu; ` +
          `tổng số đại biểu dự tại các điểm cầu: ${totals.headcount}.`,
      ),
    ]),
    table(
      ['Đơn vị', 'Số điểm cầu', 'Có mặt', 'Đến muộn', 'Vắng', 'Mất tín hiệu', 'Số đại biểu'],
      [...attendance.byUnit, totals].map((row) => [
        row.name,
        String(row.invited),
        String(row.present),
        String(row.late),
        String(row.absent),
        String(row.noSignal),
        String(row.headcount),
      ]),
      [34, 11, 10, 11, 9, 13, 12],
    ),
  );

  return out;
}

const KIND: Record<string, string> = { speech: 'phát biểu', petition: 'kiến nghị', explanation: 'giải trình' };

/** A turn's line, then the secretary's summary of it, if any. */
function turnLines(turn: MinutesTurn): Paragraph[] {
  const minutes = Math.floor(turn.durationSec / 60);
  const seconds = turn.durationSec % 60;
  const summary = turn.summary === null ? [] : paragraphs(turn.summary);

  return [
    line([
      bold(`${clock(turn.grantedAt)} – ${turn.pointName}`),
      text(
        ` ${KIND[turn.kind ?? 'speech'] ?? 'phát biểu'}` +
          `${turn.topic === null ? '' : `: ${turn.topic}`}` +
          `${turn.department === null ? '' : ` (gửi ${turn.department})`}` +
          ` — ${minutes} phút ${String(seconds).padStart(2, '0')} giây` +
          `${turn.recordingOffsetSec === null ? '' : ` (bản ghi hình: ${offsetText(turn.recordingOffsetSec)})`}.`,
      ),
    ]),
    ...shownLines(turn.shown),
    ...summary,
  ];
}

/** What was on screen: "Trình chiếu tài liệu «Báo cáo.pdf», trang 1–3, 5." or "Chia sẻ màn hình." */
function shownLines(shown: readonly ShownContent[]): Paragraph[] {
  return shown.map((s) =>
    line([
      italic(
        s.kind === 'screen'
          ? 'Chia sẻ màn hình.'
          : `Trình chiếu tài liệu «${s.name ?? 'đã gỡ'}», trang ${pageRanges(s.pages)}.`,
      ),
    ]),
  );
}

/** The documents the office attached, with the agenda item each belongs to. */
function documentList(minutes: Minutes): Paragraph[] {
  if (minutes.documents.length === 0) {
    return [];
  }

  return [
    line([text('Tài liệu hội nghị:')]),
    ...minutes.documents.map((d, i) =>
      line([
        text(
          `${i + 1}. ${d.name}` +
            [d.agendaTitle === null ? null : `mục «${d.agendaTitle}»`, d.pages === null ? null : `${d.pages} trang`]
              .filter((part) => part !== null)
              .map((part, j) => `${j === 0 ? ' (' : '; '}${part}`)
              .join('') +
            (d.agendaTitle === null && d.pages === null ? '' : ')') +
            '.',
        ),
      ]),
    ),
  ];
}

/** People's text as paragraphs, one per line they wrote. */
function paragraphs(value: string): Paragraph[] {
  return value
    .split(/\r?\n/)
    .filter((part) => part.trim() !== '')
    .map((part) => line([text(part.trim())]));
}

function proceedings(minutes: Minutes): Paragraph[] {
  const out = [line([bold('III. NỘI DUNG HỘI NGHỊ')])];
  const spoken = minutes.sections.some((s) => s.turns.length > 0);
  minutes.sections.forEach((section, i) => {
    const presenter =
      section.by === null
        ? ''
        : section.by === 'chair'
          ? ` (đồng chí chủ trì${minutes.chairs[0] ? ` ${minutes.chairs[0].name}` : ''})`
          : ` (${section.by})`;
    const when = section.startedAt === null ? '' : ` — từ ${clock(section.startedAt)}`;
    out.push(line([bold(`${i + 1}. ${section.title}`), text(`${presenter}${when}`)]));
    out.push(...shownLines(section.presented));
    section.turns.forEach((turn) => out.push(...turnLines(turn)));
  });
  if (!spoken) {
    out.push(line([italic('Không có lượt phát biểu nào từ các điểm cầu.')]));
  }

  return out;
}

function petitions(minutes: Minutes): Paragraph[] {
  if (minutes.petitions.length === 0) {
    return [];
  }
  const out = [line([bold('IV. KIẾN NGHỊ VÀ GIẢI ĐÁP')])];
  for (const petition of minutes.petitions) {
    out.push(line([bold(`${petition.pointName}: `), text(petition.topic ?? '(không ghi nội dung)')]));
    if (petition.answers.length === 0) {
      out.push(line([italic('Chưa được giải đáp tại hội nghị.')]));
    }
    for (const answer of petition.answers) {
      out.push(line([text(`${answer.answeredBy} giải đáp: ${answer.text}`)]));
    }
  }

  return out;
}

function conclusion(minutes: Minutes): (Paragraph | Table)[] {
  const number = minutes.petitions.length === 0 ? 'IV' : 'V';
  const tasks: (Paragraph | Table)[] =
    minutes.tasks.length === 0
      ? [line([italic('Không giao nhiệm vụ cụ thể tại hội nghị.')])]
      : [
          table(
            ['STT', 'Nhiệm vụ', 'Đơn vị, cơ quan thực hiện', 'Thời hạn'],
            minutes.tasks.map((task, i) => [String(i + 1), task.text, task.assignee, deadlineText(task.deadline)]),
            [8, 52, 25, 15],
            { totals: false, left: [1, 2] },
          ),
        ];

  return [
    line([bold(`${number}. KẾT LUẬN CỦA CHỦ TRÌ`)]),
    ...(minutes.conclusion === null
      ? [line([text('……………………………………………………………………………………………')])]
      : paragraphs(minutes.conclusion)),
    line([bold('Nhiệm vụ được giao:')]),
    ...tasks,
    line([
      text(
        minutes.endedAt === null
          ? 'Hội nghị chưa kết thúc khi lập biên bản này.'
          : `Hội nghị kết thúc lúc ${spoken(minutes.endedAt)}.`,
      ),
    ]),
  ];
}

function signatures(minutes: Minutes): Table {
  const chair = minutes.chairs.find((c) => c.role === 'chair') ?? minutes.chairs[0];
  const cell = (role: string, name: string) =>
    new TableCell({
      borders: NO_BORDERS,
      width: { size: 50, type: WidthType.PERCENTAGE },
      children: [
        centered([bold(role)]),
        centered([italic('(Ký, ghi rõ họ tên)', 26)]),
        blank(),
        blank(),
        blank(),
        centered([bold(name)]),
      ],
    });

  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell('THƯ KÝ', minutes.secretary ?? ''), cell('CHỦ TRÌ', chair?.name ?? '')] })],
  });
}

/** A bordered table; by default its last row is a bold totals row and only its first column is left-aligned. */
function table(
  header: string[],
  rows: string[][],
  widths: number[],
  { totals = true, left = [0] }: { totals?: boolean; left?: number[] } = {},
): Table {
  const row = (cells: string[], strong: boolean, header = false) =>
    new TableRow({
      // The header row repeats on each page; a bold totals row does not.
      tableHeader: header,
      children: cells.map(
        (value, i) =>
          new TableCell({
            width: { size: widths[i] ?? 10, type: WidthType.PERCENTAGE },
            children: [
              new Paragraph({
                alignment: left.includes(i) ? AlignmentType.LEFT : AlignmentType.CENTER,
                children: [strong ? bold(value, 24) : text(value, 24)],
              }),
            ],
          }),
      ),
    });

  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [row(header, true, true), ...rows.map((cells, i) => row(cells, totals && i === rows.length - 1))],
  });
}
