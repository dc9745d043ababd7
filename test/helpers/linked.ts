import { expect } from 'vitest';
import { startServer, type AppServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Directory } from '../../server/domain/directory/directory.js';
import type { Role } from '../../server/domain/core/model.js';
import { connectMeeting, type MeetingSocket } from '../../server/protocol/client.js';
import { smallDirectory, smallMeetingInput } from './domain.js';
import { tempDir } from './tmp.js';
import { until } from './poll.js';

/**
 * Linked meetings in tests: coordinators of separate deployments, each on its own loopback address (127.0.0.2, .3,
 * …) with its own data dir, directory, store and (with `env`) its own media bridge listening on that address.
 */

export const LINKED_ADMIN_KEY = 'linked-admin-key';
const CHAIR = { role: 'chair' } as const;

export interface Coordinator {
  server: AppServer;
  url: string;
  dataDir: string;
  host: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A join token of this coordinator's meeting (for consoles and sockets). */
  token(meetingId: string, role: Role, pointId?: string): Promise<string>;
  close(): Promise<void>;
}

/** The nation's directory: the centre and two provinces, which bring their own communes by linking. */
export function nationDirectory(): Directory {
  return {
    units: [
      { code: 'VN', name: 'Trung ương', level: 'nation', parentCode: null },
      { code: 'P1', name: 'Tỉnh Bắc Giang', level: 'province', parentCode: 'VN' },
      { code: 'P2', name: 'Tỉnh Lạng Sơn', level: 'province', parentCode: 'VN' },
    ],
    points: [{ code: 'TW', name: 'Điểm cầu Trung ương', level: 'nation', unitCode: 'VN', technician: null }],
  };
}

export async function startCoordinator(
  host: string,
  { dataDir, env = {} }: { dataDir?: string; env?: Record<string, string> } = {},
): Promise<Coordinator> {
  const temp = dataDir === undefined ? await tempDir() : null;
  const dir = dataDir ?? (temp as { dir: string }).dir;
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: host,
      DATA_DIR: dir,
      STORE_FSYNC: 'never',
      ADMIN_API_KEY: LINKED_ADMIN_KEY,
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );

  return {
    server,
    url: server.url,
    dataDir: dir,
    host,
    async api(method, path, body) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'x-api-key': LINKED_ADMIN_KEY, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async token(meetingId, role, pointId) {
      return (await server.tokens.issue({ meetingId, role, pointId: pointId ?? null, ttlSec: 900 })).token;
    },
    async close() {
      await server.close();
      await temp?.remove();
    },
  };
}

/** The nation's coordinator with meeting `tw` (in session) inviting provinces P1 and P2. */
export async function startNation(host = '127.0.0.2', env: Record<string, string> = {}): Promise<Coordinator> {
  const parent = await startCoordinator(host, { env });
  await parent.server.meetings.replaceDirectory(nationDirectory());
  const meeting = await parent.server.meetings.createMeeting({
    ...smallMeetingInput({ hubPointId: 'TW', invite: { units: ['P1', 'P2'] } }),
    title: 'Hội nghị trực tuyến toàn quốc',
    id: 'tw',
  });
  await meeting.execute({ type: 'meeting.open' }, CHAIR);
  await meeting.execute({ type: 'meeting.start' }, CHAIR);

  return parent;
}

/** A province's coordinator with its own meeting `id` (in session) over the small test province. */
export async function startProvince(host: string, id: string, env: Record<string, string> = {}): Promise<Coordinator> {
  const child = await startCoordinator(host, { env });
  await child.server.meetings.replaceDirectory(smallDirectory());
  const meeting = await child.server.meetings.createMeeting({ ...smallMeetingInput(), id });
  await meeting.execute({ type: 'meeting.open' }, CHAIR);
  await meeting.execute({ type: 'meeting.start' }, CHAIR);

  return child;
}

/** The parent's office issues a linked-hub invitation for a unit of meeting `tw`. */
export async function inviteUnit(parent: Coordinator, unitId: string, meetingId = 'tw'): Promise<string> {
  const { status, body } = await parent.api('POST', `/api/meetings/${meetingId}/linked-hubs`, { unitId });
  expect(status).toBe(201);

  return body.linkToken as string;
}

/** The child's office enters the invitation in its meeting. */
export function linkUp(child: Coordinator, meetingId: string, parent: Coordinator, linkToken: string) {
  return child.api('PUT', `/api/meetings/${meetingId}/uplink`, { parentUrl: parent.url, linkToken });
}

/** A commune's own dialogue with its villages (thôn) as meeting `xa` (in session), on its own coordinator. */
export async function startCommune(host: string, env: Record<string, string> = {}): Promise<Coordinator> {
  const c = await startCoordinator(host, { env });
  await c.server.meetings.replaceDirectory({
    units: [
      { code: 'XA', name: 'Xã Tân Sơn', level: 'commune', parentCode: null },
      { code: 'T1', name: 'Thôn Bản Chiềng', level: 'village', parentCode: 'XA' },
      { code: 'T2', name: 'Thôn Nà Phặc', level: 'village', parentCode: 'XA' },
    ],
    points: [
      { code: 'DC-XA', name: 'Hội trường Đảng ủy xã', level: 'commune', unitCode: 'XA', technician: null },
      { code: 'DC-T1', name: 'Nhà văn hóa thôn Bản Chiềng', level: 'village', unitCode: 'T1', technician: null },
      { code: 'DC-T2', name: 'Nhà văn hóa thôn Nà Phặc', level: 'village', unitCode: 'T2', technician: null },
    ],
  });
  const meeting = await c.server.meetings.createMeeting({
    ...smallMeetingInput({ hubPointId: 'DC-XA', invite: { units: ['XA'] } }),
    id: 'xa',
  });
  await meeting.execute({ type: 'meeting.open' }, CHAIR);
  await meeting.execute({ type: 'meeting.start' }, CHAIR);

  return c;
}

/**
 * What a linked-meetings test file starts, closed after each test (call `closeAll` in `afterEach`): coordinators in
 * reverse order of starting, and the point sockets opened.
 */
export function linkedHarness() {
  const cleanups: (() => Promise<void>)[] = [];
  const sockets: MeetingSocket[] = [];

  return {
    async tracked(started: Promise<Coordinator>): Promise<Coordinator> {
      const c = await started;
      cleanups.push(() => c.close());

      return c;
    },
    /** A point's socket on its own coordinator. */
    async pointOf(c: Coordinator, meetingId: string, pointId: string): Promise<MeetingSocket> {
      const { socket } = await connectMeeting(c.url, await c.token(meetingId, 'point', pointId), {
        reconnection: false,
      });
      sockets.push(socket);

      return socket;
    },
    async closeAll(): Promise<void> {
      sockets.splice(0).forEach((s) => s.close());
      for (const cleanup of cleanups.splice(0).reverse()) {
        await cleanup();
      }
    },
  };
}

/** The office of a coordinator's meeting uploads a document; resolves with its id once it is ready to show. */
export async function uploadDocument(c: Coordinator, meetingId: string, bytes: Buffer, name: string): Promise<string> {
  const response = await fetch(`${c.url}/api/meetings/${meetingId}/documents?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'x-api-key': LINKED_ADMIN_KEY, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  expect(response.status).toBe(201);
  const id = ((await response.json()) as { document: { documentId: string } }).document.documentId;
  const meeting = c.server.meetings.get(meetingId);
  await until(() => meeting.state.documents.find((d) => d.documentId === id)?.state === 'ready', 120_000, name);

  return id;
}

/**
 * Three levels linked: the nation's meeting `tw`, a province's `tinh` (127.0.0.3) linked as its unit P1, and a
 * commune's `xa` (127.0.0.4) linked into the province as its unit X1. `tracked` closes them after the test.
 */
export async function threeLevels(tracked: (started: Promise<Coordinator>) => Promise<Coordinator>) {
  const nation = await tracked(startNation());
  const province = await tracked(startProvince('127.0.0.3', 'tinh'));
  const xa = await tracked(startCommune('127.0.0.4'));
  expect((await linkUp(province, 'tinh', nation, await inviteUnit(nation, 'P1'))).status).toBe(200);
  expect((await linkUp(xa, 'xa', province, await inviteUnit(province, 'X1', 'tinh'))).status).toBe(200);

  return { nation, province, xa };
}
