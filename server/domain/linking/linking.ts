import type { CommandOf } from '../core/commands.js';
import type { ChildReport, LinkedChild, Uplink } from './types.js';
import type { Point } from '../directory/directory.js';
import { DomainError } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import { requireLive, requireNotEnded } from '../core/guards.js';
import type { MeetingDefinition, MeetingState } from '../core/model.js';

/**
 * Linked meetings (kết nối liên thông): a child meeting on another coordinator joins this one as one of its units.
 * The pure rules: how a child's points are named and placed in the parent's tree, who is on each level's program, and
 * how the roll call rolls up. The link itself (a socket between coordinators, media pipes) lives in server/linking.
 *
 * A child's point is known in the parent as `<unitId>.<its id in the child>`; a grandchild's point, already named so
 * in the child, gets one more prefix. The same rules therefore hold at any depth.
 */

/** Meeting ids this meeting and its linked descendants are: what its report up names as its lineage. */
export function lineageOf(state: MeetingState): string[] {
  return [state.def.id, ...Object.values(state.links).flatMap((link) => link.lineage)];
}

/** The report a child sends up: its hub, units, invited points (linked grandchildren's included) and who is in. */
export function reportOf(state: MeetingState): ChildReport {
  const hub = state.def.points.find((p) => p.code === state.def.hubPointId) as Point;
  const invited = new Set(state.def.invitedPointIds);

  return {
    meetingId: state.def.id,
    title: state.def.title,
    hub,
    units: state.def.units,
    points: state.def.points.filter((p) => invited.has(p.code)),
    connected: [state.def.hubPointId, ...state.def.invitedPointIds].filter((id) => state.points[id]?.connected),
    lineage: lineageOf(state),
  };
}

/** This meeting's parent, as far as it knows (one level up: the parent checks further up itself). */
function ancestry(state: MeetingState): string[] {
  return state.uplink?.parentMeetingId == null ? [] : [state.uplink.parentMeetingId];
}

export const REMOTE_ID_SEPARATOR = '.';

/** The most points all children of a meeting may bring together (a nation's 3,400 communes, with room to spare). */
export const MAX_LINKED_POINTS = 20_000;

/** Two folded values the same (both built in one order by the same code, or read back from the log). */
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function remoteId(unitId: string, childId: string): string {
  return `${unitId}${REMOTE_ID_SEPARATOR}${childId}`;
}

/** The child's report in the parent's names: its roots become the invited unit, the rest are prefixed. */
export function placeChild(
  def: MeetingDefinition,
  unitId: string,
  report: ChildReport,
): Pick<LinkedChild, 'hallPointId' | 'units' | 'points' | 'localIds'> {
  const parentUnit = def.units.find((u) => u.code === unitId);
  if (parentUnit === undefined) {
    throw new DomainError('UNIT_NOT_FOUND', `Không có đơn vị ${unitId} trong hội nghị (unit not in this meeting)`);
  }
  const roots = new Set(report.units.filter((u) => u.parentCode === null).map((u) => u.code));
  const unitCode = (code: string) => (roots.has(code) ? unitId : remoteId(unitId, code));
  const units = report.units
    .filter((u) => !roots.has(u.code))
    .map((u) => ({
      ...u,
      code: unitCode(u.code),
      parentCode: u.parentCode === null ? unitId : unitCode(u.parentCode),
    }));
  const localIds: Record<string, string> = {};
  const place = (p: Point): Point => {
    const id = remoteId(unitId, p.code);
    localIds[id] = p.code;

    return { ...p, code: id, unitCode: unitCode(p.unitCode) };
  };
  const hall = place(report.hub);
  const points = [hall, ...report.points.map(place)];

  return { hallPointId: hall.code, units, points, localIds };
}

/** The definition with every linked child's units and points merged in (after `MeetingAmended` as on linking). */
export function withLinkedChildren(def: MeetingDefinition, links: Record<string, LinkedChild>): MeetingDefinition {
  let out = def;
  for (const link of Object.values(links)) {
    const knownUnits = new Set(out.units.map((u) => u.code));
    const knownPoints = new Set(out.points.map((p) => p.code));
    const invited = new Set(out.invitedPointIds);
    out = {
      ...out,
      units: [...out.units, ...link.units.filter((u) => !knownUnits.has(u.code))],
      points: [...out.points, ...link.points.filter((p) => !knownPoints.has(p.code))],
      invitedPointIds: [...out.invitedPointIds, ...link.points.map((p) => p.code).filter((id) => !invited.has(id))],
    };
  }

  return out;
}

/** The linked child a parent-side id belongs to, if any. */
export function childOf(state: MeetingState, pointId: string): LinkedChild | undefined {
  return Object.values(state.links).find((link) => link.localIds[pointId] !== undefined);
}

/**
 * The points this meeting cannot see now: those of children whose link is lost. Their presence is unknown (not
 * absent), and answers from them are missing because the link is down.
 */
export function unreachablePoints(state: MeetingState): Set<string> {
  const out = new Set<string>();
  for (const link of Object.values(state.links)) {
    if (link.state === 'lost') {
      link.points.forEach((point) => out.add(point.code));
    }
  }

  return out;
}

/** The link of `unitId`, which must be up. */
function liveLink(state: MeetingState, unitId: string): LinkedChild {
  const link = state.links[unitId];
  if (link === undefined || link.state !== 'linked') {
    throw new DomainError('NOT_LINKED', `Đơn vị ${unitId} chưa kết nối vào hội nghị (unit not linked)`);
  }

  return link;
}

/** A point a child names must be one it reported; answers for others are refused (and audited by the caller). */
export function childPoint(state: MeetingState, unitId: string, localId: string): string {
  const link = liveLink(state, unitId);
  const id = remoteId(unitId, localId);
  if (link.localIds[id] === undefined) {
    throw new DomainError(
      'POINT_NOT_FOUND',
      `Hội nghị cấp dưới không có điểm cầu ${localId} (the child meeting has no such point)`,
    );
  }

  return id;
}

// ---------------------------------------------------------------- parent side

export function attachChild(state: MeetingState, cmd: CommandOf<'link.attach'>): EventBody[] {
  requireNotEnded(state);
  if (!state.def.invitation.units.includes(cmd.unitId) && !state.def.units.some((u) => u.code === cmd.unitId)) {
    throw new DomainError('UNIT_NOT_FOUND', `Đơn vị ${cmd.unitId} không thuộc hội nghị (unit not in this meeting)`);
  }
  const { report } = cmd;
  if (
    report.lineage.includes(state.def.id) ||
    report.meetingId === state.def.id ||
    ancestry(state).includes(report.meetingId)
  ) {
    throw new DomainError(
      'LINK_LOOP',
      'Không thể kết nối một hội nghị vào chính nó hoặc vào hội nghị cấp dưới của nó (a meeting cannot link into itself)',
    );
  }
  const existing = state.links[cmd.unitId];
  if (existing !== undefined && existing.state !== 'unlinked' && existing.childMeetingId !== report.meetingId) {
    throw new DomainError(
      'LINK_IN_USE',
      `Đơn vị ${cmd.unitId} đã được hội nghị khác kết nối (the invitation is in use by another meeting)`,
    );
  }
  if (existing !== undefined && existing.tokenId !== cmd.tokenId && existing.state !== 'unlinked') {
    throw new DomainError('LINK_IN_USE', 'Lời mời kết nối khác đang được dùng cho đơn vị này (another invitation)');
  }
  const placed = placeChild(state.def, cmd.unitId, report);
  // A new child's points may not take ids the meeting already has (its own, or another child's).
  const mine = new Set(Object.keys(existing?.localIds ?? {}));
  const taken = new Set(state.def.points.map((p) => p.code));
  const clash = placed.points.find((p) => !mine.has(p.code) && taken.has(p.code));
  if (clash !== undefined) {
    throw DomainError.validation(`Mã điểm cầu ${clash.code} trùng trong hội nghị (point id clashes)`);
  }
  const others = Object.values(state.links)
    .filter((link) => link.unitId !== cmd.unitId && link.state !== 'unlinked')
    .reduce((sum, link) => sum + link.points.length, 0);
  if (others + placed.points.length > MAX_LINKED_POINTS) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `Tổng số điểm cầu của các hội nghị cấp dưới vượt quá ${MAX_LINKED_POINTS} (too many linked points)`,
    );
  }
  const unchanged =
    existing !== undefined &&
    existing.state !== 'unlinked' &&
    existing.tokenId === cmd.tokenId &&
    existing.title === report.title &&
    sameJson(existing.lineage, report.lineage) &&
    existing.hallPointId === placed.hallPointId &&
    sameJson(existing.units, placed.units) &&
    sameJson(
      existing.points.filter((p) => placed.localIds[p.code] !== undefined),
      placed.points,
    ) &&
    Object.entries(placed.localIds).every(([id, local]) => existing.localIds[id] === local);
  // A child says hello on every reconnection: the same report again changes nothing of the meeting's definition, so
  // it is not written again (a province restarting under a hundred communes must not rewrite the nation's log).
  const events: EventBody[] = unchanged
    ? existing.state === 'linked'
      ? []
      : [{ type: 'ChildLinkResumed', unitId: cmd.unitId }]
    : [
        {
          type: 'ChildLinked',
          unitId: cmd.unitId,
          tokenId: cmd.tokenId,
          childMeetingId: report.meetingId,
          title: report.title,
          lineage: report.lineage,
          ...placed,
        },
      ];
  // Presence as the child has it now (on a resume, what changed while the link was down).
  const connected = new Set(report.connected.map((id) => remoteId(cmd.unitId, id)));
  if (state.status !== 'scheduled') {
    for (const point of placed.points) {
      const was = state.points[point.code]?.connected ?? false;
      const is = connected.has(point.code);
      if (is && !was) {
        events.push({ type: 'PointConnected', pointId: point.code });
      } else if (!is && was) {
        events.push({ type: 'PointDisconnected', pointId: point.code, reason: 'socket' });
      }
    }
  }

  return events;
}

export function childLinkLost(state: MeetingState, unitId: string): EventBody[] {
  const link = state.links[unitId];

  return link === undefined || link.state !== 'linked' ? [] : [{ type: 'ChildLinkLost', unitId }];
}

export function detachChild(state: MeetingState, unitId: string): EventBody[] {
  const link = state.links[unitId];
  if (link === undefined || link.state === 'unlinked') {
    return [];
  }
  // Its points leave the meeting's presence; their record stays.
  const events: EventBody[] = link.points
    .filter((p) => state.points[p.code]?.connected === true)
    .map((p) => ({ type: 'PointDisconnected', pointId: p.code, reason: 'socket' }) as const);

  return [...events, { type: 'ChildUnlinked', unitId }];
}

// ---------------------------------------------------------------- child side

export function configureUplink(state: MeetingState, cmd: CommandOf<'uplink.configure'>): EventBody[] {
  requireNotEnded(state);
  if (state.uplink !== null) {
    throw new DomainError(
      'LINK_IN_USE',
      'Hội nghị đã kết nối lên một hội nghị cấp trên; hãy ngắt kết nối trước (already linked up)',
    );
  }

  return [{ type: 'UplinkConfigured', parentUrl: cmd.parentUrl, linkTokenId: cmd.linkTokenId }];
}

export function uplinkState(state: MeetingState, cmd: CommandOf<'uplink.state'>): EventBody[] {
  const uplink = state.uplink;
  if (uplink === null) {
    return [];
  }
  // What the parent said, or (where it said nothing of it) what is known already.
  const next = {
    parentMeetingId: cmd.parentMeetingId ?? uplink.parentMeetingId,
    unitId: cmd.unitId ?? uplink.unitId,
    parentTitle: cmd.parentTitle ?? uplink.parentTitle,
    parentHubName: cmd.parentHubName ?? uplink.parentHubName ?? null,
    parentAgendaItem: cmd.parentAgendaItem === undefined ? (uplink.parentAgendaItem ?? null) : cmd.parentAgendaItem,
  };
  const same =
    uplink.state === cmd.state &&
    next.parentMeetingId === uplink.parentMeetingId &&
    next.unitId === uplink.unitId &&
    next.parentTitle === uplink.parentTitle &&
    next.parentHubName === (uplink.parentHubName ?? null) &&
    next.parentAgendaItem === (uplink.parentAgendaItem ?? null);
  if (same) {
    return [];
  }

  return [{ type: 'UplinkStateChanged', state: cmd.state, ...next }];
}

export function requireUplink(state: MeetingState): Uplink {
  if (state.uplink === null) {
    throw new DomainError('NOT_LINKED', 'Hội nghị chưa kết nối lên hội nghị cấp trên (not linked up)');
  }

  return state.uplink;
}

/** The parent started a roll call: the child asks its own points (and its hall) on the parent's behalf. */
export function parentRollCall(state: MeetingState, cmd: CommandOf<'uplink.rollCall'>, now: number): EventBody[] {
  requireLive(state);
  const uplink = requireUplink(state);
  if (Object.values(uplink.rollCalls).includes(cmd.parentRollCallId)) {
    return [];
  }
  const events: EventBody[] = [];
  const active = state.rollCalls.at(-1);
  if (active !== undefined && active.closedAt === null) {
    // The upper level's roll call takes precedence over a local one.
    events.push({ type: 'RollCallClosed', rollCallId: active.rollCallId, reason: 'chair' });
  }
  const deadlineAt = Math.max(now + 1000, cmd.deadlineAt);
  events.push({
    type: 'RollCallStarted',
    rollCallId: `rc${state.rollCalls.length + 1}`,
    unitId: null,
    rerunOf: null,
    pointIds: [state.def.hubPointId, ...state.def.invitedPointIds],
    deadlineAt,
    closesAt: Math.max(deadlineAt, cmd.closesAt),
    parentRollCallId: cmd.parentRollCallId,
  });

  return events;
}
