import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { connectMeeting, request } from '../../server/protocol/client.js';
import { round, spawnChild, wait, type Seeded } from './harness.js';
import { mediasoupPeer, type BenchPeer } from './mediasoupPeer.js';

interface Stats {
  cpuPercent: number;
  workerCpuPercent: number | null;
}

/** A werift peer answering the embedded bridge's offer; the chair's sends the synthetic camera, the points count it. */
async function weriftPeer(url: string, token: string, sends: boolean): Promise<BenchPeer> {
  const { socket } = await connectMeeting(url, token, { reconnection: false });
  // A loaded machine can time a negotiation out; the bridge answers MEDIA_UNAVAILABLE and a retry goes through.
  let ack = await request(socket, 'media:join', {});
  for (let attempt = 0; attempt < 3 && !ack.ok; attempt += 1) {
    await wait(500);
    ack = await request(socket, 'media:join', {});
  }
  if (!ack.ok || ack.join.bridge !== 'werift') {
    throw new Error(`media:join failed: ${JSON.stringify(ack)}`);
  }
  const { offer, slots } = ack.join;
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceAdditionalHostAddresses: ['127.0.0.1'] });
  let received = 0;
  const hubMid = slots.find((s) => s.purpose === 'hub')?.mid;
  pc.onRemoteTransceiverAdded.subscribe((transceiver) => {
    transceiver.onTrack.subscribe((track) => {
      if (transceiver.mid === hubMid) {
        track.onReceiveRtp.subscribe(() => {
          received += 1;
        });
      }
    });
  });
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  const video = new MediaStreamTrack({ kind: 'video' });
  const slotMids = new Set(slots.map((s) => s.mid));
  const cameraSlot = pc.getTransceivers().find((t) => t.kind === 'video' && !slotMids.has(t.mid ?? ''));
  if (sends && cameraSlot !== undefined) {
    cameraSlot.setDirection('sendonly');
    await cameraSlot.sender.replaceTrack(video);
  }
  await pc.setLocalDescription(await pc.createAnswer());
  const answer = await request(socket, 'media:answer', { sdp: pc.localDescription?.sdp ?? '' });
  if (!answer.ok) {
    throw new Error(`media:answer: ${answer.error.message}`);
  }

  return {
    socket,
    writeRtp: (packet) => video.writeRtp(packet),
    received: () => received,
    async close() {
      socket.close();
      await pc.close();
    },
  };
}

/** One RTP packet of the synthetic camera: VP8 whose first packet of each frame starts a keyframe (mediasoup's
 * consumers forward from a keyframe on), 1,000 bytes. */
export function cameraPacket(
  sequenceNumber: number,
  timestamp: number,
  index: number,
  last: boolean,
  /** A number the receivers read back from the payload (offset 16), to match one packet across receivers. */
  mark?: number,
): Buffer {
  const payload = Buffer.alloc(1000, 7);
  if (mark !== undefined) {
    payload.writeUInt32BE(mark, 16);
  }
  // VP8 payload descriptor: S=1, PID=0 on the first packet; a keyframe header (P=0, start code 9d 01 2a, 640×360).
  payload[0] = index === 0 ? 0x10 : 0x00;
  if (index === 0) {
    Buffer.from([0x50, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]).copy(payload, 1);
  }
  const header = new RtpHeader({ payloadType: 96, sequenceNumber, timestamp, ssrc: 0x1234_5678, marker: last });

  return new RtpPacket(header, payload).serialize();
}

/** One bridge's capacity run. */
export interface BridgeRun {
  bridge: 'werift' | 'mediasoup';
  /** Points carried at ≥ 98 % delivery, measured. */
  pointsMeasured: number;
  /** The bridge's own CPU (the werift server process / the mediasoup worker processes) per 100 receiving points. */
  cpuPer100Points: number | null;
  /** Points one core carries: measured where the bridge saturated, else extrapolated from its CPU (see `extrapolated`). */
  pointsPerCore: number;
  /** True when the receivers on this machine gave out before the bridge did, so `pointsPerCore` is extrapolated. */
  extrapolated: boolean;
  steps: { points: number; delivered: number; bridgeCpuPercent: number }[];
}

/**
 * Bridge capacity: the hub sends a synthetic 25 fps camera (3 packets of 1,000 bytes a frame) and N points receive the
 * program, in this process (the bridge runs in the server's child process, the mediasoup workers in theirs). N grows
 * until fewer than 98 % of the packets reach the points. Only the bridge's own CPU is counted.
 */
export async function benchBridge(
  log: (line: string) => void,
  bridge: 'werift' | 'mediasoup' = 'werift',
  sizes = [25, 50, 100, 150, 200, 300, 400],
  workerBin?: string,
): Promise<BridgeRun> {
  const steps: BridgeRun['steps'] = [];
  const peer = bridge === 'werift' ? weriftPeer : mediasoupPeer;
  let carried = 0;
  for (const n of sizes) {
    const server = spawnChild('./serverProcess.ts', {
      DATA_DIR: `/tmp/diemcau-bench-bridge-${process.pid}-${bridge}-${n}`,
      MEDIA_BRIDGE: bridge,
      MEDIA_LISTEN_IP: '127.0.0.1',
      ...(bridge === 'mediasoup' ? { MEDIASOUP_WORKERS: '1', MEDIASOUP_CONSUMERS_PER_WORKER: '10000' } : {}),
      ...(workerBin === undefined ? {} : { MEDIASOUP_WORKER_BIN: workerBin }),
    });
    const peers: BenchPeer[] = [];
    try {
      await server.ready;
      const seeded = await server.send<Seeded>({ cmd: 'seed', scenario: 'stress-1000', points: n });
      const hub = await peer(seeded.url, seeded.chair, true);
      peers.push(hub);
      const points: BenchPeer[] = [];
      for (const p of seeded.points) {
        const q = await peer(seeded.url, p.token, false);
        peers.push(q);
        points.push(q);
      }
      await wait(2500); // ICE, DTLS and the consumers
      let seq = 0;
      let sent = 0;
      await server.send<Stats>({ cmd: 'stats' });
      const before = points.map((q) => q.received());
      const timer = setInterval(() => {
        const timestamp = (Date.now() * 90) >>> 0;
        for (let i = 0; i < 3; i += 1) {
          hub.writeRtp(cameraPacket(seq++ & 0xffff, timestamp, i, i === 2));
          sent += 1;
        }
      }, 40);
      await wait(5000);
      clearInterval(timer);
      await wait(500);
      const stats = await server.send<Stats>({ cmd: 'stats' });
      const cpu = bridge === 'werift' ? stats.cpuPercent : (stats.workerCpuPercent ?? 0);
      const got = points.map((q, i) => q.received() - (before[i] ?? 0));
      const delivered = got.reduce((a, b) => a + b, 0) / (sent * points.length);

      steps.push({ points: n, delivered: round(delivered * 100), bridgeCpuPercent: round(cpu) });
      log(`  ${bridge} N=${n}: ${round(delivered * 100)} % of packets delivered, bridge CPU ${round(cpu)} %`);
      if (delivered < 0.98) {
        break;
      }
      carried = n;
    } finally {
      await Promise.allSettled(peers.map((p) => p.close()));
      server.kill();
    }
  }
  const last = steps.filter((s) => s.points === carried).at(-1);
  const cpuPer100Points =
    last === undefined || last.points === 0 ? null : round((last.bridgeCpuPercent / last.points) * 100);
  // The bridge gave out if its CPU neared a core at the failing step; otherwise the receivers did, and one core's
  // capacity is extrapolated from the bridge's CPU per point.
  const failing = steps.find((s) => s.delivered < 98);
  const bridgeSaturated = failing === undefined ? false : failing.bridgeCpuPercent >= 85;
  const extrapolated = !bridgeSaturated && cpuPer100Points !== null && cpuPer100Points > 0;
  const pointsPerCore = extrapolated ? Math.floor((100 / (cpuPer100Points as number)) * 100) : carried;

  return { bridge, pointsMeasured: carried, cpuPer100Points, pointsPerCore, extrapolated, steps };
}
