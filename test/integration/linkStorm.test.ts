import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { LINK_NAMESPACE, LINK_PATH } from '../../server/protocol/link.js';
import { smallMeetingInput } from '../helpers/domain.js';
import {
  inviteUnit,
  linkedHarness,
  linkUp,
  startCoordinator,
  startNation,
  type Coordinator,
} from '../helpers/linked.js';
import { freePort, until, wait } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';

const harness = linkedHarness();
const { tracked } = harness;
const communes: Socket[] = [];
const removals: (() => Promise<void>)[] = [];
afterEach(async () => {
  communes.splice(0).forEach((s) => s.close());
  await harness.closeAll();
  await Promise.all(removals.splice(0).map((remove) => remove()));
});

const COMMUNES = 100;
const codes = Array.from({ length: COMMUNES }, (_, i) => `C${String(i + 1).padStart(3, '0')}`);
const CHAIR = { role: 'chair' } as const;

/** A province whose meeting invites a hundred communes, each to link its own meeting in. */
async function startProvinceOf100(dataDir: string, port: number): Promise<Coordinator> {
  const province = await startCoordinator('127.0.0.3', { dataDir, env: { PORT: String(port) } });
  if (!province.server.meetings.has('tinh')) {
    await province.server.meetings.replaceDirectory({
      units: [
        { code: 'P', name: 'Tỉnh Bắc Giang', level: 'province', parentCode: null },
        ...codes.map((code) => ({ code, name: `Xã ${code}`, level: 'commune', parentCode: 'P' })),
      ],
      points: [
        { code: 'DC-P', name: 'Hội trường Tỉnh ủy', level: 'province', unitCode: 'P', technician: null },
        ...codes.map((code) => ({
          code: `DC-${code}`,
          name: `Điểm cầu xã ${code}`,
          level: 'commune',
          unitCode: code,
          technician: null,
        })),
      ],
    });
    const meeting = await province.server.meetings.createMeeting({
      ...smallMeetingInput({ hubPointId: 'DC-P', invite: { units: ['P'] } }),
      id: 'tinh',
    });
    await meeting.execute({ type: 'meeting.open' }, CHAIR);
    await meeting.execute({ type: 'meeting.start' }, CHAIR);
  }

  return province;
}

/** A commune's coordinator as the province sees it: a link client that says hello with its report on every connection. */
function commune(url: string, code: string, token: string): Socket {
  const socket = connect(`${url}${LINK_NAMESPACE}`, {
    path: LINK_PATH,
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 2000,
    auth: { token },
  });
  const report = {
    meetingId: `xa-${code}`,
    title: `Hội nghị xã ${code}`,
    hub: { code: 'DC-XA', name: `Hội trường xã ${code}`, level: 'commune', unitCode: 'XA', technician: null },
    units: [{ code: 'XA', name: `Xã ${code}`, level: 'commune', parentCode: null }],
    points: [],
    connected: ['DC-XA'],
    lineage: [`xa-${code}`],
  };
  socket.on('connect', () => {
    socket
      .timeout(10_000)
      .emitWithAck('link:hello', { report })
      .catch(() => undefined);
  });
  // A parent closing the link (a restart) is not retried by socket.io itself: the child's Uplink tries again.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') {
      setTimeout(() => socket.connect(), 200 + Math.random() * 800);
    }
  });
  communes.push(socket);

  return socket;
}

describe('a province restarting under a hundred linked communes', () => {
  it("writes a handful of events into the nation's log, not a definition per commune", async () => {
    const nation = await tracked(startNation());
    const temp = await tempDir();
    removals.push(temp.remove);
    const port = await freePort();
    const first = await startProvinceOf100(temp.dir, port);
    expect((await linkUp(first, 'tinh', nation, await inviteUnit(nation, 'P1'))).status).toBe(200);
    for (const code of codes) {
      commune(first.url, code, await inviteUnit(first, code, 'tinh'));
    }
    const tw = nation.server.meetings.get('tw');
    const halls = () => tw.state.def.invitedPointIds.filter((id) => id.endsWith('.DC-XA'));
    await until(() => halls().length === COMMUNES, 60_000, "every commune's hall at the nation");
    await until(
      () => halls().every((id) => tw.state.points[id]?.connected === true),
      30_000,
      "every commune's hall present at the nation",
    );
    // Settled: the province's last hello upward has been answered.
    await wait(2500);
    const before = (await nation.server.meetings.log('tw')).length;

    await first.close();
    await until(() => tw.state.links.P1?.state === 'lost', 30_000, 'the province lost at the nation');
    const again = await tracked(startProvinceOf100(temp.dir, port));
    const tinh = again.server.meetings.get('tinh');
    await until(
      () => codes.every((code) => tinh.state.links[code]?.state === 'linked'),
      60_000,
      'every commune linked again to the province',
    );
    await until(() => tw.state.links.P1?.state === 'linked', 30_000, 'the province linked again at the nation');
    // Longer than the upward hello's debounce: anything a commune's hello caused upward has been written by now.
    await wait(2500);

    const written = (await nation.server.meetings.log('tw')).slice(before);
    expect(written.map((e) => e.type)).toEqual(['ChildLinkLost', 'ChildLinkResumed']);
    expect(halls().filter((id) => tw.state.points[id]?.connected === true)).toHaveLength(COMMUNES);
  }, 180_000);
});
