import { mkdir, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../server/domain/apply.js';
import { connectMeeting, type MeetingSocket } from '../../server/protocol/client.js';
import { REQUEST_NAMES, REQUESTS } from '../../server/protocol/requests.js';
import { seededRandom } from '../../server/scenarios/names.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { arbitraryFor, hostile } from './arbitraries.js';

const PAYLOADS = Number(process.env.FUZZ_PAYLOADS ?? 10_500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

describe('fuzzing every client event over real sockets', () => {
  let t: TestServer;
  const sockets: MeetingSocket[] = [];

  beforeAll(async () => {
    // Unthrottled, so payloads reach validation and the domain instead of the rate limiter.
    t = await startTestServer({
      env: { RATE_LIMIT_MULTIPLIER: '100000', MAX_CONNECTIONS_PER_TOKEN: '10', MEDIA_LISTEN_IP: '127.0.0.1' },
    });
    for (const [role, pointId] of [
      ['chair'],
      ['cochair'],
      ['technician'],
      ['observer'],
      ['point', 'DC-X1'],
      ['point', 'DC-X2'],
      ['point', 'DC-H1'],
      ['point', 'DC-X4'],
    ] as const) {
      sockets.push((await t.connect(role, pointId)).socket);
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it(`answers ${PAYLOADS} payloads without a crash, and the log still rebuilds the state`, async () => {
    // meeting:end is sent once, last: a meeting ended early would leave the rest of the run little to exercise.
    const events = [
      ...REQUEST_NAMES.filter((name) => name !== 'meeting:end'),
      'floor:explode',
      'admin:shutdown',
      '__proto__',
      'constructor',
    ];
    const valid = Object.fromEntries(REQUEST_NAMES.map((name) => [name, arbitraryFor(REQUESTS[name].schema)]));
    // The plan is uniform (fast-check's own generators lean to edge cases, which the payloads want, the plan not).
    const random = seededRandom(`fuzz:${SEED}`);
    const plan = Array.from({ length: PAYLOADS }, (_, i) => ({
      event: events[Math.floor(random() * events.length)] as string,
      socket: Math.floor(random() * sockets.length),
      hostile: i % 3 === 0,
    }));
    let answered = 0;
    let unanswered = 0;
    let internal = 0;
    const missed: string[] = [];
    const debug: string[] = [];
    const crashes: string[] = [];
    const codes = new Map<string, number>();
    for (let i = 0; i < plan.length; i += 250) {
      await Promise.all(
        plan.slice(i, i + 250).map(async (c, j) => {
          const arbitrary =
            c.hostile || !Object.hasOwn(valid, c.event) ? hostile : (valid[c.event] as fc.Arbitrary<unknown>);
          const [payload] = fc.sample(arbitrary, { numRuns: 1, seed: SEED + i + j });
          const socket = sockets[c.socket] as MeetingSocket;
          try {
            const ack = (await (
              socket.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }
            ).emitWithAck(c.event, payload)) as { ok: boolean; error?: { code: string } };
            answered += 1;
            const code = ack.ok ? 'ok' : (ack.error?.code ?? 'malformed ack');
            codes.set(code, (codes.get(code) ?? 0) + 1);
            internal += code === 'INTERNAL' ? 1 : 0;
            if (code === 'INTERNAL' && crashes.length < 5) {
              crashes.push(`${c.event} ${JSON.stringify(payload)?.slice(0, 120)}`);
            }
            if (process.env.FUZZ_DEBUG && code === 'VALIDATION_FAILED' && arbitrary !== hostile && debug.length < 8) {
              debug.push(
                `${c.event} ${JSON.stringify(payload).slice(0, 100)} → ${(ack.error as { message?: string }).message?.slice(0, 120)}`,
              );
            }
          } catch {
            unanswered += 1;
            missed.push(`${c.event} ${JSON.stringify(payload)?.slice(0, 80)}`);
          }
        }),
      );
    }

    const end = await (
      sockets[0]?.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<{ ok: boolean }> }
    ).emitWithAck('meeting:end', {});
    expect(end.ok).toBe(true);

    // The server is alive and every socket still connected.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(sockets.every((s) => s.connected)).toBe(true);
    const fresh = await connectMeeting(t.url, await t.token('chair'), { reconnection: false });
    fresh.socket.close();

    // No event lost: the log is gapless and rebuilds exactly the live state.
    await t.meeting.idle();
    const log = await t.server.meetings.log('m1');
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(replay(log)).toEqual(t.meeting.state);

    // Well-formed payloads from the right roles are handled, not only refused.
    expect(codes.get('ok') ?? 0).toBeGreaterThan(PAYLOADS / 100);
    expect(crashes).toEqual([]);
    expect(internal).toBe(0);
    expect(missed.slice(0, 5)).toEqual([]);
    expect(unanswered).toBe(0);
    expect(answered).toBe(PAYLOADS);
    const summary = [...codes]
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    process.stdout.write(`acks: ${summary}\n${debug.join('\n')}\n`);
    const line = `fuzz: ${PAYLOADS} payloads, ${log.length} events, ${internal} crashes, ${unanswered} unanswered`;
    process.stdout.write(`${line}\n`);
    // `npm run test:fuzz` prints this file after vitest's summary, so the counts are the run's last line.
    await mkdir('test/fuzz/results', { recursive: true });
    await writeFile('test/fuzz/results/last.txt', `${line}\n`);
  }, 180_000);
});
