import type { BrowserContext, Page } from 'playwright-core';

/** A room's camera in a browser test: a flat colour of its own with its name written on it. */
export interface LabelledCamera {
  label: string;
  rgb: [number, number, number];
}

/** Colours far apart from each other and from Chromium's own fake camera (green and grey), one per room. */
export const CAMERA_COLOURS = {
  red: [210, 30, 40],
  blue: [30, 60, 210],
  yellow: [220, 190, 20],
  magenta: [200, 40, 200],
  cyan: [20, 200, 210],
  orange: [240, 120, 10],
} as const satisfies Record<string, [number, number, number]>;

/**
 * Gives every page of a browser context a labelled camera: the fake device's picture (the same for every page of one
 * Chromium) is replaced by a canvas of the room's colour with its name, moving a little so that the encoder keeps
 * sending. The microphone stays the fake one. A test then says whose picture a tile shows by its colour.
 */
export async function useLabelledCamera(context: BrowserContext, camera: LabelledCamera): Promise<void> {
  await context.addInitScript(({ label, rgb }: LabelledCamera) => {
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await original(constraints);
      if (stream.getVideoTracks().length === 0) {
        return stream;
      }
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 360;
      const g = canvas.getContext('2d') as CanvasRenderingContext2D;
      let frame = 0;
      // A band of grain along the bottom edge, changing every frame: a camera's picture costs bits as a real one does
      // (a flat colour alone would be sent at a trickle, and a recording of it would hardly grow).
      const grain = Array.from({ length: 6 }, () => {
        const band = g.createImageData(canvas.width, 40);
        for (let i = 0; i < band.data.length; i += 4) {
          const v = Math.floor(Math.random() * 256);
          band.data.set([v, v, v, 255], i);
        }

        return band;
      });
      const draw = () => {
        g.fillStyle = `rgb(${rgb.join(',')})`;
        g.fillRect(0, 0, canvas.width, canvas.height);
        g.fillStyle = 'white';
        g.font = 'bold 36px sans-serif';
        g.fillText(label, 24, 200);
        // A small block moving above the grain: frames differ, the colour elsewhere does not.
        g.fillRect((frame * 12) % canvas.width, 296, 24, 20);
        g.putImageData(grain[frame % grain.length] as ImageData, 0, canvas.height - 40);
        frame += 1;
      };
      draw();
      // A timer, not requestAnimationFrame: a page in the background of a headless browser gets no frames.
      setInterval(draw, 66);
      const [track] = canvas.captureStream(15).getVideoTracks();
      for (const fake of stream.getVideoTracks()) {
        stream.removeTrack(fake);
        fake.stop();
      }
      if (track !== undefined) {
        stream.addTrack(track);
      }

      return stream;
    };
  }, camera);
}

/**
 * The mean colour of what a tile's video shows now, over its upper band (above the camera's label), or `null` while
 * it shows no picture.
 */
export function tileColour(page: Page, testId: string): Promise<[number, number, number] | null> {
  return page.evaluate((id) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"] video`);
    if (video === null || video.videoWidth === 0 || video.readyState < 2) {
      return null;
    }
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 36;
    const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    context.drawImage(video, 0, 0, 64, 36);
    const { data } = context.getImageData(4, 2, 56, 10);
    let [r, g, b] = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      r += data[i] ?? 0;
      g += data[i + 1] ?? 0;
      b += data[i + 2] ?? 0;
    }
    const n = data.length / 4;

    return [Math.round(r / n), Math.round(g / n), Math.round(b / n)] as [number, number, number];
  }, testId);
}

/**
 * Whose camera a tile shows, by colour: the name of the closest of `cameras` (within a margin a video codec keeps),
 * `'nothing'` while the tile has no picture, `'someone else'` for a picture of none of them.
 */
export async function whoseTile(page: Page, testId: string, cameras: Record<string, LabelledCamera>): Promise<string> {
  const colour = await tileColour(page, testId);
  if (colour === null) {
    return 'nothing';
  }
  let best = 'someone else';
  let bestDistance = 60;
  for (const [name, { rgb }] of Object.entries(cameras)) {
    const distance = Math.max(...rgb.map((v, i) => Math.abs(v - (colour[i] ?? 0))));
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }

  return best;
}

/** Whether a tile's video is moving: it presents new frames over a moment. */
export async function tileMoving(page: Page, testId: string): Promise<boolean> {
  const at = () =>
    page.evaluate(
      (id) =>
        document.querySelector<HTMLVideoElement>(`[data-testid="${id}"] video`)?.getVideoPlaybackQuality()
          .totalVideoFrames ?? 0,
      testId,
    );
  const before = await at();
  await new Promise((resolve) => setTimeout(resolve, 700));

  return (await at()) > before;
}
