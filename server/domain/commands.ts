import type { AuditAction, FloorKind, Health, MeetingDefinition, RecordingStatus } from './model.js';
import type { TaskStatus } from './record.js';

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
  | { type: 'tick' };

export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
