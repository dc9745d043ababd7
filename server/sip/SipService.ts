import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import type { ProgramService } from '../program/ProgramService.js';
import type { TelemetryService } from '../telemetry/TelemetryService.js';
import { roomSample } from './roomHealth.js';
import { Registrar } from './Registrar.js';
import { WrongGuesses } from './WrongGuesses.js';
import { SipCalls, type SipCallsOptions } from './SipCalls.js';
import { SipUserAgent } from './SipUserAgent.js';

const logger = createLogger('SipService');

/** SIP for hardware room systems, as the rest of the coordinator sees it. */
export interface SipService {
  readonly calls: SipCalls;
  /** The program the rooms receive, encoded once per meeting. */
  readonly program: ProgramService;
  /** Where rooms dial: `sip:<conference number>@<address>:<port>`. */
  readonly address: string;
  readonly port: number;
  /** `sip:<number>@address:port` for a meeting's conference number. */
  dialInUri(conferenceNumber: string): string;
  /** Rooms that register to be called behind NAT, and each point's password. */
  readonly registrar: Registrar;
  close(): void;
}

/**
 * Starts SIP when it is configured (SIP_PORT) and the bridge can carry plain RTP (mediasoup); otherwise `null`,
 * saying why when SIP was asked for.
 */
type StartOptions = Omit<SipCallsOptions, 'relay' | 'program' | 'pinSecret' | 'ffmpeg' | 'registrar' | 'guesses'> & {
  telemetry?: TelemetryService;
  /** The program the rooms receive (the coordinator's, shared with the live stream); `null` without plain RTP. */
  program: ProgramService | null;
};

export async function startSip(config: Config, options: StartOptions): Promise<SipService | null> {
  if (config.SIP_PORT === undefined) {
    return null;
  }
  if (options.media.bridge.plain === undefined) {
    logger.warn('SIP_PORT is set but the media bridge is the embedded one: hardware rooms need MEDIA_BRIDGE=mediasoup');

    return null;
  }
  const listenIp = config.SIP_LISTEN_IP ?? config.MEDIA_LISTEN_IP ?? '0.0.0.0';
  const announcedIp =
    config.SIP_ANNOUNCED_IP ?? config.MEDIA_ANNOUNCED_IP ?? (listenIp === '0.0.0.0' ? null : listenIp);
  if (announcedIp === null) {
    throw new Error('SIP listens on every address: set SIP_ANNOUNCED_IP to the address rooms should call and send to');
  }
  const { program } = options;
  if (program === null) {
    return null;
  }
  // Wrong PINs and wrong passwords count together: a guesser cannot alternate between them.
  const guesses = new WrongGuesses();
  const registrar = new Registrar({
    guesses,
    secret: config.JWT_SECRET,
    isPoint: (code) => options.meetings.directory.points.some((p) => p.code === code),
  });
  const calls = new SipCalls({
    registrar,
    guesses,
    ...options,
    program,
    relay: { listenIp, ports: { min: config.SIP_RTP_PORT_MIN, max: config.SIP_RTP_PORT_MAX } },
    pinSecret: config.JWT_SECRET,
    ffmpeg: config.FFMPEG_PATH,
  });
  const agent = await SipUserAgent.start({
    listenIp,
    port: config.SIP_PORT,
    announcedIp,
    tls:
      config.SIP_TLS_CERT === undefined || config.SIP_TLS_KEY === undefined
        ? undefined
        : {
            port: config.SIP_TLS_PORT ?? config.SIP_PORT + 1,
            certFile: config.SIP_TLS_CERT,
            keyFile: config.SIP_TLS_KEY,
          },
    onRequest: (request, remote) => calls.handle(request, remote),
  });
  calls.attach(agent);
  // Each connected room's link, sampled as often as browsers sample theirs, into the same health classification.
  const sampling = setInterval(() => {
    calls.keepAlive();
    void sampleRooms(calls, options.media, options).catch((error: unknown) =>
      logger.warn({ err: error }, 'room samples failed'),
    );
  }, config.TELEMETRY_INTERVAL_MS);
  sampling.unref();
  const host = announcedIp.includes(':') ? `[${announcedIp}]` : announcedIp;

  return {
    calls,
    program,
    registrar,
    address: announcedIp,
    port: config.SIP_PORT,
    dialInUri: (number) => `sip:${number}@${host}${config.SIP_PORT === 5060 ? '' : `:${config.SIP_PORT}`}`,
    close() {
      clearInterval(sampling);
      calls.close();
      agent.close();
    },
  };
}

async function sampleRooms(calls: SipCalls, media: SipCallsOptions['media'], options: StartOptions): Promise<void> {
  const telemetry = options.telemetry;
  const plain = media.bridge.plain;
  if (plain === undefined) {
    return;
  }
  for (const call of calls.connectedCalls()) {
    const runtime = options.meetings.loaded(call.meetingId);
    const streams = await plain.streamStats(call.participantId);
    calls.mediaReceived(
      call.callId,
      streams.reduce((sum, s) => sum + s.bytesReceived, 0),
    );
    if (telemetry !== undefined && runtime !== undefined && streams.length > 0 && calls.isConnected(call.callId)) {
      telemetry.ingest(runtime, call.pointId, roomSample(streams), {
        kind: 'sip',
        video: call.video,
        audio: call.audio,
      });
    }
  }
}
