import type { StreamDestinationSetting, StreamStatus } from '../stream/types.js';
import type { AuditAction, FloorEndReason, FloorKind, Health, MeetingDefinition, RecordingStatus } from './model.js';
import type { ChildReport } from '../linking/types.js';
import type { ParentScreen, ParentSlides } from '../linking/types.js';
import type { TaskStatus } from '../record/types.js';
import type { DocumentFacts } from '../content/types.js';

/**
 * Commands a meeting accepts. People send them over the socket (after validation); the server itself sends
 * `point.connect` / `point.disconnect` (socket facts) and `tick` (timers).
 */
export type Command =
  | { type: 'meeting.amend'; definition: MeetingDefinition }
  | { type: 'meeting.open' }
  | { type: 'meeting.start' }
  | { type: 'meeting.end' }
  | { type: 'agenda.advance'; index?: number | undefined }
  | { type: 'point.connect'; pointId: string }
  | { type: 'point.disconnect'; pointId: string; reason?: 'socket' | 'server_restart' }
  | { type: 'point.readiness'; pointId: string; camera: boolean; microphone: boolean; network: boolean }
  | {
      type: 'floor.request';
      pointId: string;
      kind: FloorKind;
      topic?: string | null | undefined;
      department?: string | null | undefined;
      toParent?: boolean | undefined;
    }
  | { type: 'floor.withdraw'; pointId: string; requestId?: string | undefined }
  | { type: 'floor.release'; pointId: string }
  | {
      type: 'floor.grant';
      requestId?: string | undefined;
      pointId?: string | undefined;
      limitSec?: number | undefined;
    }
  | { type: 'floor.deny'; requestId: string; reason?: string | null | undefined }
  | { type: 'floor.reorder'; requestId: string; position: number }
  | { type: 'floor.setPriority'; requestId: string; priority: number }
  | { type: 'floor.revoke' }
  | { type: 'floor.next'; limitSec?: number | undefined }
  | { type: 'floor.setLimit'; limitSec: number }
  | { type: 'floor.answer'; requestId: string; answeredBy: string; text: string }
  | { type: 'rollcall.start'; unitId?: string | null | undefined; deadlineSec?: number | undefined }
  | { type: 'rollcall.rerun'; rollCallId: string; deadlineSec?: number | undefined }
  | {
      type: 'rollcall.confirm';
      pointId: string;
      rollCallId?: string | undefined;
      headcount: number;
      presiding: { name: string; title: string };
    }
  | { type: 'rollcall.close'; rollCallId?: string | undefined }
  | { type: 'point.link'; pointId: string; health: Health; silent: boolean }
  | { type: 'alert.acknowledge'; alertId: string }
  | { type: 'alerts.evaluate' }
  | { type: 'audit.record'; action: AuditAction; detail: string }
  | { type: 'mic.muteAll'; exceptChairs: boolean }
  | { type: 'mic.set'; target: string; open: boolean }
  | { type: 'scan.set'; pointIds: string[]; intervalSec: number }
  | { type: 'record.summarize'; turn: number; text: string }
  | { type: 'record.conclude'; text: string }
  | {
      type: 'task.assign';
      text: string;
      unitId?: string | null | undefined;
      department?: string | null | undefined;
      deadline?: string | null | undefined;
    }
  | { type: 'task.setStatus'; taskId: string; status: TaskStatus }
  | { type: 'recording.report'; status: RecordingStatus; reason: string | null }
  // The live stream started, stopped or failed (the stream service reports it, as whoever started or stopped it).
  | { type: 'stream.report'; status: StreamStatus; reason: string | null }
  // How the office set the stream up (public or internal, started with the meeting, kept, pushed where).
  | {
      type: 'stream.configure';
      internal: boolean;
      startWithMeeting: boolean;
      keepRecording: boolean;
      destinations: StreamDestinationSetting[];
    }
  // A closed part of the meeting: the stream shows a still card instead of the program, or the program again.
  | { type: 'stream.card'; shown: boolean }
  | { type: 'tick' }
  // Linked meetings, parent side: what a child's link reports (the server executes them for the link).
  | { type: 'link.attach'; unitId: string; tokenId: string; report: ChildReport }
  | { type: 'link.lost'; unitId: string }
  | { type: 'link.detach'; unitId: string }
  | { type: 'link.presence'; unitId: string; pointId: string; connected: boolean }
  | {
      type: 'link.confirm';
      unitId: string;
      pointId: string;
      rollCallId: string;
      headcount: number;
      presiding: { name: string; title: string };
      /** When the point answered at its own meeting (a child that says it). */
      answeredAt?: number | undefined;
    }
  | {
      type: 'link.floorRequest';
      unitId: string;
      pointId: string;
      kind: FloorKind;
      topic: string | null;
      department: string | null;
    }
  | { type: 'link.floorWithdraw'; unitId: string; pointId: string }
  | { type: 'link.release'; unitId: string; pointId: string }
  // Linked meetings, child side.
  | { type: 'uplink.configure'; parentUrl: string; linkTokenId: string }
  | {
      type: 'uplink.state';
      state: 'connecting' | 'linked' | 'lost';
      parentMeetingId?: string | undefined;
      unitId?: string | undefined;
      parentTitle?: string | undefined;
      parentHubName?: string | undefined;
      /** `null`: the parent has no agenda item on now. */
      parentAgendaItem?: string | null | undefined;
    }
  | { type: 'uplink.remove' }
  | { type: 'uplink.relay'; relaying: boolean }
  | { type: 'uplink.slides'; slides: ParentSlides | null }
  | { type: 'uplink.screen'; screen: ParentScreen | null }
  | { type: 'floor.forward'; requestId: string }
  | { type: 'uplink.rollCall'; parentRollCallId: string; deadlineAt: number; closesAt: number }
  | { type: 'uplink.rollCallClosed'; parentRollCallId: string }
  | { type: 'uplink.turn'; pointId: string; limitSec: number }
  | { type: 'uplink.turnWarned'; pointId: string }
  | { type: 'uplink.turnEnded'; pointId: string; reason: FloorEndReason }
  | { type: 'uplink.denied'; pointId: string; reason: string | null }
  | { type: 'uplink.queue'; positions: Record<string, number> }
  | { type: 'hall.confirm'; headcount: number; presiding: { name: string; title: string } }
  // Documents (the office, over HTTP; the server reports their preparation) and content beside the speaker. A
  // presenting point names itself; the hub's consoles name no point.
  | { type: 'document.attach'; document: DocumentFacts }
  | { type: 'document.prepared'; documentId: string; pages: number }
  | { type: 'document.failed'; documentId: string; reason: string }
  | { type: 'document.remove'; documentId: string }
  | { type: 'slides.show'; documentId: string; page: number; pointId?: string | undefined }
  | { type: 'screen.start'; pointId?: string | undefined }
  | { type: 'content.stop'; pointId?: string | undefined }
  | { type: 'content.keep'; kept: boolean };

export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
