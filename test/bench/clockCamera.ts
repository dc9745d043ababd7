import type { BrowserContext, Page } from 'playwright-core';

/**
 * The clock drawn by the camera: 24 bits of the wall clock in milliseconds (`Date.now()` modulo 2²⁴, about 4.6 hours)
 * as black and white blocks across the picture's top, and their complement in a second row below (a picture read
 * half-way through a change, or blurred by the encoder, is rejected rather than misread).
 */
const BITS = 24;
const MASK = 2 ** BITS - 1;

/**
 * Gives the pages of a context a camera that draws the wall clock (25 times a second) over a moving picture, so that
 * whoever receives it can read when each frame was drawn: glass-to-glass latency is the reader's clock minus that.
 */
export async function useClockCamera(context: BrowserContext): Promise<void> {
  // Given as text, as the reader below: the bench runs under tsx, whose functions carry helpers the page lacks.
  await context.addInitScript(`(() => {
    const bits = ${BITS};
    const mask = ${MASK};
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      if (stream.getVideoTracks().length === 0) {
        return stream;
      }
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 360;
      const g = canvas.getContext('2d');
      const block = canvas.width / bits;
      let frame = 0;
      const draw = () => {
        const now = Date.now() & mask;
        g.fillStyle = 'rgb(90,90,110)';
        g.fillRect(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < bits; i += 1) {
          const on = ((now >> (bits - 1 - i)) & 1) === 1;
          g.fillStyle = on ? '#fff' : '#000';
          g.fillRect(i * block, 0, block, 60);
          g.fillStyle = on ? '#000' : '#fff';
          g.fillRect(i * block, 60, block, 60);
        }
        // Something moving below, as a room's camera has.
        g.fillStyle = 'rgb(220,180,40)';
        g.fillRect((frame * 9) % canvas.width, 200, 60, 60);
        frame += 1;
      };
      draw();
      // A timer, not requestAnimationFrame: a headless page in the background gets no animation frames.
      setInterval(draw, 40);
      const [track] = canvas.captureStream(25).getVideoTracks();
      for (const fake of stream.getVideoTracks()) {
        stream.removeTrack(fake);
        fake.stop();
      }
      if (track !== undefined) {
        stream.addTrack(track);
      }
      return stream;
    };
  })()`);
}

/**
 * Starts reading the clock from the first `<video>` of the page every `everyMs`: each reading is the page's clock
 * minus the clock in the frame shown, kept in `window.clockLatencies` (rejected readings are not kept).
 */
export async function readClockLatencies(page: Page, everyMs: number): Promise<void> {
  // Given as text: a function passed from here would carry the bundler's helpers, which the page does not have.
  await page.evaluate(`(() => {
    const bits = ${BITS};
    const mask = ${MASK};
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    const block = canvas.width / bits;
    const samples = [];
    window.clockLatencies = samples;
    const bright = (x, y) => {
      const { data } = g.getImageData(Math.round(x) - 3, y - 3, 6, 6);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) {
        sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
      }
      return sum / (data.length / 4) > 128;
    };
    setInterval(() => {
      const video = document.querySelector('video');
      if (video === null || video.readyState < 2 || video.paused) {
        return;
      }
      g.drawImage(video, 0, 0, canvas.width, canvas.height);
      const now = Date.now() & mask;
      let value = 0;
      for (let i = 0; i < bits; i += 1) {
        const top = bright((i + 0.5) * block, 30);
        if (top === bright((i + 0.5) * block, 90)) {
          return;
        }
        value = value * 2 + (top ? 1 : 0);
      }
      samples.push((now - value + mask + 1) & mask);
    }, ${everyMs});
  })()`);
}

/** The latencies read so far (ms). */
export function clockLatencies(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { clockLatencies?: number[] }).clockLatencies ?? []);
}
