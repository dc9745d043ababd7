import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMeeting, request, type MeetingSocket } from '../../server/protocol/client.js';
import { smallDirectory, smallMeetingInput } from '../helpers/domain.js';
import { inviteUnit, LINKED_ADMIN_KEY, startNation, type Coordinator } from '../helpers/linked.js';
import { freePort, until } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';

const presiding = { name: 'Đinh Thị Thu', title: 'Chủ tịch UBND xã' };

/** A province's coordinator as its own process (its own data dir and address); `kill -9` is a real crash. */
function startProvinceProcess(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      HOST: '127.0.0.3',
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_API_KEY: LINKED_ADMIN_KEY,
      MEDIA_BRIDGE: 'werift',
      MEDIA_LISTEN_IP: '127.0.0.3',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
}

describe('linked meetings: kill -9 a child coordinator mid roll call', () => {
  let nation: Coordinator;
  let child: ChildProcess;
  let url: string;
  let port: number;
  let dataDir: string;
  let removeDir: () => Promise<void>;
  const sockets: MeetingSocket[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-api-key': LINKED_ADMIN_KEY, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const healthy = async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true;
  const token = async (role: string, pointId?: string) =>
    (await api('POST', '/api/meetings/tinh/tokens', { role, ...(pointId === undefined ? {} : { pointId }) })).body
      .token as string;

  beforeAll(async () => {
    nation = await startNation();
    ({ dir: dataDir, remove: removeDir } = await tempDir());
    port = await freePort();
    url = `http://127.0.0.3:${port}`;
    child = startProvinceProcess(dataDir, port);
    await until(healthy, 30_000, 'the province coordinator');
    expect((await api('POST', '/api/directory', smallDirectory())).status).toBeLessThan(300);
    expect((await api('POST', '/api/meetings', { ...smallMeetingInput(), id: 'tinh' })).status).toBe(201);
    const { socket } = await connectMeeting(url, await token('chair'), { reconnection: false });
    await request(socket, 'meeting:open', {});
    await request(socket, 'meeting:start', {});
    socket.close();
    const linkToken = await inviteUnit(nation, 'P1');
    const linked = await api('PUT', '/api/meetings/tinh/uplink', { parentUrl: nation.url, linkToken });
    expect(linked.status).toBe(200);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    child?.kill('SIGKILL');
    await nation?.close();
    await removeDir?.();
  });

  it('the nation shows the province lost, not its communes absent; restarted, it resumes and no answer is counted twice', async () => {
    const tw = nation.server.meetings.get('tw');
    const { socket: x2 } = await connectMeeting(url, await token('point', 'DC-X2'), { reconnection: false });
    sockets.push(x2);
    await until(() => tw.state.points['P1.DC-X2']?.connected === true, 10_000, 'the commune present at the nation');
    await tw.execute({ type: 'rollcall.start', deadlineSec: 300 }, { role: 'chair' });
    await until(
      async () => {
        const snapshot = await request(x2, 'meeting:snapshot', {});

        return snapshot.ok && snapshot.snapshot.rollCall?.closedAt === null;
      },
      10_000,
      "the nation's roll call down at the commune",
    );
    expect(await request(x2, 'rollcall:confirm', { headcount: 9, presiding })).toMatchObject({ ok: true });
    await until(() => tw.state.rollCalls[0]?.confirmations['P1.DC-X2'] !== undefined, 10_000, 'the answer up');

    child.kill('SIGKILL');
    await until(() => tw.state.links.P1?.state === 'lost', 15_000, 'the province lost at the nation');
    // Its communes are not marked absent for it: their presence stays as last reported.
    expect(tw.state.points['P1.DC-X2']?.connected).toBe(true);

    child = startProvinceProcess(dataDir, port);
    await until(healthy, 30_000, 'the province coordinator again');
    await until(() => tw.state.links.P1?.state === 'linked', 20_000, 'the link resumed');
    // The crash took the commune's socket: reconciled on the resumed hello.
    await until(() => tw.state.points['P1.DC-X2']?.connected === false, 10_000, 'presence reconciled');
    const answers = (await nation.server.meetings.log('tw')).filter(
      (e) => e.type === 'RollCallConfirmed' && e.pointId === 'P1.DC-X2',
    );
    expect(answers).toHaveLength(1);
    expect((await api('GET', '/api/meetings/tinh/uplink')).body).toMatchObject({ state: 'linked', lastError: null });
  });
});
