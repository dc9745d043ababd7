import { createSocket } from 'node:dgram';
import { cpus } from 'node:os';
import type { types as ms } from 'mediasoup';
import { MEDIA_CODECS } from '../../server/media/mediasoup/RouterPlacement.js';
import { TEST_WORKER_BIN } from '../helpers/mediasoup.js';
import { cameraPacket } from './bridge.js';
import { round, spawnChild, wait, type Child } from './harness.js';

/** The program as a camera sends it: three simulcast layers, about 1 Mbit/s in all (1,000-byte packets). */
const LAYERS = [
  { ssrc: 0x1111_0000, kbps: 150 },
  { ssrc: 0x2222_0000, kbps: 300 },
  { ssrc: 0x3333_0000, kbps: 600 },
];
/** The thumbnails the hub's consoles pull: one page of the grid (server/media/routing.ts), each point's lowest layer. */
const GRID_POINTS = 24;
const GRID_KBPS = 150;
const PACKET_BYTES = 1000;
/** Receiver processes sharing the sampled points' sockets. */
const RECEIVERS = 3;
/**
 * Points whose packets are counted. The others' consumers do all the same work (SRTP, sending) but aim at a port
 * nobody holds, where the kernel drops the packets: reading 150,000 packets a second in Node would take the cores the
 * worker is being measured on.
 */
const SAMPLED_POINTS = 240;
const MEASURE_MS = 10_000;
/** How long the program is held at the window's edges: what is queued drains, well below mediasoup's inactivity. */
const HOLD_MS = 300;

interface Count {
  packets: number;
  bytes: number;
  lost: number;
}

export interface PlainStep {
  points: number;
  workers: number;
  /** Points whose packets were counted (the others' went to a port nobody holds). */
  sampled: number;
  /** Share of the program's packets sent (top layer and sound) that reached the sampled points, %. */
  delivered: number;
  /** Packets lost in sequence at the sampled points (gaps), % of those expected. */
  gapsPct: number;
  /** The workers' CPU over the measurement, % of one core (summed over workers). */
  workerCpuPercent: number;
  packetsPerSecondOut: number;
  mbitPerSecondOut: number;
}

const rtpParameters = (ssrcs: number[]): ms.RtpParameters => ({
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90_000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
    },
  ],
  encodings: ssrcs.map((ssrc) => ({ ssrc })),
});

/** The program's sound: Opus in 20 ms packets (50 a second, about 48 kbit/s), as the hub's microphone sends it. */
const SOUND = { ssrc: 0x5555_0000, kbps: 48, packetBytes: 120 };
const SOUND_PAYLOAD_TYPE = 100;

const soundParameters = (): ms.RtpParameters => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: SOUND_PAYLOAD_TYPE, clockRate: 48_000, channels: 2 }],
  encodings: [{ ssrc: SOUND.ssrc }],
});

function soundPacket(sequenceNumber: number, timestamp: number, ssrc: number): Buffer {
  const packet = Buffer.alloc(SOUND.packetBytes, 0x55);
  packet[0] = 0x80;
  packet[1] = SOUND_PAYLOAD_TYPE;
  packet.writeUInt16BE(sequenceNumber, 2);
  packet.writeUInt32BE(timestamp, 4);
  packet.writeUInt32BE(ssrc, 8);

  return packet;
}

interface Stream {
  ssrc: number;
  kbps: number;
  /** Sound packets are small; a camera's are PACKET_BYTES of VP8 (key frames throughout). */
  sound?: boolean;
}

/** A synthetic camera or microphone on a comedia PlainTransport: sends each stream's packets at its rate. */
function sender(port: number, layers: Stream[]) {
  const socket = createSocket('udp4');
  const state = layers.map(() => ({ seq: 0, due: 0, sent: 0 }));
  // The clock runs only while sending, so a hold neither bursts on resuming nor jumps the timestamps.
  let sendingSince = performance.now();
  let heldElapsedMs = 0;
  const tick = () => {
    const elapsed = (heldElapsedMs + performance.now() - sendingSince) / 1000;
    const timestamp = Math.floor(elapsed * 90_000) >>> 0;
    layers.forEach((layer, i) => {
      const s = state[i] as (typeof state)[number];
      const bytes = layer.sound === true ? SOUND.packetBytes : PACKET_BYTES;
      const owed = Math.floor((elapsed * layer.kbps * 1000) / 8 / bytes) - s.due;
      for (let k = 0; k < owed; k += 1) {
        const packet =
          layer.sound === true
            ? soundPacket(s.seq++ & 0xffff, Math.floor(elapsed * 48_000) >>> 0, layer.ssrc)
            : cameraPacket(s.seq++ & 0xffff, timestamp, k === 0 ? 0 : 1, k === owed - 1);
        packet.writeUInt32BE(layer.ssrc, 8);
        socket.send(packet, port, '127.0.0.1');
        s.sent += 1;
      }
      s.due += Math.max(0, owed);
    });
  };
  let timer: NodeJS.Timeout | null = setInterval(tick, 20);

  return {
    /** Packets sent so far, per layer. */
    sent: () => state.map((s) => s.sent),
    /** Stops sending (the counted window's edges then fall where nothing is in flight). */
    hold: () => {
      if (timer !== null) {
        clearInterval(timer);
        timer = null;
        heldElapsedMs += performance.now() - sendingSince;
      }
    },
    resume: () => {
      if (timer === null) {
        sendingSince = performance.now();
        timer = setInterval(tick, 20);
      }
    },
    close: () => {
      if (timer !== null) {
        clearInterval(timer);
      }
      socket.close();
    },
  };
}

/** A loopback UDP port that was free a moment ago: packets sent there are dropped by the kernel, unread. */
function portNobodyHolds(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * One step of the plain-receiver benchmark: N points receive the program's top layer and sound from mediasoup consumers on
 * PlainTransports with SRTP (the worker encrypts every packet for every point, as it does for a browser), delivered to
 * UDP sockets in a few receiver processes that only count packets and gaps (a sample of the points; the rest go
 * where the kernel drops them); the hub's consoles pull a page of
 * thumbnails. The points are spread over the workers (the program piped to each); only the workers' CPU is counted.
 */
async function step(n: number, workerCount: number, receivers: Child[]): Promise<PlainStep> {
  process.env.MEDIASOUP_WORKER_BIN = TEST_WORKER_BIN ?? '';
  const mediasoup = await import('mediasoup');
  const workers = await Promise.all(
    Array.from({ length: workerCount }, () => mediasoup.createWorker({ logLevel: 'error' })),
  );
  const closers: (() => void)[] = [];
  try {
    const routers = await Promise.all(workers.map((w) => w.createRouter({ mediaCodecs: MEDIA_CODECS })));
    const home = routers[0] as ms.Router;
    const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
    const hubIn = await home.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const program = await hubIn.produce({ kind: 'video', rtpParameters: rtpParameters(LAYERS.map((l) => l.ssrc)) });
    const soundIn = await home.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const sound = await soundIn.produce({ kind: 'audio', rtpParameters: soundParameters() });
    for (const other of routers.slice(1)) {
      await home.pipeToRouter({ producerId: program.id, router: other });
      await home.pipeToRouter({ producerId: sound.id, router: other });
    }
    // The grid: a page of points' lowest layers, each to the hub's two consoles.
    const grid = await Promise.all(
      Array.from({ length: GRID_POINTS }, async (_, i) => {
        const transport = await home.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
        const ssrc = 0x4444_0000 + i;
        const producer = await transport.produce({ kind: 'video', rtpParameters: rtpParameters([ssrc]) });
        return { port: transport.tuple.localPort, ssrc, producer };
      }),
    );
    // The sampled points' sockets, spread over the receiver processes; the rest aim at a port nobody holds.
    const sampled = Math.min(n, SAMPLED_POINTS);
    const perReceiver = Math.ceil(sampled / receivers.length);
    const counts = receivers.map((_, i) => Math.max(0, Math.min(perReceiver, sampled - i * perReceiver)));
    const sampledPorts = (
      await Promise.all(receivers.map((r, i) => r.send<number[]>({ cmd: 'open', count: counts[i] })))
    ).flat();
    const nowhere = await portNobodyHolds();
    const ports = Array.from({ length: n }, (_, i) => sampledPorts[i] ?? nowhere);
    const hubPorts = await (receivers[0] as Child).send<number[]>({ cmd: 'open', count: 2 * GRID_POINTS });
    const capabilities = { codecs: home.rtpCapabilities.codecs, headerExtensions: [] } as ms.RtpCapabilities;
    const consumeTo = async (
      router: ms.Router,
      producerId: string,
      port: number,
      spatialLayer: number,
      soundId?: string,
    ) => {
      const transport = await router.createPlainTransport({
        listenInfo,
        rtcpMux: true,
        comedia: false,
        enableSrtp: true,
      });
      await transport.connect({
        ip: '127.0.0.1',
        port,
        srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: Buffer.alloc(44, 1).toString('base64') },
      });
      const consumer = await transport.consume({
        producerId,
        rtpCapabilities: capabilities,
        preferredLayers: { spatialLayer, temporalLayer: 0 },
      });
      if (soundId !== undefined) {
        await transport.consume({ producerId: soundId, rtpCapabilities: capabilities });
      }
      return consumer;
    };
    for (const [i, port] of ports.entries()) {
      await consumeTo(routers[i % routers.length] as ms.Router, program.id, port, LAYERS.length - 1, sound.id);
    }
    for (const [i, port] of hubPorts.entries()) {
      await consumeTo(home, (grid[i % GRID_POINTS] as (typeof grid)[number]).producer.id, port, 0);
    }
    const programSender = sender(hubIn.tuple.localPort, LAYERS);
    const soundSender = sender(soundIn.tuple.localPort, [{ ...SOUND, sound: true }]);
    closers.push(programSender.close, soundSender.close);
    const program_ = {
      hold: () => [programSender, soundSender].forEach((s) => s.hold()),
      resume: () => [programSender, soundSender].forEach((s) => s.resume()),
      /** The packets every point is sent: the top layer and the sound. */
      sentToEachPoint: () => (programSender.sent().at(-1) ?? 0) + (soundSender.sent()[0] ?? 0),
    };
    for (const g of grid) {
      const s = sender(g.port, [{ ssrc: g.ssrc, kbps: GRID_KBPS }]);
      closers.push(s.close);
    }
    // Key frames throughout: every consumer is forwarding after a few seconds.
    await wait(4000);
    // The counted window is bounded by holds of the program, so that no packet is in flight at either edge however
    // late the receivers hear "mark" and "report" on a loaded machine. A hold this short is not a stream's end.
    program_.hold();
    await wait(HOLD_MS);
    await Promise.all(receivers.map((r) => r.send({ cmd: 'mark' })));
    const usage = () => Promise.all(workers.map((w) => w.getResourceUsage()));
    const before = await usage();
    const sentBefore = program_.sentToEachPoint();
    const started = performance.now();
    program_.resume();
    await wait(MEASURE_MS);
    program_.hold();
    const after = await usage();
    const seconds = (performance.now() - started) / 1000;
    const topSent = program_.sentToEachPoint() - sentBefore;
    await wait(HOLD_MS);
    const reports = await Promise.all(receivers.map((r) => r.send<Count[]>({ cmd: 'report' })));
    // Each receiver's first sockets are points; the first receiver's last ones are the hub's thumbnails.
    const points = reports.flatMap((r, i) => r.slice(0, counts[i]));
    const thumbnails = reports[0]?.slice(counts[0]) ?? [];
    const sum = (list: Count[], key: keyof Count) => list.reduce((total, r) => total + r[key], 0);
    const cpuMs = after.reduce(
      (total, u, i) => total + u.ru_utime + u.ru_stime - ((before[i]?.ru_utime ?? 0) + (before[i]?.ru_stime ?? 0)),
      0,
    );
    const received = sum(points, 'packets');
    const lost = sum(points, 'lost');
    // What the worker sent: the sampled points' share scaled to all of them, and the thumbnails.
    const out = (received * n) / sampled + sum(thumbnails, 'packets');
    // On the wire: what arrived (SRTP included) and the UDP/IP headers.
    const bytesOut = (sum(points, 'bytes') * n) / sampled + sum(thumbnails, 'bytes') + out * 28;
    return {
      points: n,
      sampled,
      workers: workerCount,
      delivered: round((100 * received) / Math.max(1, topSent * sampled)),
      gapsPct: round((100 * lost) / Math.max(1, received + lost), 2),
      workerCpuPercent: round((100 * cpuMs) / (seconds * 1000)),
      packetsPerSecondOut: Math.round(out / seconds),
      mbitPerSecondOut: round((bytesOut * 8) / seconds / 1e6),
    };
  } finally {
    closers.forEach((close) => close());
    workers.forEach((w) => w.close());
  }
}

/**
 * `npm run bench -- --media --plain [--media-points 250,500,1000,1250,1500,2000]`: mediasoup alone, carried to N points
 * whose receiving costs almost nothing, so that the worker is what saturates; on one worker and on two.
 */
export async function benchPlainMedia(
  log: (line: string) => void,
  sizes = [250, 500, 1000, 1250, 1500, 2000],
): Promise<{ steps: PlainStep[]; carried: Record<number, number> }> {
  if (TEST_WORKER_BIN === null) {
    throw new Error('--media --plain needs a mediasoup worker: set MEDIASOUP_WORKER_BIN');
  }
  log(`mediasoup with plain SRTP receivers on ${cpus().length} cores`);
  const steps: PlainStep[] = [];
  const carried: Record<number, number> = {};
  for (const workers of [1, 2]) {
    carried[workers] = 0;
    for (const n of sizes) {
      const receivers = Array.from({ length: RECEIVERS }, () => spawnChild('./plainReceiver.ts'));
      try {
        await Promise.all(receivers.map((r) => r.ready));
        const result = await step(n, workers, receivers);
        steps.push(result);
        log(
          `  ${workers} worker(s), N=${n}: ${result.delivered} % delivered, gaps ${result.gapsPct} %, worker CPU ${result.workerCpuPercent} %, ${result.packetsPerSecondOut} packets/s, ${result.mbitPerSecondOut} Mbit/s out`,
        );
        if (result.delivered >= 98 && result.gapsPct <= 2) {
          carried[workers] = n;
        }
      } finally {
        receivers.forEach((r) => r.kill());
      }
    }
  }

  return { steps, carried };
}
