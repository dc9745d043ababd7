import { expect } from 'vitest';
import { until } from './poll.js';
import { ADMIN_KEY, type TestServer } from './server.js';

/** The office uploads a document to meeting m1 (under an agenda item when given); resolves once it is ready to show. */
export async function uploadReady(t: TestServer, bytes: Buffer, name: string, agendaIndex?: number): Promise<string> {
  const item = agendaIndex === undefined ? '' : `&agendaIndex=${agendaIndex}`;
  const response = await fetch(`${t.url}/api/meetings/m1/documents?name=${encodeURIComponent(name)}${item}`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  expect(response.status).toBe(201);
  const id = ((await response.json()) as { document: { documentId: string } }).document.documentId;
  await until(
    () => t.meeting.state.documents.find((d) => d.documentId === id)?.state === 'ready',
    120_000,
    `${name} prepared`,
  );

  return id;
}
