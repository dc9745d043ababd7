import type { Directory, Point, Unit } from '../domain/directory/directory.js';
import type { MeetingInput } from '../domain/core/definition.js';
import { connectMeeting, request, type MeetingSocket } from '../protocol/client.js';
import type { BuiltProvince } from '../scenarios/buildProvince.js';
import { startCoordinators, type Coordinators } from './coordinators.js';
import { api } from './http.js';

/**
 * The simulator's linked meetings (`--linked`): one coordinator for the scenario's top level and one for each unit
 * of the second level (`children` takes the first N), each in its own process on its own loopback address, with its
 * own data. Each child runs its unit's meeting over its subtree and links it into the top meeting; its points join
 * their own child. A scripted chair at each child forwards requests meant for the top and answers the top's roll
 * call for its hall, as that province's chair would.
 */

export interface LinkedChild {
  unitId: string;
  url: string;
  meetingId: string;
  /** The child's points' join links, on the child. */
  links: { pointId: string; token: string; url: string }[];
}

export interface LinkedSetup {
  topUrl: string;
  meetingId: string;
  chairToken: string;
  children: LinkedChild[];
  close(): Promise<void>;
}

export async function startLinked({
  built,
  input,
  adminKey,
  children: limit,
  log,
}: {
  built: BuiltProvince;
  /** The scenario's meeting as it would be on one coordinator; the top and each child are made from it. */
  input: MeetingInput;
  adminKey: string;
  children?: number | undefined;
  log: (line: string) => void;
}): Promise<LinkedSetup> {
  const { directory, hubUnitCode } = built;
  const secondLevel = directory.units.filter((u) => u.parentCode === hubUnitCode).slice(0, limit);
  const started: Coordinators[] = [];
  const chairs: MeetingSocket[] = [];
  const close = async () => {
    chairs.forEach((s) => s.close());
    // Children first, so that the top does not see them lost while it closes.
    for (const c of [...started].reverse()) {
      await c.close();
    }
  };
  try {
    const start = async (i: number) => {
      const c = await startCoordinators({ nodes: 1, adminKey, env: { HOST: `127.0.0.${2 + i}` } });
      started.push(c);

      return c.urls[0] as string;
    };
    log(`starting ${1 + secondLevel.length} coordinators: the top and ${secondLevel.length} linked children`);
    const topUrl = await start(0);
    const childUrls = await Promise.all(secondLevel.map((_u, i) => start(i + 1)));

    const top = topDirectory(directory, hubUnitCode, built.hubPointId, secondLevel);
    await api(topUrl, adminKey, 'POST', '/api/directory', top);
    const meetingId = input.id ?? 'sim-linked';
    await api(topUrl, adminKey, 'POST', '/api/meetings', {
      ...input,
      id: meetingId,
      invite: { units: secondLevel.map((u) => u.code) },
    });
    const chairToken = (
      await api<{ token: string }>(topUrl, adminKey, 'POST', `/api/meetings/${meetingId}/tokens`, {
        role: 'chair',
      })
    ).token;

    const linked = await Promise.all(
      secondLevel.map(async (unit, i): Promise<LinkedChild> => {
        const url = childUrls[i] as string;
        const sub = subtreeDirectory(directory, unit);
        const hall = sub.points.find((p) => p.unitCode === unit.code) ?? (sub.points[0] as Point);
        await api(url, adminKey, 'POST', '/api/directory', sub);
        const childId = `${meetingId}-${unit.code}`.slice(0, 64);
        await api(url, adminKey, 'POST', '/api/meetings', {
          ...input,
          id: childId,
          title: `${input.title} — ${unit.name}`.slice(0, 300),
          hubPointId: hall.code,
          invite: { units: [unit.code] },
        });
        const chair = (
          await api<{ token: string }>(url, adminKey, 'POST', `/api/meetings/${childId}/tokens`, {
            role: 'chair',
          })
        ).token;
        chairs.push(await childChair(url, chair));
        const { linkToken } = await api<{ linkToken: string }>(
          topUrl,
          adminKey,
          'POST',
          `/api/meetings/${meetingId}/linked-hubs`,
          { unitId: unit.code },
        );
        await api(url, adminKey, 'PUT', `/api/meetings/${childId}/uplink`, { parentUrl: topUrl, linkToken });
        const { points } = await api<{ points: { pointId: string; token: string }[] }>(
          url,
          adminKey,
          'POST',
          `/api/meetings/${childId}/tokens/points`,
        );

        return { unitId: unit.code, url, meetingId: childId, links: points.map((p) => ({ ...p, url })) };
      }),
    );

    return { topUrl, meetingId, chairToken, children: linked, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The top level's own directory: its unit, the second-level units (each links its own meeting in) and the hub. */
function topDirectory(directory: Directory, hubUnit: string, hubPointId: string, children: Unit[]): Directory {
  return {
    units: directory.units.filter((u) => u.code === hubUnit || children.some((c) => c.code === u.code)),
    points: directory.points.filter((p) => p.code === hubPointId),
  };
}

/** A second-level unit's own directory: its subtree, the unit itself at the root. */
function subtreeDirectory(directory: Directory, root: Unit): Directory {
  const inside = new Set([root.code]);
  for (let grew = true; grew;) {
    grew = false;
    for (const unit of directory.units) {
      if (unit.parentCode !== null && inside.has(unit.parentCode) && !inside.has(unit.code)) {
        inside.add(unit.code);
        grew = true;
      }
    }
  }

  return {
    units: directory.units
      .filter((u) => inside.has(u.code))
      .map((u) => (u.code === root.code ? { ...u, parentCode: null } : u)),
    points: directory.points.filter((p) => inside.has(p.unitCode)),
  };
}

/**
 * A child's chair as the simulation needs it: opens and starts the child's meeting, forwards every request meant for
 * the top, and answers the top's roll call for the hall.
 */
async function childChair(url: string, token: string): Promise<MeetingSocket> {
  const { socket, snapshot } = await connectMeeting(url, token);
  if (snapshot.status.status === 'scheduled') {
    await request(socket, 'meeting:open', {});
  }
  await request(socket, 'meeting:start', {});
  const forwarded = new Set<string>();
  socket.on('floor:changed', (floor) => {
    for (const entry of floor.queue) {
      if (entry.toParent && !forwarded.has(entry.requestId)) {
        forwarded.add(entry.requestId);
        void request(socket, 'floor:forward', { requestId: entry.requestId });
      }
    }
  });
  let answered = false;
  socket.on('meeting:changed', (status) => {
    if (status.uplink?.hallRollCall === 'pending' && !answered) {
      answered = true;
      void request(socket, 'rollcall:confirmHall', {
        headcount: 30,
        presiding: { name: 'Chủ trì hội trường', title: 'Bí thư' },
      }).finally(() => {
        answered = false;
      });
    }
  });

  return socket;
}
