import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Document, ImageRun, Packer, Paragraph, TextRun } from 'docx';

/** A 1×1 PNG. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A Word document whose picture is not in the file but linked to `imageUrl` (an external relationship, as a document
 * made to probe a server's network would have): a converter that follows it makes a request there.
 */
export async function docxWithLinkedImage(imageUrl: string): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ children: [new TextRun('Báo cáo có hình liên kết ngoài')] }),
          new Paragraph({
            children: [new ImageRun({ type: 'png', data: PIXEL, transformation: { width: 200, height: 200 } })],
          }),
        ],
      },
    ],
  });
  const files = unzipSync(new Uint8Array(await Packer.toBuffer(doc)));
  const relsPath = 'word/_rels/document.xml.rels';
  const rels = strFromU8(files[relsPath] as Uint8Array);
  const imageRel = /<Relationship [^>]*Type="[^"]*\/image"[^>]*\/>/.exec(rels)?.[0];
  const id = imageRel === undefined ? undefined : /Id="([^"]+)"/.exec(imageRel)?.[1];
  if (imageRel === undefined || id === undefined) {
    throw new Error('the generated document has no picture relationship');
  }
  const linked = `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="${imageUrl}" TargetMode="External"/>`;
  files[relsPath] = strToU8(rels.replace(imageRel, linked));
  const body = strFromU8(files['word/document.xml'] as Uint8Array);
  files['word/document.xml'] = strToU8(body.replaceAll(`r:embed="${id}"`, `r:link="${id}"`));
  for (const name of Object.keys(files)) {
    if (name.startsWith('word/media/')) {
      delete files[name];
    }
  }

  return Buffer.from(zipSync(files));
}
