import { DirectoryIndex, type Directory, type Point, type Unit } from '../directory/directory.js';
import { DomainError } from './errors.js';
import type { EventBody } from './events.js';
import {
  DEFAULT_SETTINGS,
  type AgendaItem,
  type ChairPerson,
  type MeetingDefinition,
  type MeetingKind,
  type MeetingSettings,
  type MeetingState,
} from './model.js';

/** What an organiser gives to create a meeting (validated at the HTTP boundary). */
export interface MeetingInput {
  /** Optional stable id (letters, digits, dashes); generated when absent. */
  id?: string | undefined;
  title: string;
  kind: MeetingKind;
  scheduledStart: number;
  scheduledEnd?: number | null | undefined;
  hubPointId: string;
  invite: { units?: string[] | undefined; points?: string[] | undefined };
  chairs: ChairPerson[];
  agenda: (Omit<AgendaItem, 'id' | 'by'> & { by?: string | null | undefined })[];
  settings?: Partial<MeetingSettings> | undefined;
}

/**
 * Resolves an invitation against the directory and freezes the part of it the meeting uses.
 * Throws `POINT_NOT_FOUND` / `UNIT_NOT_FOUND` / `EMPTY_SCOPE` with the offending codes.
 */
export function defineMeeting(
  directory: Directory,
  input: MeetingInput,
  id: string,
  conferenceNumber?: string,
): MeetingDefinition {
  const index = new DirectoryIndex(directory);
  if (input.scheduledEnd != null && input.scheduledEnd <= input.scheduledStart) {
    throw DomainError.validation('Giờ kết thúc phải sau giờ bắt đầu (the end must be after the start)', [
      { path: 'scheduledEnd', message: 'Giờ kết thúc phải sau giờ bắt đầu' },
    ]);
  }
  if (!index.points.has(input.hubPointId)) {
    throw new DomainError('POINT_NOT_FOUND', `Không có điểm cầu trung tâm ${input.hubPointId} (unknown hub point)`);
  }
  const unitCodes = input.invite.units ?? [];
  const pointCodes = input.invite.points ?? [];
  const missingUnits = unitCodes.filter((code) => !index.units.has(code));
  if (missingUnits.length > 0) {
    throw new DomainError('UNIT_NOT_FOUND', `Không có đơn vị: ${missingUnits.join(', ')} (unknown units)`);
  }
  const missingPoints = pointCodes.filter((code) => !index.points.has(code));
  if (missingPoints.length > 0) {
    throw new DomainError('POINT_NOT_FOUND', `Không có điểm cầu: ${missingPoints.join(', ')} (unknown points)`);
  }
  const invited = new Set([...unitCodes.flatMap((code) => index.subtreePoints(code)), ...pointCodes]);
  invited.delete(input.hubPointId);
  // Directory order, so tallies and exports read like the province's own lists.
  const invitedPointIds = directory.points.map((p) => p.code).filter((code) => invited.has(code));
  // A unit invited without points of its own here is a lower level that links its own meeting in (linked meetings).
  if (invitedPointIds.length === 0 && unitCodes.length === 0) {
    throw new DomainError('EMPTY_SCOPE', 'Chưa mời điểm cầu nào (no points invited)');
  }
  const points: Point[] = [input.hubPointId, ...invitedPointIds].map((code) => index.points.get(code) as Point);
  const unitSet = new Set<string>();
  for (const unitCode of [...points.map((p) => p.unitCode), ...unitCodes]) {
    for (const unit of index.unitPath(unitCode)) {
      unitSet.add(unit.code);
    }
  }
  // Below an invited unit, the units with no points here are lower levels whose rooms are on their own systems (the
  // centre's provinces): they are the meeting's units too, invited by linking their own meetings in.
  for (const unitCode of unitCodes) {
    for (const below of index.subtreeUnits(unitCode)) {
      if (index.subtreePoints(below).length === 0) {
        unitSet.add(below);
      }
    }
  }
  const units: Unit[] = directory.units.filter((u) => unitSet.has(u.code));

  return {
    id,
    title: input.title,
    kind: input.kind,
    scheduledStart: input.scheduledStart,
    scheduledEnd: input.scheduledEnd ?? null,
    hubPointId: input.hubPointId,
    invitation: { units: unitCodes, points: pointCodes },
    invitedPointIds,
    chairs: input.chairs,
    agenda: input.agenda.map((item, i) => ({
      id: `a${i + 1}`,
      kind: item.kind,
      title: item.title,
      by: item.by ?? null,
    })),
    settings: { ...DEFAULT_SETTINGS, ...input.settings },
    units,
    points,
    ...(conferenceNumber === undefined ? {} : { conferenceNumber }),
  };
}

/**
 * The office changes a meeting it prepared (time, hub, invitation, chairs, agenda, settings) until the session starts.
 * Once rooms are testing their link (the meeting is open), a connected point stays invited.
 */
export function amendMeeting(state: MeetingState, definition: MeetingDefinition): EventBody[] {
  if (state.status !== 'scheduled' && state.status !== 'open') {
    throw new DomainError(
      'INVALID_TRANSITION',
      'Phiên họp đã bắt đầu hoặc đã kết thúc: không sửa được hội nghị nữa (the session has started; the meeting can no longer be changed)',
    );
  }
  if (definition.id !== state.def.id) {
    throw DomainError.validation('Mã hội nghị không được đổi (the meeting id cannot change)', [
      { path: 'id', message: 'Mã hội nghị không được đổi' },
    ]);
  }
  const keeps = new Set([definition.hubPointId, ...definition.invitedPointIds]);
  const dropped = Object.keys(state.points).filter((id) => state.points[id]?.connected === true && !keeps.has(id));
  if (dropped.length > 0) {
    throw DomainError.validation(
      `Điểm cầu đang kết nối không bỏ khỏi danh sách mời được: ${dropped.join(', ')} (connected points must stay invited)`,
      [{ path: 'invite', message: `Đang kết nối: ${dropped.join(', ')}` }],
    );
  }

  return [{ type: 'MeetingAmended', definition }];
}
