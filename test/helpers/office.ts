import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './tmp.js';

const run = promisify(execFile);

/**
 * Opens a document the way the office will: LibreOffice converts it to PDF (a Word file, or a workbook printed with
 * its page setup), and the PDF's text is read back with pdftotext.
 */
export async function textViaLibreOffice(bytes: Buffer, extension: 'docx' | 'xlsx'): Promise<string> {
  const { dir, remove } = await tempDir('diemcau-office-');
  try {
    const file = join(dir, `document.${extension}`);
    await writeFile(file, bytes);
    await run(
      'soffice',
      ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'pdf', '--outdir', dir, file],
      { timeout: 120_000 },
    );
    await run('pdftotext', [join(dir, 'document.pdf'), join(dir, 'document.txt')]);

    return await readFile(join(dir, 'document.txt'), 'utf8');
  } finally {
    await remove();
  }
}

/** The PDF's text without whitespace: justified lines come back with spaces inside words ("h ội ngh ị"). */
export const squash = (value: string) => value.normalize('NFC').replace(/\s+/g, '');
