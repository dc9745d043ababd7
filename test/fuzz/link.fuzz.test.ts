import { mkdir, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { replay } from '../../server/domain/apply.js';
import { LINK_NAMESPACE, LINK_NOTICES, LINK_PATH, LINK_REQUESTS } from '../../server/protocol/link.js';
import { seededRandom } from '../../server/scenarios/names.js';
import { helloAnswerBody, startFakeParent } from '../helpers/fakeParent.js';
import { inviteUnit, linkUp, startNation, startProvince, type Coordinator } from '../helpers/linked.js';
import { until } from '../helpers/poll.js';
import { arbitraryFor, hostile } from './arbitraries.js';

const MESSAGES = Number(process.env.FUZZ_LINK_MESSAGES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const CHAIR = { role: 'chair' } as const;
const results: string[] = [];
const closers: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) {
    await close();
  }
  await mkdir('test/fuzz/results', { recursive: true });
  await writeFile('test/fuzz/results/link.txt', `${results.join('\n')}\n`);
});

/** A child's report as a diemcau child would send it, with a few of its own points (some ids absent elsewhere). */
const plausibleReport = (random: () => number, meetingId: string) => {
  const count = 1 + Math.floor(random() * 4);
  const points = Array.from({ length: count }, (_, i) => ({
    code: `DC-${i}`,
    name: `Xã số ${i}`,
    level: 'commune',
    unitCode: 'XA',
    technician: null,
  }));

  return {
    meetingId,
    title: 'Hội nghị cấp dưới',
    hub: { code: 'DC-H', name: 'Hội trường', level: 'district', unitCode: 'XA', technician: null },
    units: [{ code: 'XA', name: 'Huyện Một', level: 'district', parentCode: null }],
    points,
    connected: points.filter(() => random() < 0.5).map((p) => p.code),
    lineage: [meetingId],
  };
};

/** One of a child's requests as this version sends them, naming one of its points (or one it never reported). */
function plausibleRequest(random: () => number, rollCallId: string): { event: string; payload: unknown } {
  const pointId = ['DC-0', 'DC-1', 'DC-2', 'DC-3', 'DC-H', 'DC-9'][Math.floor(random() * 6)] as string;
  const presiding = { name: 'Lê Thị Hoa', title: 'Chủ tịch UBND xã' };
  const choices: { event: string; payload: unknown }[] = [
    { event: 'link:presence', payload: { pointId, connected: random() < 0.5 } },
    { event: 'link:confirm', payload: { pointId, rollCallId, headcount: Math.floor(random() * 50), presiding } },
    {
      event: 'link:floorRequest',
      payload: {
        pointId,
        kind: random() < 0.5 ? 'speech' : 'petition',
        topic: 'Giải phóng mặt bằng',
        department: null,
      },
    },
    { event: 'link:floorWithdraw', payload: { pointId } },
    { event: 'link:release', payload: { pointId } },
  ];

  return choices[Math.floor(random() * choices.length)] as { event: string; payload: unknown };
}

describe('fuzzing the link between coordinators over real sockets', () => {
  it(`a parent answers ${MESSAGES} messages of hostile children, stays up, and its log rebuilds its state`, async () => {
    // The embedded bridge: a media request that passed the address door is refused for want of pipes, never sent.
    const parent = await startNation('127.0.0.2', { MEDIA_BRIDGE: 'werift' });
    closers.push(() => parent.close());
    const tw = parent.server.meetings.get('tw');
    const random = seededRandom(`link-child:${SEED}`);
    const tokens = { P1: await inviteUnit(parent, 'P1'), P2: await inviteUnit(parent, 'P2') };
    const open = (unit: 'P1' | 'P2') => {
      const socket = connect(`${parent.url}${LINK_NAMESPACE}`, {
        path: LINK_PATH,
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: tokens[unit] },
      });

      return new Promise<ClientSocket>((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    };
    const children: ClientSocket[] = [await open('P1'), await open('P2')];
    closers.push(async () => children.forEach((s) => s.close()));
    // Linked first, with a roll call over their points open: answers and requests reach the parent's rules.
    for (const [k, socket] of children.entries()) {
      await socket.emitWithAck('link:hello', { report: plausibleReport(random, k === 0 ? 'tinh-a' : 'tinh-b') });
    }
    await tw.execute({ type: 'rollcall.start', deadlineSec: 600 }, CHAIR);
    // An unlink ends the link for the rest of its socket's batch: sent on its own, rarely, below.
    const names = [
      ...Object.keys(LINK_REQUESTS).filter((name) => name !== 'link:unlink'),
      'link:explode',
      '__proto__',
      'constructor',
      'link:hello ',
    ];
    const valid = Object.fromEntries(
      Object.entries(LINK_REQUESTS).map(([name, schema]) => [name, arbitraryFor(schema as never)]),
    );
    const sent: { event: string; payload: unknown }[] = [];
    let answered = 0;
    let unanswered = 0;
    let internal = 0;
    let storms = 0;
    const codes = new Map<string, number>();
    for (let i = 0; i < MESSAGES; i += 200) {
      // A reconnect storm now and then: every child's socket dropped and opened again at once.
      if (random() < 0.1) {
        storms += 1;
        children.forEach((s) => s.close());
        children.splice(0, children.length, ...(await Promise.all([open('P1'), open('P2')])));
        for (const [k, socket] of children.entries()) {
          await socket.emitWithAck('link:hello', { report: plausibleReport(random, k === 0 ? 'tinh-a' : 'tinh-b') });
        }
      }
      await Promise.all(
        Array.from({ length: Math.min(200, MESSAGES - i) }, async (_, j) => {
          const roll = random();
          const k = Math.floor(random() * children.length);
          const socket = children[k] as ClientSocket;
          let event: string;
          let payload: unknown;
          if (roll < 0.1) {
            event = 'link:hello';
            // Mostly its own meeting; sometimes the parent's own id (a loop) or the other child's (in use).
            const own = k === 0 ? 'tinh-a' : 'tinh-b';
            payload = { report: plausibleReport(random, random() < 0.9 ? own : random() < 0.5 ? 'tw' : 'tinh-c') };
          } else if (roll < 0.15 && sent.length > 0) {
            // A replay of something already sent.
            ({ event, payload } = sent[Math.floor(random() * sent.length)] as { event: string; payload: unknown });
          } else if (roll < 0.152) {
            event = 'link:unlink';
            payload = {};
          } else if (roll < 0.5) {
            // What a child of this version sends, about points it may or may not have reported.
            ({ event, payload } = plausibleRequest(random, tw.state.rollCalls.at(-1)?.rollCallId ?? 'rc1'));
          } else {
            event = names[Math.floor(random() * names.length)] as string;
            const arbitrary =
              random() < 0.4 || !Object.hasOwn(valid, event) ? hostile : (valid[event] as fc.Arbitrary<unknown>);
            [payload] = fc.sample(arbitrary, { numRuns: 1, seed: SEED + i + j });
          }
          if (sent.length < 500) {
            sent.push({ event, payload });
          }
          try {
            const ack = (await socket.timeout(10_000).emitWithAck(event, payload)) as {
              ok: boolean;
              error?: { code: string };
            };
            answered += 1;
            const code = ack.ok ? 'ok' : (ack.error?.code ?? 'malformed ack');
            codes.set(code, (codes.get(code) ?? 0) + 1);
            internal += code === 'INTERNAL' ? 1 : 0;
          } catch {
            // A socket closed by the parent (a newer hello replaced it, an unlink) answers nothing: counted apart.
            if (socket.connected) {
              unanswered += 1;
            } else {
              codes.set('closed', (codes.get('closed') ?? 0) + 1);
            }
          }
        }),
      );
      // Sockets the parent closed (replaced by a newer hello, unlinked) are opened again.
      for (const [k, socket] of children.entries()) {
        if (!socket.connected) {
          children[k] = await open(k === 1 ? 'P2' : 'P1');
          await children[k]?.emitWithAck('link:hello', {
            report: plausibleReport(random, k === 0 ? 'tinh-a' : 'tinh-b'),
          });
        }
      }
    }

    process.stdout.write(`acks: ${[...codes].map(([code, n]) => `${code} ${n}`).join(', ')}\n`);
    expect((await fetch(`${parent.url}/healthz`)).status).toBe(200);
    expect(parent.server.faults.counts.get('process') ?? 0).toBe(0);
    expect(internal).toBe(0);
    expect(unanswered).toBe(0);
    // Every message was answered, but those on a socket the parent itself had closed (replaced, unlinked).
    expect(answered + (codes.get('closed') ?? 0)).toBe(MESSAGES);
    expect(codes.get('ok') ?? 0).toBeGreaterThan(MESSAGES / 50);
    await tw.idle();
    const log = await parent.server.meetings.log('tw');
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(replay(log)).toEqual(tw.state);
    const summary = [...codes].map(([code, n]) => `${code} ${n}`).join(', ');
    results.push(
      `link fuzz, hostile children: ${MESSAGES} messages, ${storms} reconnect storms, ${log.length} events, ${internal} crashes, ${unanswered} unanswered (${summary})`,
    );
    process.stdout.write(`${results.at(-1)}\n`);
  }, 300_000);

  it(`a child takes ${MESSAGES} notices of a hostile parent, stays up, answers each asked, and its log rebuilds its state`, async () => {
    const random = seededRandom(`link-parent:${SEED}`);
    const valid = Object.fromEntries(
      Object.entries(LINK_NOTICES).map(([name, schema]) => [name, arbitraryFor(schema as never)]),
    );
    const names = [...Object.keys(LINK_NOTICES), 'link:explode', '__proto__', 'link:turn '];
    // Every hello is answered with another view of the parent: catch-ups out of order, turns and roll calls that
    // come and go, sometimes a malformed answer.
    const fake = await startFakeParent('127.0.0.4', (event) => {
      if (event !== 'link:hello') {
        return { ok: true };
      }
      const roll = random();
      if (roll < 0.1) {
        return fc.sample(hostile, { numRuns: 1, seed: SEED + Math.floor(roll * 1e6) })[0] ?? null;
      }

      return helloAnswerBody({
        rollCall:
          roll < 0.5
            ? {
                rollCallId: `rc${Math.floor(random() * 4)}`,
                deadlineAt: Date.now() + 60_000,
                closesAt: Date.now() + 90_000,
                confirmed: [],
              }
            : null,
        turn: roll > 0.7 ? { pointId: `DC-X${1 + Math.floor(random() * 4)}`, limitSec: 120, warned: false } : null,
        queued: roll > 0.8 ? ['DC-X2'] : [],
      });
    });
    closers.push(() => fake.close());
    const child: Coordinator = await startProvince('127.0.0.3', 'tinh', { LINK_TIMEOUT_MS: '2000' });
    closers.push(() => child.close());
    expect(
      (await linkUp(child, 'tinh', { url: fake.url } as Coordinator, 'a-link-token-of-a-parent-0123456789')).status,
    ).toBe(200);
    const tinh = child.server.meetings.get('tinh');
    let asked = 0;
    let answered = 0;
    let storms = 0;
    for (let i = 0; i < MESSAGES; i += 200) {
      if (random() < 0.1) {
        // A reconnect storm: the transport under the child's link cut; the child comes back and says hello.
        storms += 1;
        fake.sockets().forEach((s) => s.conn.close());
      }
      await until(() => fake.sockets().length > 0, 30_000, 'the child back on the link');
      const [socket] = fake.sockets();
      await Promise.all(
        Array.from({ length: Math.min(200, MESSAGES - i) }, async (_, j) => {
          const event = names[Math.floor(random() * names.length)] as string;
          const arbitrary =
            random() < 0.4 || !Object.hasOwn(valid, event) ? hostile : (valid[event] as fc.Arbitrary<unknown>);
          const [payload] = fc.sample(arbitrary, { numRuns: 1, seed: SEED + 7 + i + j });
          if (random() < 0.2 && Object.hasOwn(valid, event)) {
            asked += 1;
            const ack = (await socket
              ?.timeout(10_000)
              .emitWithAck(event, payload)
              .catch(() => null)) as { ok: boolean } | null;
            answered += ack !== null && typeof ack.ok === 'boolean' ? 1 : 0;
          } else {
            socket?.emit(event, payload);
          }
        }),
      );
    }
    await tinh.idle();

    expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
    expect(child.server.faults.counts.get('process') ?? 0).toBe(0);
    expect(child.server.faults.counts.get('link') ?? 0).toBeGreaterThan(0);
    // Asked notices sent while the transport was being cut are lost with it; the rest were all answered.
    expect(answered).toBeGreaterThan(asked * 0.8);
    const log = await child.server.meetings.log('tinh');
    const text = JSON.stringify(log);
    expect(text).not.toContain('NaN');
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(replay(JSON.parse(text))).toEqual(tinh.state);
    results.push(
      `link fuzz, hostile parent: ${MESSAGES} notices, ${storms} reconnect storms, ${log.length} events in the child's log, ${child.server.faults.counts.get('link') ?? 0} refused, ${answered}/${asked} asked answered`,
    );
    process.stdout.write(`${results.at(-1)}\n`);
  }, 300_000);
});
