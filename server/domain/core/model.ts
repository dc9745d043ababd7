import type { Content, MeetingDocument } from '../content/types.js';
import type { Person } from '../directory/accounts.js';
import type { Point, Unit } from '../directory/directory.js';
import type { LinkedChild, Uplink } from '../linking/types.js';
import type { MeetingRecord } from '../record/types.js';
import type { StreamSetup, StreamState } from '../stream/types.js';

export const MEETING_KINDS = ['briefing', 'working', 'dialogue'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const AGENDA_KINDS = ['opening', 'report', 'discussion', 'answers', 'conclusion', 'dialogue'] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];

export const FLOOR_KINDS = ['speech', 'petition', 'explanation'] as const;
export type FloorKind = (typeof FLOOR_KINDS)[number];

export const ROLES = ['chair', 'cochair', 'point', 'technician', 'observer', 'secretary'] as const;
export type Role = (typeof ROLES)[number];

export type MeetingStatus = 'scheduled' | 'open' | 'in_session' | 'ended';

export interface AgendaItem {
  id: string;
  kind: AgendaKind;
  title: string;
  /** Who leads the item, free text ("chair", "Sở Tài chính"). */
  by: string | null;
}

export interface ChairPerson {
  name: string;
  title: string;
  role: 'chair' | 'cochair';
}

/** Per-meeting rules. All durations in seconds. */
export interface MeetingSettings {
  /** Default speaking limit per turn. Default 300. */
  speakingLimitSec: number;
  /** Warn the speaker this long before the limit. Default 30. */
  speakingWarningSec: number;
  /** Default roll-call deadline. Default 60. */
  rollCallDeadlineSec: number;
  /** After the deadline, late confirmations are accepted this long before the roll call closes itself. Default 300. */
  rollCallLateWindowSec: number;
  /** A drop shorter than this is an outage inside an attendance interval, not a leave. Default 20. */
  attendanceGraceSec: number;
  /** Share of one unit's points unstable at once that raises a unit alert (likely an upstream link). Default 0.5. */
  alertUnitShare: number;
  /** Units with fewer points than this never raise a unit alert. Default 3. */
  alertUnitMinPoints: number;
}

export const DEFAULT_SETTINGS: MeetingSettings = {
  speakingLimitSec: 300,
  speakingWarningSec: 30,
  rollCallDeadlineSec: 60,
  rollCallLateWindowSec: 300,
  attendanceGraceSec: 20,
  alertUnitShare: 0.5,
  alertUnitMinPoints: 3,
};

/**
 * Everything fixed when a meeting is created, including a snapshot of the directory part it uses, so that replaying
 * its log never depends on later directory edits.
 */
export interface MeetingDefinition {
  id: string;
  title: string;
  kind: MeetingKind;
  /** Epoch ms. */
  scheduledStart: number;
  scheduledEnd: number | null;
  hubPointId: string;
  /** The invitation as given: whole unit subtrees and single points. */
  invitation: { units: string[]; points: string[] };
  /** Resolved invited points (hub excluded), in directory order. */
  invitedPointIds: string[];
  chairs: ChairPerson[];
  agenda: AgendaItem[];
  settings: MeetingSettings;
  /** Units on the path to every invited point, and the points themselves (hub included). */
  units: Unit[];
  points: Point[];
  /**
   * The number a hardware room dials (`sip:<number>@<coordinator>`), shown on the invitations; unique among this
   * coordinator's meetings. Meetings created before it existed get one derived from their id (sip/conferenceNumbers).
   */
  conferenceNumber?: string;
}

export interface Readiness {
  camera: boolean;
  microphone: boolean;
  network: boolean;
  at: number;
}

/** Link health class (đường truyền ổn định / chập chờn / mất kết nối). */
export const HEALTH_CLASSES = ['stable', 'unstable', 'disconnected'] as const;
export type Health = (typeof HEALTH_CLASSES)[number];
/** Why a link reads "chập chờn" (server/telemetry/classify.ts): a measure out of bounds, or still recovering. */
export const HEALTH_REASONS = ['loss', 'rtt', 'fps', 'recovering'] as const;
export type HealthReason = (typeof HEALTH_REASONS)[number];

export interface PointRuntime {
  connected: boolean;
  /** Link health from telemetry; `stable` until told otherwise. */
  health: Health;
  /** No telemetry for too long while the socket is up. */
  silent: boolean;
  /** Every health change, in order: `disconnected` spans are outages in attendance. */
  healthLog: { at: number; health: Health }[];
  /** Every connect/disconnect, in order: the raw material of attendance. */
  presence: { at: number; connected: boolean }[];
  readiness: Readiness | null;
}

/** `forwarded`: the chair sent the request up to the parent meeting, whose queue it now waits in. */
export type FloorRequestStatus = 'queued' | 'speaking' | 'done' | 'denied' | 'withdrawn' | 'expired' | 'forwarded';

export interface Answer {
  answeredBy: string;
  text: string;
  at: number;
}

export interface FloorRequest {
  requestId: string;
  pointId: string;
  kind: FloorKind;
  topic: string | null;
  /** Department the speech or petition is addressed to ("Sở Tài nguyên và Môi trường"). */
  department: string | null;
  /** Higher goes first. Default 0. */
  priority: number;
  requestedAt: number;
  status: FloorRequestStatus;
  answers: Answer[];
  /** The point asks to speak to the parent meeting (linked meetings); the chair forwards it or denies it. */
  toParent?: boolean;
}

export const FLOOR_END_REASONS = ['revoked', 'limit', 'released', 'next', 'meeting_ended'] as const;
export type FloorEndReason = (typeof FLOOR_END_REASONS)[number];

export interface FloorHolder {
  pointId: string;
  requestId: string | null;
  grantedAt: number;
  limitSec: number;
  warned: boolean;
  /** A turn the parent meeting granted: its timer, warning and end come from the parent. */
  fromParent?: boolean;
}

export interface FloorTurn {
  pointId: string;
  requestId: string | null;
  grantedAt: number;
  endedAt: number;
  reason: FloorEndReason;
}

export type RollCallOutcome = 'present' | 'late' | 'absent' | 'noSignal' | 'pending';
export type RollCallCloseReason = 'chair' | 'window' | 'meeting_ended';

export const RECORDING_STATUSES = ['recording', 'stopped', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** Whether the bridge records the program; `failed` (a full disk, a dead recorder) is an alert for technicians. */
export interface RecordingState {
  status: RecordingStatus;
  since: number;
  /** Why it stopped or failed, in words. */
  reason: string | null;
}

export interface RollCallConfirmation {
  headcount: number;
  presiding: { name: string; title: string };
  /** First confirmation time; a later correction keeps it. */
  confirmedAt: number;
  late: boolean;
}

export interface RollCall {
  rollCallId: string;
  /** Scope: a unit subtree, or `null` for every invited point. */
  unitId: string | null;
  rerunOf: string | null;
  pointIds: string[];
  startedAt: number;
  deadlineAt: number;
  closesAt: number;
  deadlinePassed: boolean;
  closedAt: number | null;
  closeReason: RollCallCloseReason | null;
  /** Held on behalf of the parent meeting's roll call of this id (linked meetings). */
  parentRollCallId?: string;
  confirmations: Record<string, RollCallConfirmation>;
  /** Frozen at close. */
  outcomes: Record<string, RollCallOutcome> | null;
}

/** Staff actions outside meeting commands that the audit trail records. */
export const AUDIT_ACTIONS = [
  'attendance_exported',
  'audit_exported',
  'token_issued',
  'tokens_issued',
  'token_revoked',
  'minutes_exported',
  'recording_downloaded',
  'link_issued',
  'link_refused',
  'sip_refused',
  'sip_call',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ALERT_KINDS = [
  'speaker_degraded',
  'next_degraded',
  'unit_unstable',
  'point_silent',
  'point_lost',
  'recording_stopped',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  /** Stable per condition: `speaker_degraded:DC-X1`, `unit_unstable:H03`, `point_silent:DC-X9`. */
  alertId: string;
  kind: AlertKind;
  pointId: string | null;
  unitId: string | null;
  raisedAt: number;
  acknowledgedAt: number | null;
  clearedAt: number | null;
}

export interface MeetingState {
  def: MeetingDefinition;
  /** Sequence number of the last applied event. */
  seq: number;
  status: MeetingStatus;
  openedAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Index into `def.agenda`; -1 before the session starts. */
  agendaIndex: number;
  speakingLimitSec: number;
  points: Record<string, PointRuntime>;
  requests: Record<string, FloorRequest>;
  /** Request ids waiting, in the order the chair will call them. */
  queue: string[];
  floor: FloorHolder | null;
  turns: FloorTurn[];
  rollCalls: RollCall[];
  /** Every alert of the meeting, raised, acknowledged or cleared, in raise order. */
  alerts: Alert[];
  /** Microphones opened at the bridge by the chair (the floor holder's is open anyway). */
  mics: { chairsOpen: boolean; openPoints: string[] };
  /** Auto-scan of sites in the program during reports, or `null`. */
  scan: { pointIds: string[]; intervalSec: number; startedAt: number } | null;
  /** The secretary's record: summaries of turns, the conclusion, assigned tasks. */
  record: MeetingRecord;
  /** The program recording's last reported state (`RECORDING=on`), or null when the meeting is not recorded. */
  recording: RecordingState | null;
  /** The live stream for the public (HLS), once it was ever started. */
  stream: StreamState | null;
  /** How the office set the live stream up. */
  streamSetup: StreamSetup;
  /** Child meetings linked into this one, by the unit each stands for. */
  links: Record<string, LinkedChild>;
  /** This meeting linked up into a parent meeting, or null. */
  uplink: Uplink | null;
  /** The documents the office attached, in the order attached. */
  documents: MeetingDocument[];
  /** What is shown beside the speaker (a shared screen or a document's page), or null. */
  content: Content | null;
}

/**
 * Who issued a command, recorded on every event (the audit trail). `system` is the server itself (presence,
 * timers); `admin` is the holder of the admin API key.
 */
export interface Actor {
  role: Role | 'system' | 'admin';
  /** The point a `point` role acts for. */
  pointId?: string;
  /** The join token's id (`jti`), naming the person's link without storing the token. */
  tokenId?: string;
  /** Network address the command came from. */
  address?: string;
  /** The signed-in person behind a staff link or an organizer's action (government records name a person). */
  person?: Person;
  /** How an admin action was authenticated: the automation API key, or a person's session. */
  via?: 'apiKey' | 'session' | 'link';
  /** For `via: 'link'`: the linked child (its unit) the command came from. */
  linkUnitId?: string;
}
