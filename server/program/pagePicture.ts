import { spawn } from 'node:child_process';
import type { PictureSize } from './compose.js';

/**
 * A page of a document (its JPEG as the document store keeps it) as one raw I420 picture of the program's size: the
 * page whole, centred on white, as the consoles show slides. `null` when ffmpeg cannot read it.
 */
export function pagePicture(ffmpeg: string, jpeg: Buffer, { width, height }: PictureSize): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const fit =
      `scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
      `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p`;
    const child = spawn(
      ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'image2pipe', '-i', 'pipe:0', '-vf', fit],
        ...['-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'],
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdin.on('error', () => undefined);
    child.once('error', () => resolve(null));
    child.once('close', (code) => {
      const picture = Buffer.concat(chunks);
      resolve(code === 0 && picture.length === (width * height * 3) / 2 ? picture : null);
    });
    child.stdin.end(jpeg);
  });
}
