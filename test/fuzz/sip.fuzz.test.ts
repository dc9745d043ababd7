import dgram from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../server/scenarios/names.js';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { freePort, until } from '../helpers/poll.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MESSAGES = Number(process.env.FUZZ_SIP_MESSAGES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
/** Senders, each on its own loopback address: one address sending thousands is a flood, and is dropped as one. */
const SENDERS = 200;

interface Sent {
  callId: string;
  /** A request the coordinator must answer (it passes the message's schema), and the statuses that are right. */
  expect: number[] | null;
}

/**
 * SIP as anyone on the network may send it, at a coordinator with SIP on (mediasoup): well-formed requests of every
 * method to real and unknown conference numbers, and the same broken (headers missing, garbage, oversized, absurd
 * SDP). Every well-formed request gets its proper final response; nothing crashes; a flood from one address is
 * dropped without touching another address's requests.
 */
const results: string[] = [];

afterAll(async () => {
  await mkdir('test/fuzz/results', { recursive: true });
  await writeFile('test/fuzz/results/sip.txt', `${results.join('\n') || 'sip fuzz: skipped (no mediasoup worker)'}\n`);
});

describe.skipIf(!mediasoupAvailable())('fuzzing SIP at the coordinator', () => {
  let t: TestServer;
  let sipPort: number;
  let conference: string;

  beforeAll(async () => {
    sipPort = await freePort();
    t = await startTestServer({ env: await bridgeEnv('mediasoup', { SIP_PORT: String(sipPort) }) });
    const directory = smallDirectory();
    for (const point of directory.points) {
      point.sipUri = point.code === 'DC-X1' ? 'phonghop@127.0.0.9' : null;
    }
    await t.server.meetings.replaceDirectory(directory);
    const meeting = await t.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'fz' });
    await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
    conference = meeting.state.def.conferenceNumber ?? '';
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it(`answers every well-formed request of ${MESSAGES} hostile SIP messages and stays up`, async () => {
    const random = seededRandom(`sip:${SEED}`);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const answers = new Map<string, number[]>();
    const sockets: dgram.Socket[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (data) => {
        const text = data.toString('latin1');
        const status = /^SIP\/2\.0 (\d{3})/.exec(text)?.[1];
        const callId = /\r\nCall-ID:\s*(\S+)/i.exec(text)?.[1];
        if (status !== undefined && callId !== undefined && Number(status) >= 200) {
          answers.set(callId, [...(answers.get(callId) ?? []), Number(status)]);
        }
      });
      await new Promise<void>((resolve) => socket.bind(0, `127.0.1.${1 + i}`, resolve));
      sockets.push(socket);
    }
    const sent: Sent[] = [];
    const send = (socket: dgram.Socket, text: string) =>
      new Promise<void>((resolve) => socket.send(Buffer.from(text, 'latin1'), sipPort, '127.0.0.1', () => resolve()));

    for (let n = 0; n < MESSAGES; n++) {
      const socket = sockets[n % SENDERS] as dgram.Socket;
      const { address, port } = socket.address();
      const callId = `fz${SEED}-${n}@${address}`;
      const method = pick(['OPTIONS', 'INVITE', 'BYE', 'INFO', 'CANCEL', 'REGISTER', 'SUBSCRIBE', 'ACK'] as const);
      const known = method === 'INVITE' && random() < 0.1;
      const target = pick([conference, '999999', 'abc', conference]);
      const from = known ? 'sip:phonghop@127.0.0.9' : `sip:lạ${n}@${address}`;
      const sdp = pick([
        `v=0\r\no=- 1 1 IN IP4 ${address}\r\ns=-\r\nc=IN IP4 ${address}\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n`,
        'v=0\r\nm=video 99999999 RTP/AVP 96\r\n',
        `v=0\r\nc=IN IP4 300.1.1.1\r\nm=audio 80 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n`,
        'x'.repeat(Math.floor(random() * 30_000)),
        '',
      ]);
      const body = method === 'INVITE' ? sdp : method === 'INFO' ? 'Signal=*\r\nDuration=160\r\n' : '';
      const headers = [
        `Via: SIP/2.0/UDP ${address}:${port};branch=z9hG4bK${n}x${Math.floor(random() * 1e9)};rport`,
        `From: <${from}>;tag=f${n}`,
        `To: <sip:${target}@127.0.0.1>`,
        `Call-ID: ${callId}`,
        `CSeq: ${1 + Math.floor(random() * 1000)} ${method}`,
        'Max-Forwards: 70',
        `Contact: <sip:fz@${address}:${port}>`,
        ...(body === '' ? [] : [`Content-Type: ${method === 'INFO' ? 'application/dtmf-relay' : 'application/sdp'}`]),
        `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      ];
      const breakage = random();
      let lines = headers;
      let wellFormed = true;
      if (breakage < 0.15) {
        // A header the transaction layer needs, gone.
        const gone = pick(['Via', 'CSeq', 'Call-ID', 'From', 'To']);
        lines = headers.filter((h) => !h.startsWith(`${gone}:`));
        wellFormed = false;
      } else if (breakage < 0.25) {
        lines = headers.map((h) => (h.startsWith('CSeq') ? `CSeq: ${pick(['x', '-1', '99999999999 INVITE', ''])}` : h));
        wellFormed = false;
      } else if (breakage < 0.3) {
        lines = [...headers, `X-Junk: ${'\u0000\u00ff'.repeat(Math.floor(random() * 2000))}`];
      } else if (breakage < 0.35) {
        await send(
          socket,
          String.fromCharCode(
            ...Array.from({ length: 1 + Math.floor(random() * 1400) }, () => Math.floor(random() * 256)),
          ),
        );
        sent.push({ callId, expect: null });
        continue;
      }
      const requestLine = `${method} sip:${target}@127.0.0.1:${sipPort} SIP/2.0`;
      await send(socket, `${requestLine}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
      // A body past what a room could mean (20 000 bytes) is refused whatever the request.
      const statuses = body.length > 20_000 ? [400, 413] : expected(method, target, known);
      sent.push({ callId, expect: wellFormed && method !== 'ACK' ? statuses : null });
      if (n % 20 === 19) {
        // Paced as a network would deliver them (a burst of thousands at once is a flood, tested below): the
        // coordinator reads and answers while the next ones come.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    const mustAnswer = sent.filter((s) => s.expect !== null);
    await until(
      () => mustAnswer.every((s) => answers.has(s.callId)),
      60_000,
      'every well-formed request answered',
    ).catch(() => undefined);
    const unanswered = mustAnswer.filter((s) => !answers.has(s.callId));
    const wrong = mustAnswer.filter(
      (s) => answers.has(s.callId) && !(answers.get(s.callId) ?? []).some((status) => s.expect?.includes(status)),
    );

    process.stdout.write(
      `sip fuzz so far: ${mustAnswer.length} well-formed, ${unanswered.length} unanswered (${unanswered
        .slice(0, 3)
        .map((u) => u.callId)
        .join(' ')}), ${wrong.length} wrong\n`,
    );
    // A flood from one address is dropped; another address is still answered.
    const flooder = sockets[0] as dgram.Socket;
    for (let i = 0; i < 500; i++) {
      await send(flooder, options(flooder, `flood-${i}`));
    }
    const witness = sockets[1] as dgram.Socket;
    await send(witness, options(witness, 'after-the-flood'));
    await until(() => answers.has('after-the-flood'), 10_000, 'an answer after the flood');
    const floodAnswered = [...answers.keys()].filter((id) => id.startsWith('flood-')).length;
    sockets.forEach((s) => s.close());

    const line = `sip fuzz: ${MESSAGES} messages, ${mustAnswer.length} well-formed, ${unanswered.length} unanswered, ${wrong.length} wrong status, flood 500 → ${floodAnswered} answered, faults ${[...t.server.faults.counts.values()].reduce((a, b) => a + b, 0)}`;
    results.push(line);
    process.stdout.write(`${line}\n`);
    expect(unanswered.map((s) => s.callId).slice(0, 5)).toEqual([]);
    expect(wrong.map((s) => [s.callId, answers.get(s.callId), s.expect]).slice(0, 5)).toEqual([]);
    expect(floodAnswered).toBeLessThan(100);
    expect([...t.server.faults.counts.values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(t.server.closed).toBe(false);
  }, 170_000);

  function expected(method: string, target: string, known: boolean): number[] {
    switch (method) {
      case 'OPTIONS':
        return [200];
      case 'INVITE':
        // An unknown number; a room with an SDP it cannot mean; an unknown room with a usable one is asked for its
        // PIN (200) unless its address has rooms keying PINs already or keyed too many wrong ones (403).
        return target !== conference ? [404] : known ? [488, 200] : [488, 403, 200];
      case 'BYE':
      case 'INFO':
      case 'CANCEL':
        return [481];
      case 'REGISTER':
        // Challenged (no credentials), or refused once an address has guessed too often.
        return [401, 403];
      default:
        return [405];
    }
  }

  function options(socket: dgram.Socket, callId: string): string {
    const { address, port } = socket.address();

    return [
      `OPTIONS sip:${conference}@127.0.0.1:${sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP ${address}:${port};branch=z9hG4bK${callId}`,
      `From: <sip:fz@${address}>;tag=x`,
      `To: <sip:${conference}@127.0.0.1>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }
});
