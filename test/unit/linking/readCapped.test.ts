import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readCapped } from '../../../server/linking/ParentPages.js';
import { backoffDelay } from '../../../server/linking/backoff.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server sending `chunks` chunks of 64 KB with no content-length (chunked), counting what it wrote. */
async function chunkedServer(chunks: number) {
  const sent = { bytes: 0, finished: false };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    let i = 0;
    const more = () => {
      while (i < chunks) {
        i += 1;
        sent.bytes += 65_536;
        if (!res.write(Buffer.alloc(65_536))) {
          res.once('drain', more);

          return;
        }
      }
      sent.finished = true;
      res.end();
    };
    more();
    res.on('close', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, sent };
}

describe('readCapped()', () => {
  it('reads a body within the limit whole', async () => {
    const { url } = await chunkedServer(4);
    expect((await readCapped(await fetch(url), 1024 * 1024))?.length).toBe(4 * 65_536);
  });

  it('stops reading a body without a length once it passes the limit', async () => {
    const { url, sent } = await chunkedServer(100_000);
    expect(await readCapped(await fetch(url), 1024 * 1024)).toBeNull();
    // The server did not get to send its 6 GB: the reader let go well before.
    expect(sent.finished).toBe(false);
    expect(sent.bytes).toBeLessThan(1024 * 1024 * 1024);
  });
});

describe('backoffDelay()', () => {
  it('doubles up to its ceiling, each delay between half and all of it', () => {
    const at = (attempt: number, random: number) =>
      backoffDelay(attempt, { baseMs: 500, maxMs: 15_000, random: () => random });
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => at(a, 1))).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect(at(3, 0)).toBe(2000);
    expect(at(100, 0.5)).toBe(11_250);
  });
});
