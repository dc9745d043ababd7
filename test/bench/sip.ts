import { createSocket, type Socket } from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sip from 'sip';
import type { Directory } from '../../server/domain/directory/directory.js';
import { readAnswer, writeOffer } from '../../server/sip/sdp.js';
import { startBaresipRoom, type BaresipRoom } from '../helpers/baresip.js';
import { smallMeetingInput } from '../helpers/domain.js';
import { bridgeEnv } from '../helpers/mediasoup.js';
import { freePort } from '../helpers/poll.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { childTicks, cpuPercent } from './childCpu.js';
import { round, until, wait } from './harness.js';

/** Rooms receiving the program in each step (beyond the one real baresip room whose camera is on the program). */
const STEPS = [1, 10, 50];
const MEASURE_MS = 10_000;
/** The rooms' own address, and the stack that plays them all (one SIP stack, one From address each). */
const ROOMS_IP = '127.0.0.9';

interface Room {
  user: string;
  audio: Socket;
  video: Socket;
  bytes: number;
  /** G.722 silence to the bridge every 20 ms: a room that sends nothing is hung up as gone. */
  keepAlive: NodeJS.Timeout | null;
}

export interface SipStep {
  rooms: number;
  /** CPU of the program's ffmpeg processes (the encoder and the decoders of its sources), % of one core. */
  programCpuPct: number;
  /** CPU of the mediasoup worker (forwarding the program to every room, and the rooms' streams in), % of one core. */
  workerCpuPct: number;
  /** CPU of the coordinator's own process (which here also plays the rooms), % of one core. */
  coordinatorCpuPct: number;
  /** What each receiving room got, kbit/s (picture and sound). */
  kbpsPerRoom: number;
}

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, ROOMS_IP, resolve));

  return socket;
}

/**
 * `npm run bench -- --sip`: one coordinator on mediasoup with SIP; a real baresip room (H.264 camera) holds the floor
 * so that the program encodes a moving picture; then 1, 10 and 50 rooms dial in (plain RTP receivers that decode
 * nothing, played by one SIP stack) and the program's CPU, the worker's and the coordinator's, and the bytes each room
 * receives are measured over 10 s. Writes test/bench/results/latest-sip.{json,md}.
 */
export async function benchSip(log: (line: string) => void): Promise<SipStep[]> {
  const sipPort = await freePort();
  const sipStackPort = await freePort();
  const rooms: Room[] = [];
  const most = Math.max(...STEPS);
  let t: TestServer | null = null;
  let camera: BaresipRoom | null = null;
  let stack: sip.SipStack | null = null;
  try {
    // The room whose camera is the program: DC-X0, a real baresip sending H.264 from a noisy picture.
    camera = await startBaresipRoom({ user: 'camera', rgb: [200, 40, 40], ip: '127.0.0.10' });
    const directory: Directory = {
      units: [
        { code: 'T', name: 'Tỉnh Thử Nghiệm', level: 'province', parentCode: null },
        ...Array.from({ length: most + 1 }, (_, i) => ({
          code: `X${i}`,
          name: `Xã ${i}`,
          level: 'commune',
          parentCode: 'T',
        })),
      ],
      points: [
        { code: 'DC-T', name: 'Hội trường tỉnh', level: 'province', unitCode: 'T', technician: null },
        ...Array.from({ length: most + 1 }, (_, i) => ({
          code: `DC-X${i}`,
          name: `Điểm cầu xã ${i}`,
          level: 'commune',
          unitCode: `X${i}`,
          technician: null,
          sipUri: i === 0 ? camera?.address : `phong-${i}@${ROOMS_IP}:${sipStackPort}`,
        })),
      ],
    };
    t = await startTestServer({
      env: await bridgeEnv('mediasoup', { SIP_PORT: String(sipPort), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }),
    });
    await t.server.meetings.replaceDirectory(directory);
    const meeting = await t.server.meetings.createMeeting({ ...smallMeetingInput(), id: 'sipbench' });
    await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
    await meeting.execute({ type: 'meeting.start' }, { role: 'chair' });
    const number = meeting.state.def.conferenceNumber ?? '';
    const dialIn = `sip:${number}@127.0.0.1:${sipPort}`;
    await camera.dial(dialIn);
    await until(() => meeting.state.points['DC-X0']?.connected === true, 30_000, 'the camera room in');
    await meeting.execute({ type: 'floor.grant', pointId: 'DC-X0' }, { role: 'chair' });

    stack = sip.create({ address: ROOMS_IP, port: sipStackPort, udp: true, tcp: false }, (request) => {
      // Requests to the rooms (INFO fast update, BYE): answered, nothing more.
      if (request.method !== 'ACK') {
        stack?.send(sip.makeResponse(request, 200, 'OK'));
      }
    });
    const dial = async (i: number): Promise<Room> => {
      const room: Room = { user: `phong-${i}`, audio: await bound(), video: await bound(), bytes: 0, keepAlive: null };
      for (const socket of [room.audio, room.video]) {
        socket.on('message', (packet: Buffer) => {
          room.bytes += packet.length;
        });
      }
      const offer = writeOffer(
        ROOMS_IP,
        {
          audio: { port: room.audio.address().port, rtcpPort: null },
          video: { port: room.video.address().port, rtcpPort: null },
        },
        1,
      );
      const from = `sip:${room.user}@${ROOMS_IP}:${sipStackPort}`;
      const callId = `bench-${i}-${Date.now()}`;
      const answer = await new Promise<sip.SipMessage>((resolve, reject) => {
        stack?.send(
          {
            method: 'INVITE',
            uri: dialIn,
            headers: {
              to: { uri: dialIn },
              from: { uri: from, params: { tag: `t${i}` } },
              'call-id': callId,
              cseq: { method: 'INVITE', seq: 1 },
              contact: [{ uri: from }],
              'content-type': 'application/sdp',
              'max-forwards': 70,
            },
            content: offer,
          },
          (response) => {
            if ((response.status ?? 0) >= 300) {
              reject(new Error(`room ${i}: ${response.status} ${response.reason}`));
            } else if ((response.status ?? 0) >= 200) {
              resolve(response);
            }
          },
        );
      });
      stack?.send({
        method: 'ACK',
        uri: (answer.headers.contact as { uri: string }[] | undefined)?.[0]?.uri ?? dialIn,
        headers: {
          to: answer.headers.to,
          from: answer.headers.from,
          'call-id': callId,
          cseq: { method: 'ACK', seq: 1 },
          via: [],
        },
      });
      const sound = readAnswer(answer.content ?? '').find((s) => s.kind === 'audio');
      if (sound !== undefined) {
        const silence = Buffer.alloc(12 + 160, 0xfa);
        silence[0] = 0x80;
        silence[1] = sound.codec?.payloadType ?? 9;
        let seq = 0;
        room.keepAlive = setInterval(() => {
          silence.writeUInt16BE(seq++ & 0xffff, 2);
          silence.writeUInt32BE((seq * 160) >>> 0, 4);
          room.audio.send(silence, sound.remote.port, sound.remote.ip);
        }, 20);
      }

      return room;
    };

    const steps: SipStep[] = [];
    for (const count of STEPS) {
      while (rooms.length < count) {
        rooms.push(await dial(rooms.length + 1));
        // Rooms call in one after another, as they do when a meeting opens (all from one address here, which the
        // coordinator's flood guard would otherwise throttle).
        await wait(100);
      }
      await until(
        () => rooms.every((r) => meeting.state.points[`DC-X${r.user.slice('phong-'.length)}`]?.connected === true),
        30_000,
        `${count} rooms in`,
      );
      // Settle: every room's program consumer set up and its first key frame through.
      await wait(3000);
      const before = childTicks();
      const coordinatorBefore = process.cpuUsage();
      rooms.forEach((r) => (r.bytes = 0));
      await wait(MEASURE_MS);
      const after = childTicks();
      const coordinator = process.cpuUsage(coordinatorBefore);
      const pct = (name: string) => round(cpuPercent(before, after, MEASURE_MS, name));
      const step: SipStep = {
        rooms: count,
        programCpuPct: pct('ffmpeg'),
        // The kernel keeps 15 characters of a command's name.
        workerCpuPct: pct('mediasoup-worker'.slice(0, 15)),
        coordinatorCpuPct: round(((coordinator.user + coordinator.system) / 1000 / MEASURE_MS) * 100),
        kbpsPerRoom: round(rooms.reduce((sum, r) => sum + r.bytes, 0) / rooms.length / (MEASURE_MS / 1000) / 125),
      };
      log(
        `sip: ${count} rooms — program ${step.programCpuPct} % of a core, mediasoup ${step.workerCpuPct} %, coordinator ${step.coordinatorCpuPct} %, ${step.kbpsPerRoom} kbit/s a room`,
      );
      steps.push(step);
    }

    return steps;
  } catch (error) {
    log(`sip bench failed: ${(error as Error).stack ?? String(error)}`);
    throw error;
  } finally {
    rooms.forEach((r) => {
      if (r.keepAlive !== null) {
        clearInterval(r.keepAlive);
      }
      r.audio.close();
      r.video.close();
    });
    // The package's transactions still retransmit for a while: its sockets are left to the process's end.
    stack = null;
    await camera?.close();
    await t?.close();
  }
}

/** Runs the SIP bench and writes its results beside the others. */
export async function benchSipToResults(log: (line: string) => void): Promise<void> {
  const steps = await benchSip(log);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  await mkdir(dir, { recursive: true });
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', date: new Date().toISOString() };
  await writeFile(join(dir, 'latest-sip.json'), `${JSON.stringify({ machine, steps }, null, 2)}\n`);
  const rows = steps.map(
    (s) => `| ${s.rooms} | ${s.programCpuPct} | ${s.workerCpuPct} | ${s.coordinatorCpuPct} | ${s.kbpsPerRoom} |`,
  );
  await writeFile(
    join(dir, 'latest-sip.md'),
    [
      `# SIP rooms and the program encoder (${machine.cores} cores, ${machine.cpu}, ${machine.date.slice(0, 10)})`,
      '',
      'One coordinator on mediasoup; a baresip room (H.264 camera) holds the floor, so the program encodes a moving',
      'picture; the other rooms are plain-RTP receivers that decode nothing. CPU in % of one core over 10 s.',
      '',
      '| rooms | program (ffmpeg) | mediasoup worker | coordinator | kbit/s a room |',
      '| ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );
}
