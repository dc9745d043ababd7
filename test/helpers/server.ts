import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { MeetingInput } from '../../server/domain/core/definition.js';
import type { Role } from '../../server/domain/core/model.js';
import type { MeetingRuntime } from '../../server/meetings/MeetingRuntime.js';
import { connectMeeting, type MeetingConnection, type MeetingSocket } from '../../server/protocol/client.js';
import type { ServerToClientEvents } from '../../server/protocol/events.js';
import { smallDirectory, smallMeetingInput } from './domain.js';
import { tempDir } from './tmp.js';

export const ADMIN_KEY = 'test-admin-key';

export interface TestServer {
  server: AppServer;
  url: string;
  /** The server's DATA_DIR (removed by `close()`). */
  dataDir: string;
  meeting: MeetingRuntime;
  token(role: Role, pointId?: string, meetingId?: string): Promise<string>;
  connect(role: Role, pointId?: string): Promise<MeetingConnection>;
  close(): Promise<void>;
}

/**
 * A real server on 127.0.0.1 (random port, temporary data dir) with the small test province and meeting `m1`
 * (opened unless `open: false`). Every socket it hands out is closed by `close()`.
 */
export async function startTestServer({
  open = true,
  env = {},
  meeting: meetingInput = {},
}: { open?: boolean; env?: Record<string, string>; meeting?: Partial<MeetingInput> } = {}): Promise<TestServer> {
  const { dir, remove } = await tempDir();
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      STORE_FSYNC: 'never',
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  await server.meetings.replaceDirectory(smallDirectory());
  const meeting = await server.meetings.createMeeting({ ...smallMeetingInput(meetingInput), id: 'm1' });
  if (open) {
    await meeting.execute({ type: 'meeting.open' }, { role: 'chair' });
  }
  const sockets: MeetingSocket[] = [];
  const token = async (role: Role, pointId?: string, meetingId = 'm1') =>
    (await server.tokens.issue({ meetingId, role, pointId: pointId ?? null, ttlSec: 600 })).token;

  return {
    server,
    url: server.url,
    dataDir: dir,
    meeting,
    token,
    async connect(role, pointId) {
      const connection = await connectMeeting(server.url, await token(role, pointId), { reconnection: false });
      sockets.push(connection.socket);

      return connection;
    },
    async close() {
      sockets.forEach((s) => s.close());
      await server.close();
      await remove();
    },
  };
}

/** Resolves with the next `event` message that satisfies `predicate`. */
export function nextMessage<E extends keyof ServerToClientEvents>(
  socket: MeetingSocket,
  event: E,
  predicate: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (predicate(payload)) {
        clearTimeout(timer);
        socket.off(event, listener as never);
        resolve(payload);
      }
    };
    socket.on(event, listener as never);
  });
}

/** Records every message of the given events, in order (the subscribeToEvents pattern). */
export function recordMessages(
  socket: MeetingSocket,
  events: (keyof ServerToClientEvents)[],
): { event: string; payload: unknown }[] {
  const seen: { event: string; payload: unknown }[] = [];
  for (const event of events) {
    socket.on(event, ((payload: unknown) => seen.push({ event, payload })) as never);
  }

  return seen;
}
