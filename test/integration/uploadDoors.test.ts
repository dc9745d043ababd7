import { request as httpRequest, type IncomingMessage } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/poll.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

interface Upload {
  /** Resolves with the answer, whether or not the body was all sent. */
  answer: Promise<{ status: number; body: Record<string, unknown> }>;
  /** Sends `bytes` more of the body. */
  send(bytes: number): void;
  end(): void;
  abort(): void;
}

/** A document upload sent by hand, so that a test decides how much of the body goes and when. */
function upload(headers: Record<string, string>, declared: number | null): Upload {
  const url = new URL(`${t.url}/api/meetings/m1/documents?name=bao-cao.pdf`);
  const req = httpRequest(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(declared === null ? {} : { 'content-length': String(declared) }),
      ...headers,
    },
  });
  req.on('error', () => undefined);
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as never }),
      );
    });
    req.on('error', reject);
  });
  // An upload the test cuts off has no answer to wait for.
  answer.catch(() => undefined);
  let first = true;

  return {
    answer,
    send(bytes) {
      const chunk = Buffer.alloc(bytes, 0x20);
      if (first) {
        Buffer.from('%PDF-1.4\n').copy(chunk);
        first = false;
      }
      req.write(chunk);
    },
    end: () => req.end(),
    abort: () => req.destroy(),
  };
}

const MB = 1024 * 1024;

describe('the doors of uploads and meetings', () => {
  it('refuses an upload from someone unknown before reading its body', async () => {
    const u = upload({}, 50 * MB);
    u.send(MB);
    // Answered with 49 MB still unsent: nothing waited for the body.
    const { status, body } = await u.answer;
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    u.abort();
  });

  it('refuses a declared length over the limit at once, and cuts off a body that grows past it', async () => {
    const declared = upload({ 'x-api-key': ADMIN_KEY }, 51 * MB);
    declared.send(1024);
    expect(await declared.answer).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    declared.abort();
    // No declared length (chunked): read until it passes 50 MB, then refused, and nothing of it kept.
    const growing = upload({ 'x-api-key': ADMIN_KEY }, null);
    for (let sent = 0; sent <= 50 * MB; sent += 4 * MB) {
      growing.send(4 * MB);
    }
    expect(await growing.answer).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    growing.abort();
    await until(async () => (await readdir(join(t.dataDir, 'uploads'))).length === 0, 10_000, 'nothing kept');
    expect(t.meeting.state.documents).toEqual([]);
  });

  it('lets an account have two uploads arriving at once, not a third; the files are removed when each ends', async () => {
    const key = { 'x-api-key': ADMIN_KEY };
    const first = upload(key, 4 * MB);
    const second = upload(key, 4 * MB);
    first.send(MB);
    second.send(MB);
    const uploads = join(t.dataDir, 'uploads');
    await until(async () => (await readdir(uploads).catch(() => [])).length === 2, 10_000, 'two uploads arriving');
    const third = upload(key, 4 * MB);
    third.send(MB);
    expect(await third.answer).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    third.abort();
    first.abort();
    // The first went away: its place and its file are free again.
    await until(async () => (await readdir(uploads)).length === 1, 10_000, "the aborted upload's file removed");
    second.send(3 * MB);
    second.end();
    // Whole and authenticated: kept as the meeting's document, and the upload's own file removed.
    expect(await second.answer).toMatchObject({ status: 201, body: { document: { bytes: 4 * MB } } });
    await until(async () => (await readdir(uploads)).length === 0, 10_000, 'no upload left on disk');
  });

  it('answers a caller without credentials the same for a meeting that exists and one that does not', async () => {
    const real = await fetch(`${t.url}/api/meetings/m1`);
    const unknown = await fetch(`${t.url}/api/meetings/khong-co`);
    expect(real.status).toBe(401);
    expect(unknown.status).toBe(real.status);
    expect(await unknown.json()).toEqual(await real.json());
    const realDocs = await fetch(`${t.url}/api/meetings/m1/documents`);
    const unknownDocs = await fetch(`${t.url}/api/meetings/khong-co/documents`);
    expect(unknownDocs.status).toBe(realDocs.status);
    expect(await unknownDocs.json()).toEqual(await realDocs.json());
    // With the key, the office learns that one does not exist.
    expect((await fetch(`${t.url}/api/meetings/khong-co`, { headers: { 'x-api-key': ADMIN_KEY } })).status).toBe(404);
  });
});
