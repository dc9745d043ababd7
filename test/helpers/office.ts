import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './tmp.js';

const run = promisify(execFile);

/** A PDF's text, as poppler's pdftotext reads it. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const { dir, remove } = await tempDir('diemcau-pdf-');
  try {
    await writeFile(join(dir, 'document.pdf'), pdf);
    await run('pdftotext', [join(dir, 'document.pdf'), join(dir, 'document.txt')]);

    return await readFile(join(dir, 'document.txt'), 'utf8');
  } finally {
    await remove();
  }
}

/**
 * Opens a document the way the office will: LibreOffice converts it to PDF (a Word file, or a workbook printed with
 * its page setup), and the PDF's text is read back with pdftotext.
 */
export async function textViaLibreOffice(
  bytes: Buffer,
  extension: 'docx' | 'xlsx',
  { layout = false }: { layout?: boolean } = {},
): Promise<string> {
  const { dir, remove } = await tempDir('diemcau-office-');
  try {
    const file = join(dir, `document.${extension}`);
    await writeFile(file, bytes);
    await run(
      'soffice',
      ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'pdf', '--outdir', dir, file],
      { timeout: 120_000 },
    );
    // `-layout` keeps a table's row on one line, so a row can be read as a whole.
    await run('pdftotext', [...(layout ? ['-layout'] : []), join(dir, 'document.pdf'), join(dir, 'document.txt')]);

    return await readFile(join(dir, 'document.txt'), 'utf8');
  } finally {
    await remove();
  }
}

/**
 * The printed height of every word of a document as LibreOffice lays it out on paper (points), from pdftotext's
 * bounding boxes: a 9 pt font prints words about 10-11 pt tall (ascent and descent).
 */
export async function printedWordHeights(bytes: Buffer, extension: 'docx' | 'xlsx' | 'pdf'): Promise<number[]> {
  const { dir, remove } = await tempDir('diemcau-office-');
  try {
    const file = join(dir, `document.${extension}`);
    await writeFile(file, bytes);
    if (extension !== 'pdf') {
      await run(
        'soffice',
        ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'pdf', '--outdir', dir, file],
        { timeout: 120_000 },
      );
    }
    await run('pdftotext', ['-bbox', join(dir, 'document.pdf'), join(dir, 'words.html')]);
    const html = await readFile(join(dir, 'words.html'), 'utf8');

    return [...html.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">/g)].map(
      (m) => Number(m[2]) - Number(m[1]),
    );
  } finally {
    await remove();
  }
}

/**
 * The baseline for `printedWordHeights`, measured in the same run with the same fonts: the median word height of a
 * small workbook of Vietnamese text printed at 100 % in `pointSize`.
 */
export async function referenceWordHeight(pointSize: number): Promise<number> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Mẫu', { pageSetup: { paperSize: 9, orientation: 'landscape', scale: 100 } });
  for (let i = 0; i < 20; i += 1) {
    sheet.addRow([i + 1, 'Điểm cầu Xã Hương Phương', 'Có mặt 08:05', 'Huyện Một']).font = { size: pointSize };
  }
  [4, 30, 14, 12].forEach((width, i) => {
    sheet.getColumn(i + 1).width = width;
  });

  return median(await printedWordHeights(Buffer.from(await book.xlsx.writeBuffer()), 'xlsx'));
}

/** The median of some numbers (the typical printed word height). */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The PDF's text without whitespace: justified lines come back with spaces inside words ("h ội ngh ị"). */
export const squash = (value: string) => value.normalize('NFC').replace(/\s+/g, '');

/**
 * Opens a CSV as a spreadsheet would under Vietnamese regional settings (`;` between fields, a decimal comma, UTF-8)
 * and returns LibreOffice's own workbook of it, so cells come back as it typed them: numbers or text.
 */
export async function csvViaLibreOffice(bytes: Buffer, separator: ';' | ','): Promise<ArrayBuffer> {
  const { dir, remove } = await tempDir('diemcau-office-');
  try {
    const file = join(dir, 'table.csv');
    await writeFile(file, bytes);
    // Filter tokens: separator, text delimiter ("), UTF-8 (76), first line 1, default column formats, Vietnamese (1066).
    const filter = `CSV:${separator.charCodeAt(0)},34,76,1,,1066`;
    await run(
      'soffice',
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/profile`,
        `--infilter=${filter}`,
        '--convert-to',
        'xlsx',
        '--outdir',
        dir,
        file,
      ],
      { timeout: 120_000 },
    );

    const book = await readFile(join(dir, 'table.xlsx'));

    return book.buffer.slice(book.byteOffset, book.byteOffset + book.byteLength);
  } finally {
    await remove();
  }
}
