import { parseArgs } from 'node:util';
import { startServer } from './app.js';
import { freeSipPort } from './sip/SipUserAgent.js';
import { mediasoupWorkerPath } from './media/createBridge.js';
import { conferenceNumberOf } from './domain/sip/conferenceNumber.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { seedScenario } from './scenarios/seed.js';

const logger = createLogger('main');

/** How long a stop may take (SIGTERM) before the process ends anyway: under Kubernetes' default grace of 30 s. */
const SHUTDOWN_LIMIT_MS = 20_000;

/** The demo's account, printed with its links (never used outside `--demo`). */
const DEMO_ACCOUNT = { username: 'vanphong', displayName: 'Văn phòng UBND tỉnh (demo)', password: 'diemcau-demo' };

/** `tsx server/main.ts [--demo] [--scenario <id>]`: serve; with --demo, seed a province meeting and print join links. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      demo: { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'bac-giang-2021-09-28' },
    },
  });
  const env = { ...process.env };
  if (values.demo) {
    // The demo's banner is for people: its info lines stay out of it unless LOG_LEVEL asks for them.
    env.LOG_LEVEL ??= 'warn';
    // Hardware rooms may dial the demo meeting: SIP on a free port of this machine (it needs the mediasoup bridge).
    const mediasoup =
      env.MEDIA_BRIDGE !== 'werift' &&
      mediasoupWorkerPath({
        MEDIASOUP_WORKER_BIN: env.MEDIASOUP_WORKER_BIN === '' ? undefined : env.MEDIASOUP_WORKER_BIN,
      }) !== null;
    if (env.SIP_PORT === undefined && mediasoup) {
      env.SIP_LISTEN_IP ??= '127.0.0.1';
      env.SIP_PORT = String(await freeSipPort(env.SIP_LISTEN_IP));
    }
  }
  const config = loadConfig(env);
  const server = await startServer(config);
  // One meeting's failure never takes the process, and its other meetings, down: counted and logged instead.
  server.faults.guardProcess();
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // A store that went first (Redis stopped with the pod) must not hold the exit past the orchestrator's grace
    // period: what could not be flushed by then is said, and the process ends on its own terms.
    setTimeout(() => {
      logger.error({ signal, ms: SHUTDOWN_LIMIT_MS }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  if (values.demo) {
    const { meeting } = await seedScenario(server.meetings, values.scenario);
    const base = config.PUBLIC_URL;
    const link = async (role: 'chair' | 'point' | 'technician', pointId?: string) => {
      const { token } = await server.tokens.issue({
        meetingId: meeting.id,
        role,
        pointId: pointId ?? null,
        ttlSec: 12 * 3600,
      });

      return `${base}/join?token=${token}`;
    };
    const firstPoint = meeting.state.def.invitedPointIds.at(-1) as string;
    // The demo's office account: the first one, so it is also the administrator (a real install sets its own).
    await server.accounts.ensureFirstAdmin({
      username: DEMO_ACCOUNT.username,
      displayName: DEMO_ACCOUNT.displayName,
      password: DEMO_ACCOUNT.password,
    });
    const lines = [
      '',
      `diemcau — ${meeting.state.def.title}`,
      `  Máy chủ (server):           ${base}`,
      `  Hội nghị (meeting):         ${meeting.id} — ${meeting.state.def.invitedPointIds.length} điểm cầu`,
      `  Chủ trì (chair):            ${await link('chair')}`,
      `  Điểm cầu (point ${firstPoint}): ${await link('point', firstPoint)}`,
      `  Kỹ thuật viên (technician): ${await link('technician')}`,
      `  Văn phòng (organizer):      ${base}/to-chuc — ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}`,
      `  Khóa quản trị (admin key):  x-api-key: ${config.ADMIN_API_KEY}`,
      server.sip === null
        ? '  Thiết bị SIP (SIP rooms):   tắt — cần cầu truyền hình mediasoup (off: needs the mediasoup bridge)'
        : `  Thiết bị SIP (SIP rooms):   ${server.sip.dialInUri(conferenceNumberOf(meeting.state.def))}`,
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'failed to start');
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
