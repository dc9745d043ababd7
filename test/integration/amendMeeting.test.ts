import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../server/protocol/client.js';
import { smallMeetingInput } from '../helpers/domain.js';
import { ADMIN_KEY, nextMessage, startTestServer, type TestServer } from '../helpers/server.js';

/** The office changes a meeting it prepared, over HTTP, until the session starts. */
describe('PUT /api/meetings/:id', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });

  afterAll(() => t?.close());

  const put = async (body: unknown) => {
    const response = await fetch(`${t.url}/api/meetings/m1`, {
      method: 'PUT',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const input = smallMeetingInput();

  it('while the rooms test their links: consoles in the meeting get the new title and agenda at once', async () => {
    const { socket: x1 } = await t.connect('point', 'DC-X1');
    const snapshot = nextMessage(x1, 'meeting:snapshot', (s) => s.meeting.title === 'Giao ban tháng 12 (sửa)');
    const agenda = [...input.agenda, { kind: 'report' as const, title: 'Sở Y tế báo cáo' }];
    const { status, body } = await put({ ...input, title: 'Giao ban tháng 12 (sửa)', agenda });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'm1', title: 'Giao ban tháng 12 (sửa)' });
    expect((await snapshot).meeting.agenda.map((item) => item.title).at(-1)).toBe('Sở Y tế báo cáo');
    const log = (await (
      await fetch(`${t.url}/api/meetings/m1/events`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as { events: { type: string; by: { role: string } }[] };
    expect(log.events.filter((e) => e.type === 'MeetingAmended')).toEqual([
      expect.objectContaining({ by: expect.objectContaining({ role: 'admin' }) }),
    ]);
  });

  it('refuses at the field, changing nothing: an end before the start, dropping a connected room, another id', async () => {
    const before = t.meeting.state.seq;
    const early = await put({ ...input, scheduledEnd: input.scheduledStart - 60_000 });
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ error: { details: [{ path: 'scheduledEnd' }] } });
    // X1 is connected (previous test): it stays invited.
    const dropped = await put({ ...input, invite: { units: ['H2'] } });
    expect(dropped.status).toBe(400);
    expect(JSON.stringify(dropped.body)).toContain('DC-X1');
    expect((await put({ ...input, id: 'khac' })).status).toBe(400);
    expect((await put({ ...input, title: '' })).status).toBe(400);
    expect(t.meeting.state.seq).toBe(before);
  });

  it('not once the session has started', async () => {
    const { socket: chair } = await t.connect('chair');
    expect(await request(chair, 'meeting:start', {})).toMatchObject({ ok: true });
    const late = await put(input);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: { code: 'INVALID_TRANSITION' } });
  });
});
