import { z } from 'zod';
import { ICE_URL } from './reach/turnRules.js';

const DEV_JWT_SECRET = 'diemcau-dev-secret-change-me-0123456789';
const DEV_ADMIN_KEY = 'diemcau-dev-admin';

/** A comma-separated list, its items trimmed, empty ones dropped; unset is none. */
const commaList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

/** The accept queue a coordinator asks for (LISTEN_BACKLOG); the bench's bare server asks for the same. */
export const DEFAULT_LISTEN_BACKLOG = 4096;

/** Every environment variable the server reads, with its default. The README's configuration table mirrors this. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** HTTP and socket.io port. */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Interface to listen on. */
    HOST: z.string().default('0.0.0.0'),
    /**
     * Connections the kernel queues before the server accepts them (capped by net.core.somaxconn). Node's 511 drops
     * the rest of a join storm's SYNs, and each dropped one costs its commune a second or more.
     */
    LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65_535).default(DEFAULT_LISTEN_BACKLOG),
    /** Base URL printed in join links. Default http://localhost:PORT (https:// when TLS_CERT is set). */
    PUBLIC_URL: z.url().optional(),
    /** PEM certificate (with its chain) for serving HTTPS on PORT; with TLS_KEY. Unset: plain HTTP (behind nginx). */
    TLS_CERT: z.string().min(1).optional(),
    /** PEM private key of TLS_CERT. */
    TLS_KEY: z.string().min(1).optional(),
    /** With TLS: a plain-HTTP port that only redirects to the HTTPS address (e.g. 80). */
    HTTP_REDIRECT_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** Where the embedded store keeps meeting logs and the directory. */
    DATA_DIR: z.string().default('./data'),
    /** Meeting store: `embedded` (JSONL files in DATA_DIR) or `redis` (Redis Streams at REDIS_URL). */
    STORE: z.enum(['embedded', 'redis']).default('embedded'),
    /** Redis for STORE=redis. */
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** This coordinator's name in meeting leases (STORE=redis). Default host name and process id. */
    NODE_ID: z.string().min(1).max(100).optional(),
    /** This node's HTTP address as the other coordinators reach it (STORE=redis). Default the address it listens on. */
    NODE_URL: z.url().optional(),
    /** A meeting's owner must renew its lease within this time, or another node adopts the meeting (STORE=redis). */
    LEASE_TTL_MS: z.coerce.number().int().min(300).max(120_000).default(6000),
    /** `always`: fdatasync before acking (group commit); `never`: leave flushing to the OS. */
    STORE_FSYNC: z.enum(['always', 'never']).default('always'),
    /** HS256 secret for join tokens (≥ 32 characters). */
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    /** The first administrator, created on first start when there is no account yet (then change the password). */
    ADMIN_USERNAME: z.string().optional(),
    ADMIN_PASSWORD: z.string().optional(),
    ADMIN_DISPLAY_NAME: z.string().default('Quản trị hệ thống'),
    /** Session cookies only over HTTPS. Default on in production (behind TLS), off for plain loopback HTTP. */
    COOKIE_SECURE: z.enum(['on', 'off']).optional(),
    /** Key for the admin HTTP API (header `x-api-key`). */
    ADMIN_API_KEY: z.string().min(8).default(DEV_ADMIN_KEY),
    /** Largest socket.io message accepted, in bytes. */
    MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(65_536),
    /** How long a dropped socket can resume its session (socket.io connection-state recovery), in seconds. */
    RECOVERY_WINDOW_SEC: z.coerce.number().int().min(0).max(3600).default(120),
    /** How often clients send a link-quality sample, ms (told to clients in the snapshot). */
    TELEMETRY_INTERVAL_MS: z.coerce.number().int().min(200).max(60_000).default(2000),
    /** A sample is bad above this packet loss, %. */
    LINK_LOSS_PCT: z.coerce.number().min(0).max(100).default(5),
    /** A sample is bad above this round-trip time, ms. */
    LINK_RTT_MS: z.coerce.number().min(1).default(400),
    /** A sample is bad below this frame rate while video flows, fps. */
    LINK_MIN_FPS: z.coerce.number().min(0).default(10),
    /** Consecutive bad samples before a point is unstable. */
    LINK_BAD_SAMPLES: z.coerce.number().int().min(1).max(100).default(3),
    /** Consecutive good samples before an unstable point is stable again. */
    LINK_GOOD_SAMPLES: z.coerce.number().int().min(1).max(100).default(3),
    /** No sample and no socket for longer than this: disconnected, seconds. */
    LINK_DISCONNECT_SEC: z.coerce.number().min(0.5).max(600).default(6),
    /** Socket up but no sample for longer than this: the point is silent (alert), seconds. */
    LINK_SILENT_SEC: z.coerce.number().min(1).max(3600).default(20),
    /** Media bridge: `auto` uses mediasoup when its worker can run, else the embedded werift bridge. */
    MEDIA_BRIDGE: z.enum(['auto', 'mediasoup', 'werift']).default('auto'),
    /** Path of mediasoup's worker binary (read by mediasoup); default its own prebuilt one. */
    MEDIASOUP_WORKER_BIN: z.string().optional(),
    /** mediasoup workers; default one per core. */
    MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    /** Consumers per mediasoup worker before a meeting spans another worker (pipeToRouter). */
    MEDIASOUP_CONSUMERS_PER_WORKER: z.coerce.number().int().min(4).max(10_000).default(500),
    /** Address the media bridge listens on (e.g. 127.0.0.1 in tests); default every interface. */
    MEDIA_LISTEN_IP: z.string().optional(),
    /** Address announced to browsers (public or NAT address of MEDIA_LISTEN_IP). */
    MEDIA_ANNOUNCED_IP: z.string().optional(),
    /** Record each meeting's program to DATA_DIR/recordings (mediasoup bridge and ffmpeg needed): `on` or `off`. */
    RECORDING: z.enum(['on', 'off']).default('off'),
    /** Below this much free disk (MB) a recording stops, with an alert to technicians; the meeting goes on. */
    RECORDING_MIN_FREE_MB: z.coerce.number().int().min(0).default(1024),
    /** The ffmpeg the recorder runs. */
    FFMPEG_PATH: z.string().default('ffmpeg'),
    /** LibreOffice, which turns DOCX, XLSX and PPTX documents into PDF once so they can be shown as slides. */
    SOFFICE_PATH: z.string().default('soffice'),
    /** First UDP/TCP port for media (mediasoup: one per worker; werift: its ICE range). */
    MEDIA_PORT_MIN: z.coerce.number().int().min(1024).max(65_000).default(40_000),
    MEDIA_PORT_MAX: z.coerce.number().int().min(1025).max(65_535).default(40_999),
    /**
     * How long an ended meeting stays in memory after it was last asked for, in seconds; then only its listing is
     * kept and its log is read again when someone asks for its record.
     */
    ENDED_MEETING_KEEP_SEC: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(600),
    /** How long a link's first connection or one report up waits for the parent's answer, ms. */
    LINK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /**
     * Linked meetings over plain `http://` to a parent that is not on loopback: the link's invitation, its media
     * keys and slide requests then cross the network in clear. `1` only for a lab; warned at start and in the
     * organizer's console. Default off: a parent must be `https://` (or on this machine's loopback).
     */
    LINK_ALLOW_HTTP: z
      .enum(['0', '1'])
      .default('0')
      .transform((value) => value === '1'),
    /**
     * Addresses (comma-separated) a child's media pipe may name besides its link's own remote address: its media host
     * when that is another machine than its coordinator, or its address before a NAT. The parent never sends its
     * program anywhere else.
     */
    LINK_PIPE_ADDRESSES: commaList,
    /**
     * SIP for hardware room systems (server/sip): off unless SIP_PORT is set. UDP and TCP on SIP_PORT (5060 is the
     * usual), TLS on SIP_TLS_PORT with SIP_TLS_CERT/SIP_TLS_KEY. SIP_LISTEN_IP is where it listens (default
     * MEDIA_LISTEN_IP, else all); SIP_ANNOUNCED_IP is the address rooms are told for SIP and media (default
     * MEDIA_ANNOUNCED_IP, else the listen address).
     */
    SIP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SIP_LISTEN_IP: z.string().optional(),
    SIP_ANNOUNCED_IP: z.string().optional(),
    SIP_TLS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    /** The program encoded for hardware rooms: frames a second (720p; 15 halves the encoder's work). */
    PROGRAM_FPS: z.coerce.number().int().min(5).max(60).default(30),
    /** The font of the program's lower third (rooms and the live stream): one with Vietnamese letters. */
    PROGRAM_FONT: z.string().default('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'),
    /** The live stream's HLS segment length, seconds (latency is about three segments). */
    STREAM_SEGMENT_SEC: z.coerce.number().int().min(1).max(10).default(2),
    /**
     * The live stream's renditions: `720p,360p` (the program's own 720p copied, and 360p encoded from it for weak
     * links) or `720p` alone (no encode at all: the stream then costs the coordinator almost nothing).
     */
    STREAM_RENDITIONS: z.enum(['720p,360p', '720p']).default('720p,360p'),
    /** UDP ports for SIP rooms' sound (relayed here to read their remote's keys); open them with the media ports. */
    SIP_RTP_PORT_MIN: z.coerce.number().int().min(1024).max(65_000).default(41_000),
    SIP_RTP_PORT_MAX: z.coerce.number().int().min(1025).max(65_535).default(41_999),
    SIP_TLS_CERT: z.string().min(1).optional(),
    SIP_TLS_KEY: z.string().min(1).optional(),
    /** TURN and STUN servers handed to consoles, comma-separated (`turn:host:3478?transport=udp`, `turns:host:443`). */
    TURN_URLS: commaList,
    /** coturn's `static-auth-secret` (≥ 32 characters): consoles get credentials derived from it, never the secret. */
    TURN_SECRET: z.string().optional(),
    /** Lifetime of a console's TURN credential, seconds (never beyond its join link; renewed on reconnect). */
    TURN_TTL_SEC: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(12 * 3600),
    /** Sockets one join token may hold at once (a reload, a second screen); more are refused. */
    MAX_CONNECTIONS_PER_TOKEN: z.coerce.number().int().min(1).max(100).default(3),
    /** Browser origins allowed besides PUBLIC_URL's own, comma-separated (e.g. a separate console host). */
    CORS_ORIGINS: commaList,
    /** Lifetime of a refreshed session token (`auth:refresh`), seconds. */
    SESSION_TOKEN_TTL_SEC: z.coerce.number().int().min(60).max(86_400).default(3600),
    /** Scales every per-socket rate budget; 0 < x. Raise it for load tests, never in production. */
    RATE_LIMIT_MULTIPLIER: z.coerce.number().positive().max(1_000_000).default(1),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .transform((env) => ({
    ...env,
    PUBLIC_URL: env.PUBLIC_URL ?? `${env.TLS_CERT === undefined ? 'http' : 'https'}://localhost:${env.PORT}`,
  }))
  .superRefine((env, ctx) => {
    if ((env.SIP_TLS_CERT === undefined) !== (env.SIP_TLS_KEY === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set SIP_TLS_CERT and SIP_TLS_KEY together (one without the other)' });
    }
    if (env.SIP_TLS_CERT !== undefined && env.SIP_PORT === undefined) {
      ctx.addIssue({ code: 'custom', message: 'SIP_TLS_CERT is set but SIP is off: set SIP_PORT as well' });
    }
    if ((env.TLS_CERT === undefined) !== (env.TLS_KEY === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set TLS_CERT and TLS_KEY together (one without the other)' });
    }
    for (const url of env.TURN_URLS) {
      if (!ICE_URL.test(url)) {
        ctx.addIssue({ code: 'custom', message: `TURN_URLS: ${url} is not a turn:, turns: or stun: address` });
      }
    }
    if (env.TURN_URLS.some((u) => u.startsWith('turn')) && env.TURN_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'TURN_URLS has a TURN server: set TURN_SECRET (coturn static-auth-secret)',
      });
    }
    if (env.TURN_SECRET !== undefined && env.TURN_SECRET.length < 32) {
      ctx.addIssue({ code: 'custom', message: 'TURN_SECRET is too short (at least 32 characters)' });
    }
    if (env.HTTP_REDIRECT_PORT !== undefined && env.TLS_CERT === undefined) {
      ctx.addIssue({ code: 'custom', message: 'HTTP_REDIRECT_PORT redirects to HTTPS: set TLS_CERT and TLS_KEY' });
    }
    if (env.TLS_CERT !== undefined && !env.PUBLIC_URL.startsWith('https://')) {
      ctx.addIssue({ code: 'custom', message: 'PUBLIC_URL must be an https:// address when TLS_CERT is set' });
    }
    if (env.NODE_ENV === 'production' && (env.JWT_SECRET === DEV_JWT_SECRET || env.ADMIN_API_KEY === DEV_ADMIN_KEY)) {
      ctx.addIssue({ code: 'custom', message: 'set JWT_SECRET and ADMIN_API_KEY in production (defaults refused)' });
    }
  });

export type Config = z.output<typeof configSchema>;

/** Validates the environment once, at start-up; a bad value stops the process with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'env'}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }

  return parsed.data;
}
