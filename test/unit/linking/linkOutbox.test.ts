import { describe, expect, it } from 'vitest';
import { LinkOutbox } from '../../../server/linking/LinkOutbox.js';
import type { Ack } from '../../../server/protocol/common.js';
import { until } from '../../helpers/poll.js';

/** A parent whose answers the test gives by hand, keeping every send in order. */
function parent() {
  const sent: { event: string; body: object; answer: (ack: Ack) => void; fail: () => void }[] = [];

  return {
    sent,
    send: (event: string, body: object) =>
      new Promise<Ack>((resolve, reject) => {
        sent.push({ event, body, answer: resolve, fail: () => reject(new Error('operation has timed out')) });
      }),
  };
}

describe('LinkOutbox', () => {
  it('sends a report again when no answer came, until one does', async () => {
    const p = parent();
    const outbox = new LinkOutbox({ send: p.send, open: () => true, retryBaseMs: 10, retryMaxMs: 20 });
    outbox.post('confirm:rc1:X1', 'link:confirm', { pointId: 'X1' });
    p.sent[0]?.fail();
    await until(() => p.sent.length === 2, 2000, 'sent again');
    p.sent[1]?.answer({ ok: true });
    await until(() => outbox.size === 0, 2000, 'answered');
    outbox.close();
  });

  it('never sends an older report of a key after a newer one', async () => {
    const p = parent();
    const outbox = new LinkOutbox({ send: p.send, open: () => true, retryBaseMs: 10, retryMaxMs: 20 });
    outbox.post('presence:X1', 'link:presence', { connected: true });
    outbox.post('presence:X1', 'link:presence', { connected: false });
    // The first goes unanswered: it is not sent again, the newer one stands for the key.
    p.sent[0]?.fail();
    p.sent[1]?.answer({ ok: true });
    await until(() => outbox.size === 0, 2000, 'the newer answered');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.sent.map((s) => s.body)).toEqual([{ connected: true }, { connected: false }]);
    outbox.close();
  });

  it('keeps reports while the link is down and sends them, oldest first, when it opens again', async () => {
    const p = parent();
    let open = false;
    const outbox = new LinkOutbox({ send: p.send, open: () => open });
    outbox.post('presence:X1', 'link:presence', { pointId: 'X1' });
    outbox.post('release:X2', 'link:release', { pointId: 'X2' });
    expect(p.sent).toEqual([]);
    expect(outbox.has('release:X2')).toBe(true);
    open = true;
    outbox.flush();
    expect(p.sent.map((s) => s.event)).toEqual(['link:presence', 'link:release']);
    // A refusal is an answer: not sent again.
    p.sent[0]?.answer({ ok: false, error: { code: 'POINT_NOT_FOUND', message: 'không có' } });
    p.sent[1]?.answer({ ok: true });
    await until(() => outbox.size === 0, 2000, 'both answered');
    outbox.close();
  });
});
