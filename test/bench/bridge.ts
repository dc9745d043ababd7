import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { round, spawnChild, wait, type Seeded } from './harness.js';

interface Stats {
  cpuPercent: number;
}

/** A werift peer answering the bridge's offer; the chair's sends a synthetic 25 fps picture, the points count it. */
async function peer(url: string, token: string, sends: boolean) {
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

  return { socket, pc, video, received: () => received };
}

/**
 * Embedded bridge capacity: how many points one bridge process (one core) carries receiving the program while the
 * hub sends a 25 fps picture (3 packets of 1,000 bytes a frame). N grows until fewer than 98 % of the packets reach
 * the points. Receivers are werift peers on the same machine, so their own cost is included: a lower bound.
 */
export async function benchBridge(
  log: (line: string) => void,
  sizes = [25, 50, 100, 150, 200, 300, 400],
): Promise<{
  pointsPerCore: number;
  steps: { points: number; delivered: number; bridgeCpuPercent: number }[];
}> {
  const steps: { points: number; delivered: number; bridgeCpuPercent: number }[] = [];
  let carried = 0;
  for (const n of sizes) {
    const server = spawnChild('./serverProcess.ts', {
      DATA_DIR: `/tmp/diemcau-bench-bridge-${process.pid}-${n}`,
      MEDIA_BRIDGE: 'werift',
      MEDIA_LISTEN_IP: '127.0.0.1',
    });
    const sockets: MeetingSocket[] = [];
    const pcs: RTCPeerConnection[] = [];
    try {
      await server.ready;
      const seeded = await server.send<Seeded>({ cmd: 'seed', scenario: 'stress-1000', points: n });
      const hub = await peer(seeded.url, seeded.chair, true);
      sockets.push(hub.socket);
      pcs.push(hub.pc);
      const points = [];
      for (const p of seeded.points) {
        const q = await peer(seeded.url, p.token, false);
        sockets.push(q.socket);
        pcs.push(q.pc);
        points.push(q);
      }
      await wait(1500); // ICE and DTLS
      // Send for 5 s at 25 fps, 3 packets a frame.
      let seq = 0;
      let sent = 0;
      const ssrc = 0x1234_5678;
      const payload = Buffer.alloc(1000, 7);
      await server.send<Stats>({ cmd: 'stats' });
      const before = points.map((q) => q.received());
      const timer = setInterval(() => {
        const timestamp = (Date.now() * 90) >>> 0;
        for (let i = 0; i < 3; i += 1) {
          const header = new RtpHeader({
            payloadType: 96,
            sequenceNumber: seq++ & 0xffff,
            timestamp,
            ssrc,
            marker: i === 2,
          });
          hub.video.writeRtp(new RtpPacket(header, payload));
          sent += 1;
        }
      }, 40);
      await wait(5000);
      clearInterval(timer);
      await wait(500);
      const stats = await server.send<Stats>({ cmd: 'stats' });
      const got = points.map((q, i) => q.received() - (before[i] ?? 0));
      const delivered = got.reduce((a, b) => a + b, 0) / (sent * points.length);
      steps.push({ points: n, delivered: round(delivered * 100), bridgeCpuPercent: round(stats.cpuPercent) });
      log(`  bridge N=${n}: ${round(delivered * 100)} % of packets delivered, bridge CPU ${round(stats.cpuPercent)} %`);
      if (delivered < 0.98) {
        break;
      }
      carried = n;
    } finally {
      sockets.forEach((s) => s.close());
      await Promise.allSettled(pcs.map((pc) => pc.close()));
      server.kill();
    }
  }

  return { pointsPerCore: carried, steps };
}
