import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { smallDirectory } from '../helpers/domain.js';
import { bridgeEnv, mediasoupAvailable } from '../helpers/mediasoup.js';
import { freePort, until } from '../helpers/poll.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { branchOf, SipPeer, type SipText } from '../helpers/sipPeer.js';

/** A room's answer to a request: the request's Via, From, Call-ID and CSeq, its To with the room's tag. */
function responseTo(request: SipText, status: number, reason: string, toTag: string): string[] {
  const header = (name: string) => request.headers.get(name) ?? '';

  return [
    `SIP/2.0 ${status} ${reason}`,
    `Via: ${header('via')}`,
    `From: ${header('from')}`,
    `To: ${header('to')};tag=${toTag}`,
    `Call-ID: ${header('call-id')}`,
    `CSeq: ${header('cseq')}`,
  ];
}

/** What a room system offers: G.722 and H.264 on its own address (the video port and packetization mode given). */
const offer = (ip: string, { videoPort = 40002, mode = 1 } = {}) =>
  [
    'v=0',
    `o=- 1 1 IN IP4 ${ip}`,
    's=-',
    `c=IN IP4 ${ip}`,
    't=0 0',
    'm=audio 40000 RTP/AVP 9 101',
    'a=rtpmap:9 G722/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    `m=video ${videoPort} RTP/AVP 97`,
    'a=rtpmap:97 H264/90000',
    `a=fmtp:97 packetization-mode=${mode};profile-level-id=42e01f`,
    'a=sendrecv',
    '',
  ].join('\r\n');

/**
 * The SIP dialog moments a room system reaches that baresip cannot be made to: a room we call that rings and is
 * hung up before it answers (CANCEL), a re-INVITE within a call, OPTIONS keep-alives, a CANCEL for nothing, a BYE.
 */
describe.skipIf(!mediasoupAvailable())('SIP dialogs with a room system', () => {
  let t: TestServer;
  let sipPort: number;
  let ringing: SipPeer;
  let caller: SipPeer;

  beforeAll(async () => {
    sipPort = await freePort();
    t = await startTestServer({ env: await bridgeEnv('mediasoup', { SIP_PORT: String(sipPort) }) });
    ringing = await SipPeer.bind('127.0.0.2');
    caller = await SipPeer.bind('127.0.0.3');
    const directory = smallDirectory();
    for (const point of directory.points) {
      point.sipUri =
        point.code === 'DC-X1'
          ? `phonghop-x1@127.0.0.2:${ringing.address.port}`
          : point.code === 'DC-X3'
            ? `phonghop-x3@127.0.0.3:${caller.address.port}`
            : null;
    }
    await t.server.meetings.replaceDirectory(directory);
  }, 60_000);

  afterAll(async () => {
    ringing?.close();
    caller?.close();
    await t?.close();
  });

  const callOf = (pointId: string) => t.server.sip?.calls.callsOf('m1').find((c) => c.pointId === pointId);
  /** A room's requests in one dialog to m1's conference number: method, CSeq number, Via branch, our tag once known. */
  const dialogOf =
    (peer: SipPeer, user: string, fromTag: string, callId: string) =>
    (method: string, seq: number, branch: string, toTag?: string) => {
      const number = t.meeting.state.def.conferenceNumber ?? '';
      const { ip, port } = peer.address;

      return [
        `${method} sip:${number}@127.0.0.1:${sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP ${ip}:${port};branch=z9hG4bK${branch};rport`,
        `From: <sip:${user}@${ip}:${port}>;tag=${fromTag}`,
        `To: <sip:${number}@127.0.0.1>${toTag === undefined ? '' : `;tag=${toTag}`}`,
        `Call-ID: ${callId}`,
        `CSeq: ${seq} ${method}`,
        `Contact: <sip:${user}@${ip}:${port}>`,
        'Max-Forwards: 70',
      ];
    };

  it('a room we call that only rings stops ringing when the operator hangs up: CANCEL on the INVITE, its 487 acknowledged', async () => {
    const calls = t.server.sip?.calls;
    expect(calls).toBeDefined();
    const placed = await calls?.dial('m1', 'DC-X1');
    const invite = await ringing.next((m) => m.method === 'INVITE', 'the INVITE');
    ringing.send(sipPort, responseTo(invite, 180, 'Ringing', 'room1'));
    await until(() => callOf('DC-X1')?.state === 'ringing', 10_000, 'ringing');

    calls?.hangUp(placed?.callId ?? '');
    const cancel = await ringing.next((m) => m.method === 'CANCEL', 'the CANCEL');
    // RFC 3261 9.1: the CANCEL names the INVITE by its branch and CSeq number, without a tag of ours on To.
    expect(branchOf(cancel)).toBe(branchOf(invite));
    expect(branchOf(cancel)).toMatch(/^z9hG4bK/);
    expect(cancel.headers.get('cseq')).toBe('1 CANCEL');
    expect(cancel.headers.get('call-id')).toBe(invite.headers.get('call-id'));
    ringing.send(sipPort, responseTo(cancel, 200, 'OK', 'room1'));
    ringing.send(sipPort, responseTo(invite, 487, 'Request Terminated', 'room1'));
    const ack = await ringing.next((m) => m.method === 'ACK', 'the ACK of the 487');
    expect(branchOf(ack)).toBe(branchOf(invite));
    expect(callOf('DC-X1')?.state).not.toBe('connected');
    expect(t.server.sip?.calls.connectedCalls()).toEqual([]);
  });

  it('a call from a room: a re-INVITE keeps the session, OPTIONS says what we allow, a stray CANCEL is 481, BYE ends it', async () => {
    const { ip } = caller.address;
    const dialog = dialogOf(caller, 'phonghop-x3', 'room3', 'dialog-test-1@127.0.0.3');
    caller.send(sipPort, [...dialog('INVITE', 1, 'inv1'), 'Content-Type: application/sdp'], offer(ip));
    const ok = await caller.next((m) => m.status === 200 && m.headers.get('cseq') === '1 INVITE', 'the 200 OK');
    const ourTag = /;tag=([^;\s]+)/.exec(ok.headers.get('to') ?? '')?.[1] ?? '';
    caller.send(sipPort, dialog('ACK', 1, 'ack1', ourTag));
    await until(() => callOf('DC-X3')?.state === 'connected', 10_000, 'connected');

    caller.send(sipPort, [...dialog('INVITE', 2, 'inv2', ourTag), 'Content-Type: application/sdp'], offer(ip));
    const refreshed = await caller.next((m) => m.headers.get('cseq') === '2 INVITE' && m.status === 200, 'its 200');
    expect(refreshed.body).toBe(ok.body);
    caller.send(sipPort, dialog('ACK', 2, 'ack2', ourTag));
    expect(callOf('DC-X3')?.state).toBe('connected');

    caller.send(sipPort, dialog('OPTIONS', 3, 'opt3', ourTag));
    const options = await caller.next((m) => m.headers.get('cseq') === '3 OPTIONS', 'the OPTIONS answer');
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toMatch(/INVITE.*CANCEL.*INFO/);

    // Our keep-alive within the call: answered, the call stands.
    t.server.sip?.calls.keepAlive(0);
    const asked = await caller.next((m) => m.method === 'OPTIONS', 'our OPTIONS in the dialog');
    expect(asked.headers.get('call-id')).toBe('dialog-test-1@127.0.0.3');
    expect(asked.headers.get('to')).toContain(';tag=room3');
    caller.send(
      sipPort,
      responseTo(asked, 200, 'OK', 'room3').map((h) =>
        h.startsWith('To:') ? `To: ${asked.headers.get('to') ?? ''}` : h,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(callOf('DC-X3')?.state).toBe('connected');

    caller.send(sipPort, dialog('CANCEL', 9, 'nothing9'));
    expect((await caller.next((m) => m.headers.get('cseq') === '9 CANCEL', 'the stray CANCEL')).status).toBe(481);
    expect(callOf('DC-X3')?.state).toBe('connected');

    caller.send(sipPort, dialog('BYE', 4, 'bye4', ourTag));
    expect((await caller.next((m) => m.headers.get('cseq') === '4 BYE', 'the BYE answer')).status).toBe(200);
    await until(() => callOf('DC-X3')?.state !== 'connected', 10_000, 'ended');
  });

  it('a room that restarted and no longer knows its call answers our keep-alive 481: the call ends as a drop', async () => {
    const { ip } = caller.address;
    const dialog = dialogOf(caller, 'phonghop-x3', 'room3b', 'dialog-test-2@127.0.0.3');
    caller.send(sipPort, [...dialog('INVITE', 1, 'ka1'), 'Content-Type: application/sdp'], offer(ip));
    const ok = await caller.next(
      (m) => m.status === 200 && m.headers.get('call-id') === 'dialog-test-2@127.0.0.3',
      'the 200 OK',
    );
    caller.send(sipPort, dialog('ACK', 1, 'ka1ack', /;tag=([^;\s]+)/.exec(ok.headers.get('to') ?? '')?.[1]));
    await until(() => callOf('DC-X3')?.state === 'connected', 10_000, 'connected');
    const seen = caller.received.length;
    t.server.sip?.calls.keepAlive(0);
    const asked = await caller.next(
      (m) =>
        m.method === 'OPTIONS' &&
        m.headers.get('call-id') === 'dialog-test-2@127.0.0.3' &&
        caller.received.indexOf(m) >= seen,
      'our OPTIONS',
    );
    caller.send(sipPort, [
      'SIP/2.0 481 Call/Transaction Does Not Exist',
      `Via: ${asked.headers.get('via') ?? ''}`,
      `From: ${asked.headers.get('from') ?? ''}`,
      `To: ${asked.headers.get('to') ?? ''}`,
      `Call-ID: ${asked.headers.get('call-id') ?? ''}`,
      `CSeq: ${asked.headers.get('cseq') ?? ''}`,
    ]);
    await until(() => callOf('DC-X3')?.state === 'lost', 10_000, 'the call lost');
    expect(t.meeting.state.points['DC-X3']?.connected).toBe(false);
  });

  it('a room that takes only packetization-mode 0 receives the program one whole NAL unit a packet, key frames too', async () => {
    const room = await SipPeer.bind('127.0.0.4');
    const video = dgram.createSocket('udp4');
    onTestFinished(() => {
      room.close();
      video.close();
    });
    await new Promise<void>((resolve) => video.bind(0, '127.0.0.4', resolve));
    const nalTypes: number[] = [];
    let all = 0;
    video.on('message', (packet: Buffer) => {
      all++;
      // RTP (not RTCP) with the payload type we offered: the payload's first byte is the NAL unit's header.
      if (packet.length > 12 && (packet[1] ?? 0) % 128 === 97) {
        // After the fixed header, the CSRCs and any header extension.
        const csrcs = 12 + 4 * ((packet[0] ?? 0) & 0x0f);
        const start = ((packet[0] ?? 0) & 0x10) === 0 ? csrcs : csrcs + 4 + 4 * packet.readUInt16BE(csrcs + 2);
        nalTypes.push((packet[start] ?? 0) & 0x1f);
      }
    });
    const directory = smallDirectory();
    for (const point of directory.points) {
      point.sipUri = point.code === 'DC-H1' ? `phonghop-h1@127.0.0.4:${room.address.port}` : (point.sipUri ?? null);
    }
    await t.server.meetings.replaceDirectory(directory);
    const { ip } = room.address;
    const dialog = dialogOf(room, 'phonghop-h1', 'room4', 'mode0-test@127.0.0.4');
    const header = (method: string, seq: number, toTag?: string) => dialog(method, seq, `m0${method}${seq}`, toTag);
    room.send(
      sipPort,
      [...header('INVITE', 1), 'Content-Type: application/sdp'],
      offer(ip, { videoPort: video.address().port, mode: 0 }),
    );
    const ok = await room.next((m) => m.status === 200, 'the 200 OK', 20_000);
    expect(ok.body).toMatch(/a=fmtp:97 [^\r]*packetization-mode=0/);
    room.send(sipPort, header('ACK', 1, /;tag=([^;\s]+)/.exec(ok.headers.get('to') ?? '')?.[1]));
    // Parameter sets and an IDR slice, each a whole NAL unit (types 1–23), never STAP-A (24) or FU-A (28).
    await until(() => nalTypes.includes(5) && nalTypes.includes(7) && nalTypes.length > 60, 20_000, 'key frames').catch(
      (e) => {
        throw new Error(`${String(e)}: ${nalTypes.length} packets: ${[...new Set(nalTypes)].join(',')}; ${all} in all`);
      },
    );
    expect(nalTypes.every((type) => type >= 1 && type <= 23)).toBe(true);
  });
});
