import { normaliseSipAddress } from '../domain/sip/sipAddress.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { Registrar } from './Registrar.js';

/**
 * Where a point's room is called: its address in the directory now (one set after the meeting was made counts),
 * else as the meeting was made with it; `null` when it has none.
 */
export function sipAddressOf(meetings: MeetingService, meetingId: string, pointId: string): string | null {
  const now = meetings.directory.points.find((p) => p.code === pointId)?.sipUri;
  const made = meetings.loaded(meetingId)?.state.def.points.find((p) => p.code === pointId)?.sipUri;

  return normaliseSipAddress(now ?? made ?? '');
}

/** Whether a point's room can be called: at an address, or where it registered. */
export function callable(
  meetings: MeetingService,
  registrar: Registrar | undefined,
  meetingId: string,
  pointId: string,
): boolean {
  return sipAddressOf(meetings, meetingId, pointId) !== null || registrar?.bindingOf(pointId) != null;
}

/** The point of the directory (not only of a meeting) whose room answers to a SIP address. */
export function directoryPointOf(meetings: MeetingService, address: string): string | null {
  const point = meetings.directory.points.find((p) => p.sipUri != null && normaliseSipAddress(p.sipUri) === address);

  return point?.code ?? null;
}
