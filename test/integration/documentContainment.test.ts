import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { docxWithLinkedImage } from '../helpers/linkedImageDocx.js';
import { until } from '../helpers/poll.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const servers: ReturnType<typeof createServer>[] = [];
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('documents opened contained', () => {
  it('a Word file linking a picture on the network makes no request while it is converted', async () => {
    // The "network" a document might probe: a server on this machine's loopback, as an intranet host would be.
    const requests: string[] = [];
    const probe = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(404).end();
    });
    servers.push(probe);
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    const bytes = await docxWithLinkedImage(`http://127.0.0.1:${port}/logo.png`);

    const response = await fetch(`${t.url}/api/meetings/m1/documents?name=${encodeURIComponent('Báo cáo.docx')}`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    expect(response.status).toBe(201);
    const { documentId } = ((await response.json()) as { document: { documentId: string } }).document;
    await until(
      () => t.meeting.state.documents.find((d) => d.documentId === documentId)?.state !== 'preparing',
      180_000,
      'the document converted',
    );
    // Shown, its text and an empty frame where the picture was: and the picture's address was never asked.
    expect(t.meeting.state.documents.find((d) => d.documentId === documentId)).toMatchObject({
      state: 'ready',
      pages: 1,
    });
    expect(requests).toEqual([]);
  }, 200_000);
});
