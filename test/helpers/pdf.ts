/**
 * A small valid PDF for tests: `pages` landscape pages, each saying "Trang n" in large type over a band whose colour
 * and width differ per page, so that a rendered page can be told from every other by its pixels.
 * `mediaBox` overrides the page size in points (a page built to be huge).
 */
export function testPdf(pages: number, { mediaBox = [0, 0, 842, 595] } = {}): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + i * 2);
  add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`);
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let n = 1; n <= pages; n++) {
    const [r, g, b] = [(n * 37) % 100, (n * 61) % 100, (n * 83) % 100].map((v) => (v / 100).toFixed(2));
    const stream = `${r} ${g} ${b} rg 40 60 ${80 + ((n * 53) % 700)} 120 re f 0 0 0 rg BT /F1 96 Tf 120 330 Td (Trang ${n}) Tj ET`;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [${mediaBox.join(' ')}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${4 + (n - 1) * 2 + 1} 0 R >>`,
    );
    add(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  }
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;

  return Buffer.from(out, 'latin1');
}
