import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { withEveryCommandHandled } from './cluster/handledCommands.js';
import cookieParser from 'cookie-parser';
import { AccountService } from './accounts/AccountService.js';
import { shortLinkRouter } from './http/shortLinkRouter.js';
import { recordRouter } from './http/recordRouter.js';
import { RecordingService } from './recording/RecordingService.js';
import { tasksRouter } from './http/tasksRouter.js';
import { JoinTokens } from './auth/JoinTokens.js';
import { NodeBus } from './cluster/NodeBus.js';
import type { Config } from './config.js';
import { createHttpAuth } from './http/auth.js';
import { directoryRouter } from './http/directoryRouter.js';
import { sessionRouter } from './http/sessionRouter.js';
import { errorHandler, notFound } from './http/errors.js';
import { forwardToOwner, summariesFromOwners } from './http/forwardToOwner.js';
import { meetingsRouter } from './http/meetingsRouter.js';
import { linkRouter } from './http/linkRouter.js';
import { documentsRouter } from './http/documentsRouter.js';
import { uploadGate } from './http/uploads.js';
import { tooLarge } from './domain/content/content.js';
import { DOCUMENT_MAX_BYTES } from './domain/content/types.js';
import { ParentPages } from './linking/ParentPages.js';
import { DocumentPreparer } from './content/DocumentPreparer.js';
import { FileDocumentStore } from './content/FileDocumentStore.js';
import { loadTls, redirectServer, RENEW_WITHIN_MS } from './reach/tls.js';
import { TurnCredentials } from './reach/turn.js';
import { iceRouter } from './http/iceRouter.js';
import { RedisDocumentStore } from './content/RedisDocumentStore.js';
import type { DocumentStore } from './content/DocumentStore.js';
import { LinkHub } from './linking/LinkHub.js';
import { UplinkService } from './linking/UplinkService.js';
import { createLogger, setLogLevel } from './logger.js';
import { startSip, type SipService } from './sip/SipService.js';
import { PROGRAM_FORMAT } from './program/format.js';
import { ProgramService } from './program/ProgramService.js';
import { StreamService } from './stream/StreamService.js';
import { liveRouter } from './http/liveRouter.js';
import { streamRouter } from './http/streamRouter.js';
import type { Rendition } from './stream/hlsArguments.js';
import { sipAccountsRouter, sipRouter } from './http/sipRouter.js';
import { MeetingService } from './meetings/MeetingService.js';
import { createStores } from './createStores.js';
import { timeAppends } from './telemetry/appendTiming.js';
import { rooms } from './signaling/rooms.js';
import { SignalingServer } from './signaling/SignalingServer.js';
import { createBridge } from './media/createBridge.js';
import { MediaService } from './media/MediaService.js';
import { Faults } from './telemetry/Faults.js';
import { createMetrics } from './telemetry/metrics.js';
import { TelemetryService } from './telemetry/TelemetryService.js';
import { RedisTelemetryHistory } from './telemetry/RedisTelemetryHistory.js';
import { normalizeStrings } from './domain/core/text.js';

const logger = createLogger('app');
const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'client', 'dist');

export interface AppServer {
  /** Base URL the server listens on, e.g. `http://127.0.0.1:3000`. */
  url: string;
  httpServer: HttpServer;
  meetings: MeetingService;
  tokens: JoinTokens;
  accounts: AccountService;
  signaling: SignalingServer;
  telemetry: TelemetryService;
  /** The media service and, through it, the bridge that carries this node's media. */
  media: MediaService;
  /** Hardware room systems' calls, when SIP is on (SIP_PORT). */
  sip: SipService | null;
  /** The live streams (HLS), or `null` on the embedded bridge. */
  streams: StreamService | null;
  /** Unexpected errors contained (counted in `diemcau_faults_total`); `main.ts` routes the process's to it too. */
  faults: Faults;
  readonly closed: boolean;
  /** Closes sockets, the HTTP server, timers and the store, in that order. Idempotent. */
  close(): Promise<void>;
}

/**
 * The composition root: builds the stores, the meeting service, HTTP and signaling from validated config and
 * starts listening.
 *
 * @example const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir }));
 */
export async function startServer(config: Config, { now = Date.now }: { now?: () => number } = {}): Promise<AppServer> {
  setLogLevel(config.LOG_LEVEL);
  // A certificate that cannot serve stops the start before anything listens: never HTTP by accident.
  const tls =
    config.TLS_CERT === undefined || config.TLS_KEY === undefined
      ? null
      : loadTls(config.TLS_CERT, config.TLS_KEY, now());
  if (tls !== null && tls.validTo - now() < RENEW_WITHIN_MS) {
    logger.warn({ validTo: new Date(tls.validTo).toISOString() }, 'the TLS certificate expires soon: renew it');
  }
  const stores = await createStores(config);
  const { directoryStore, tokenRegistry, accountStore, linkCredentials, ownership, redis } = stores;
  const { store, appendSeconds } = timeAppends(stores.store);
  // Several coordinators share Redis: a bus to forward to a meeting's owner, and socket.io's Redis adapter so the
  // owner's broadcasts reach sockets on every node (with connection-state recovery across nodes).
  const bus =
    redis === undefined || ownership === undefined ? null : await NodeBus.start({ redis, nodeId: ownership.nodeId });
  // The adapter sends commands it does not wait for: none of them may reject unhandled while Redis is away.
  const adapterClient = bus === null || redis === undefined ? null : withEveryCommandHandled(redis.duplicate());
  adapterClient?.on('error', (error: Error) => logger.debug({ err: error }, 'socket.io adapter: redis error'));
  const faults = new Faults();
  const meetings = await MeetingService.create({
    store,
    directoryStore,
    now,
    ownership,
    faults,
    endedKeepMs: config.ENDED_MEETING_KEEP_SEC * 1000,
  });
  const tokens = new JoinTokens({ secret: config.JWT_SECRET, registry: tokenRegistry });
  const accounts = new AccountService({ store: accountStore, secret: config.JWT_SECRET, now });
  if (config.ADMIN_USERNAME !== undefined && config.ADMIN_PASSWORD !== undefined) {
    const created = await accounts.ensureFirstAdmin({
      username: config.ADMIN_USERNAME,
      displayName: config.ADMIN_DISPLAY_NAME,
      password: config.ADMIN_PASSWORD,
    });
    if (created !== null) {
      logger.warn({ username: created.username }, 'first administrator created from ADMIN_USERNAME/ADMIN_PASSWORD');
    }
  }
  const secureCookies =
    (config.COOKIE_SECURE ?? (config.NODE_ENV === 'production' || tls !== null ? 'on' : 'off')) === 'on';
  const auth = createHttpAuth({ adminKey: config.ADMIN_API_KEY, tokens, accounts, secureCookies });

  const app = express();
  app.disable('x-powered-by');
  // A page that came over HTTPS (here, or through nginx) has its requests upgraded to HTTPS; one that came over plain
  // HTTP must not be, or its scripts are asked for on an HTTPS port that is not there and the room sees a blank page
  // instead of the console that says why its camera is unavailable.
  // The live stream's page plays through Media Source Extensions, whose media and hls.js's worker are blob: URLs.
  const player = { mediaSrc: ["'self'", 'blob:'], workerSrc: ["'self'", 'blob:'] };
  const overHttps = helmet({ contentSecurityPolicy: { directives: player } });
  const overHttp = helmet({ contentSecurityPolicy: { directives: { ...player, upgradeInsecureRequests: null } } });
  app.use((req, res, next) =>
    (req.secure || req.get('x-forwarded-proto') === 'https' ? overHttps : overHttp)(req, res, next),
  );
  // Cross-origin browser calls only from configured origins; same-origin pages and non-browser clients need no CORS.
  app.use('/api', cors({ origin: config.CORS_ORIGINS, credentials: false }));
  app.use(express.json({ limit: '4mb' }));
  app.use(express.text({ type: ['text/csv', 'text/plain'], limit: '8mb' }));
  app.use(cookieParser());
  // Every text a form or an import sends is stored in one Unicode form (NFC), whatever the sender's tools wrote.
  app.use((req, _res, next) => {
    if (req.body !== undefined) {
      req.body = normalizeStrings(req.body);
    }
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, meetings: meetings.list().length, uptimeSec: Math.round(process.uptime()) });
  });
  app.use('/api/directory', directoryRouter({ meetings, auth }));
  app.use('/api', sessionRouter({ accounts, auth }));
  const httpServer = tls === null ? createServer(app) : createHttpsServer({ cert: tls.cert, key: tls.key }, app);
  // Built after telemetry (it needs the bridge); telemetry's sweep reads it only once it exists.
  let mediaService: MediaService | null = null;
  const telemetry = new TelemetryService({
    meetings,
    intervalMs: config.TELEMETRY_INTERVAL_MS,
    thresholds: {
      lossPct: config.LINK_LOSS_PCT,
      rttMs: config.LINK_RTT_MS,
      minFps: config.LINK_MIN_FPS,
      badSamples: config.LINK_BAD_SAMPLES,
      goodSamples: config.LINK_GOOD_SAMPLES,
      disconnectMs: config.LINK_DISCONNECT_SEC * 1000,
      silentMs: config.LINK_SILENT_SEC * 1000,
    },
    now,
    onLatest: (meetingId, rows) => signaling.io.to(rooms.staff(meetingId)).emit('telemetry:latest', { rows }),
    ...(redis === undefined
      ? {}
      : { sharedHistory: (capacity: number) => new RedisTelemetryHistory({ redis, capacity }) }),
    bridgeStats: async (meetingId) => (mediaService === null ? new Map() : mediaService.pointStats(meetingId)),
  });
  let publicUrl = config.PUBLIC_URL;
  // Where the consoles are served securely: a page opened over plain HTTP points people there.
  app.get('/api/address', (_req, res) => {
    res.json({ publicUrl });
  });
  /** This node's address for the other coordinators (HTTP forwarded to a meeting's owner); set once listening. */
  let nodeUrl: string | null = null;
  // Where a meeting is owned (this node, another's address, or nobody while it moves); the gateway knows.
  const locateOwner = (meetingId: string) => signaling.gateway.ownerUrl(meetingId);
  // Nothing about a meeting, not even whether it exists, for a caller without any credential for it.
  app.use('/api/meetings/:id', async (req, res, next) => {
    await auth.requireCredential(req, res, String(req.params.id));
    // An ended meeting let go of is read again from its log for whoever may ask about it.
    if (meetings.has(String(req.params.id))) {
      await meetings.wake(String(req.params.id));
    }
    next();
  });
  // A document's bytes are read before forwarding, so that they reach the meeting's owner whole: only from the
  // office (authenticated before a byte is read), streamed to disk, within limits per account and per address.
  app.post(
    '/api/meetings/:id/documents',
    uploadGate({
      dir: join(config.DATA_DIR, 'uploads'),
      maxBytes: DOCUMENT_MAX_BYTES,
      tooLarge,
      authenticate: (req, res) => auth.requireRole(req, res, 'organizer'),
    }),
  );
  const turn = new TurnCredentials({
    urls: config.TURN_URLS,
    secret: config.TURN_SECRET ?? null,
    ttlSec: config.TURN_TTL_SEC,
  });
  app.use('/api/meetings/:id', forwardToOwner(locateOwner));
  app.use('/api/meetings', iceRouter({ meetings, auth, turn, now }));
  app.use(
    '/api/meetings',
    meetingsRouter({
      meetings,
      tokens,
      auth,
      accounts: accountStore,
      telemetry,
      publicUrl: () => publicUrl,
      now,
      ...(bus === null ? {} : { othersSummaries: summariesFromOwners(() => meetings.storedIds(), locateOwner) }),
    }),
  );
  const uplinks = new UplinkService({
    meetings,
    faults,
    allowHttp: config.LINK_ALLOW_HTTP,
    credentials: linkCredentials,
    timeoutMs: config.LINK_TIMEOUT_MS,
  });
  app.use('/api/meetings', linkRouter({ meetings, tokens, auth, uplinks, now }));
  let recordings: RecordingService | null = null;
  app.use('/api/meetings', recordRouter({ meetings, auth, now, recordings: () => recordings }));
  let sip: SipService | null = null;
  let streams: StreamService | null = null;
  app.use(
    '/api/meetings',
    streamRouter({ meetings, auth, tokens, streams: () => streams, publicUrl: () => publicUrl, now }),
  );
  app.use(liveRouter({ dir: join(config.DATA_DIR, 'live'), streams: () => streams, meetings, tokens, secureCookies }));
  app.use('/api/meetings', sipRouter({ meetings, auth, sip: () => sip }));
  app.use('/api/sip', sipAccountsRouter({ meetings, auth, sip: () => sip }));
  app.use('/api', tasksRouter({ meetings, auth, now }));
  const documentStore: DocumentStore =
    redis === undefined
      ? new FileDocumentStore({ dir: join(config.DATA_DIR, 'documents') })
      : new RedisDocumentStore({ redis });
  const preparer = new DocumentPreparer({ store: documentStore, meetings, soffice: config.SOFFICE_PATH });
  preparer.resume();
  app.use(
    '/api/meetings',
    documentsRouter({
      meetings,
      auth,
      store: documentStore,
      preparer,
      parentPages: new ParentPages({ credentialOf: (id) => uplinks.credentialOf(id) }),
    }),
  );
  // The consoles (one page; the join token picks the console), built by `npm run build` into client/dist.
  const consolePage: express.RequestHandler = (_req, res) => {
    const page = join(CLIENT_DIR, 'index.html');
    if (!existsSync(page)) {
      res.status(503).json({
        error: { code: 'INTERNAL', message: 'Giao diện chưa được dựng: chạy npm run build (consoles not built)' },
      });

      return;
    }
    res.sendFile(page);
  };
  // A commune on 4G loads the consoles compressed (brotli or gzip: a third of the bytes), cached for good after.
  const compressed = compression();
  // …and the public viewing page of a meeting's live stream (no account: it reads only /live/).
  app.get(['/', '/join', '/to-chuc', '/truc-tiep/:meeting'], compressed, consolePage);
  app.use(shortLinkRouter(tokenRegistry, now));
  app.use(
    '/assets',
    compressed,
    express.static(join(CLIENT_DIR, 'assets'), { index: false, immutable: true, maxAge: '30d' }),
  );
  app.get('/favicon.svg', (_req, res) => res.sendFile(join(CLIENT_DIR, 'favicon.svg'), { maxAge: '1d' }));
  const metrics = createMetrics({
    meetings,
    telemetry,
    faults,
    socketCount: () => signaling.io.engine.clientsCount,
    sipCalls: () => sip?.calls ?? null,
    appendSeconds,
    mediaWorkerDeaths: () => mediaWorkerDeaths(),
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use(notFound);
  app.use(errorHandler);

  let mediaWorkerDeaths = () => 0;
  const media: MediaService = new MediaService({
    meetings,
    bridge: await createBridge(config),
    onSlots: (participantId, slots) => signaling.io.to(participantId).emit('media:slots', { slots }),
    onReconnect: (participantId, reason) =>
      (participantId === null ? signaling.io : signaling.io.to(participantId)).emit('media:reconnect', { reason }),
    onReplaced: (participantId, by) => signaling.io.to(participantId).emit('media:replaced', { by }),
    onDownlink: (participantId, view) => signaling.io.to(participantId).emit('media:downlink', view),
    onActiveSpeaker: (meetingId, speaker) =>
      signaling.io.to(rooms.staff(meetingId)).emit('media:activeSpeaker', speaker),
    now,
  });
  mediaService = media;
  mediaWorkerDeaths = () => media.bridge.workerDeaths ?? 0;
  if (config.RECORDING === 'on') {
    if (media.bridge.tap === undefined) {
      logger.warn('RECORDING=on but this media bridge cannot copy media for the recorder: not recording');
    } else {
      recordings = new RecordingService({
        meetings,
        media,
        documents: documentStore,
        dir: join(config.DATA_DIR, 'recordings'),
        minFreeBytes: config.RECORDING_MIN_FREE_MB * 1_048_576,
        ffmpeg: config.FFMPEG_PATH,
        now,
      });
    }
  }
  media.bridge.on('consumers', (participantId, consumers) =>
    signaling.io.to(participantId).emit('media:consumers', { consumers }),
  );
  media.bridge.on('consumersClosed', (participantId, consumerIds) =>
    signaling.io.to(participantId).emit('media:consumersClosed', { consumerIds }),
  );
  const signaling: SignalingServer = new SignalingServer({
    httpServer,
    meetings,
    tokens,
    telemetry,
    media,
    maxMessageBytes: config.MAX_MESSAGE_BYTES,
    recoveryWindowSec: config.RECOVERY_WINDOW_SEC,
    rateLimitMultiplier: config.RATE_LIMIT_MULTIPLIER,
    maxConnectionsPerToken: config.MAX_CONNECTIONS_PER_TOKEN,
    allowedOrigins: [new URL(config.PUBLIC_URL).origin, ...config.CORS_ORIGINS],
    sessionTokenTtlSec: config.SESSION_TOKEN_TTL_SEC,
    turn,
    now,
    cluster:
      bus === null || ownership === undefined
        ? undefined
        : { bus, ownerOf: (meetingId) => ownership.leases.holder(meetingId), selfUrl: () => nodeUrl },
  });
  // An ended meeting with consoles still on it stays in memory.
  meetings.setReleaseGuard((meetingId) => !signaling.gateway.hasSockets(meetingId));
  const linkHub = new LinkHub({
    httpServer,
    meetings,
    tokens,
    media,
    faults,
    pipeAddresses: config.LINK_PIPE_ADDRESSES,
    ownerUrl: (meetingId) => signaling.gateway.ownerUrl(meetingId),
  });
  uplinks.attachMedia(media);
  // The program encoded once per meeting (mediasoup only): what hardware rooms receive and the live stream carries.
  const program =
    media.bridge.plain === undefined
      ? null
      : new ProgramService({
          media,
          meetings,
          ffmpeg: config.FFMPEG_PATH,
          format: { ...PROGRAM_FORMAT, fps: config.PROGRAM_FPS },
          documents: documentStore,
          // Without the font the program carries no lower third (said once, here).
          captionFont: existsSync(config.PROGRAM_FONT) ? config.PROGRAM_FONT : null,
        });
  if (program !== null && !existsSync(config.PROGRAM_FONT)) {
    logger.warn({ font: config.PROGRAM_FONT }, 'PROGRAM_FONT not found: the program has no lower third');
  }
  streams =
    program === null
      ? null
      : new StreamService({
          meetings,
          program,
          dir: join(config.DATA_DIR, 'live'),
          ffmpeg: config.FFMPEG_PATH,
          segmentSec: config.STREAM_SEGMENT_SEC,
          renditions: config.STREAM_RENDITIONS.split(',') as Rendition[],
          font: existsSync(config.PROGRAM_FONT) ? config.PROGRAM_FONT : null,
          now,
        });
  sip = await startSip(config, {
    meetings,
    media,
    telemetry,
    program,
    presence: {
      attached: (meetingId, pointId) => signaling.gateway.deviceAttached(meetingId, pointId),
      detached: (meetingId, pointId) => signaling.gateway.deviceDetached(meetingId, pointId),
    },
  });
  if (adapterClient !== null) {
    signaling.io.adapter(createAdapter(adapterClient, { streamName: 'diemcau:socket.io' }));
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: config.PORT, host: config.HOST, backlog: config.LISTEN_BACKLOG }, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = tls === null ? 'http' : 'https';
  const url = `${scheme}://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${address.port}`;
  if (config.PORT === 0) {
    publicUrl = url;
  }
  nodeUrl = config.NODE_URL ?? url;
  const redirect = config.HTTP_REDIRECT_PORT === undefined ? null : redirectServer(publicUrl);
  if (redirect !== null) {
    await new Promise<void>((resolve, reject) => {
      redirect.once('error', reject);
      redirect.listen(config.HTTP_REDIRECT_PORT, config.HOST, () => resolve());
    });
  }
  logger.info({ url, certificateNames: tls?.names }, 'listening');

  let closed = false;

  return {
    url,
    httpServer,
    meetings,
    tokens,
    accounts,
    signaling,
    telemetry,
    media,
    faults,
    sip,
    streams,
    get closed() {
      return closed;
    },
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      telemetry.close();
      // A live stream ends its playlists while the program still runs; then the program stops.
      await streams?.close();
      sip?.close();
      program?.close();
      await uplinks.close();
      linkHub.close();
      await signaling.close();
      // Recordings are finished (their files joined) while the bridge still carries media.
      await recordings?.close();
      await media.close();
      for (const server of redirect === null ? [httpServer] : [httpServer, redirect]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await meetings.close();
      await documentStore.close?.();
      await tokenRegistry.close();
      await bus?.close();
      adapterClient?.disconnect();
    },
  };
}
