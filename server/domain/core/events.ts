import type { StreamDestinationSetting, StreamStatus } from '../stream/types.js';
import type {
  Actor,
  AlertKind,
  AuditAction,
  Health,
  FloorEndReason,
  FloorKind,
  MeetingDefinition,
  RecordingStatus,
  RollCallCloseReason,
} from './model.js';
import type { Point, Unit } from '../directory/directory.js';
import type { TaskStatus } from '../record/types.js';
import type { ParentScreen, ParentSlides } from '../linking/types.js';
import type { ContentStopReason, DocumentFacts } from '../content/types.js';

/** The bodies of every meeting event. The log stores them inside an {@link EventEnvelope}. */
export type EventBody =
  | { type: 'MeetingCreated'; definition: MeetingDefinition }
  | { type: 'MeetingAmended'; definition: MeetingDefinition }
  | { type: 'MeetingOpened' }
  | { type: 'SessionStarted' }
  | { type: 'MeetingEnded' }
  | { type: 'AgendaAdvanced'; index: number }
  | { type: 'PointConnected'; pointId: string }
  | { type: 'PointDisconnected'; pointId: string; reason: 'socket' | 'server_restart' }
  | { type: 'PointReadinessReported'; pointId: string; camera: boolean; microphone: boolean; network: boolean }
  | {
      type: 'FloorRequested';
      requestId: string;
      pointId: string;
      kind: FloorKind;
      topic: string | null;
      department: string | null;
      priority: number;
      toParent?: boolean;
    }
  | { type: 'FloorWithdrawn'; requestId: string }
  | { type: 'FloorDenied'; requestId: string; reason: string | null }
  | { type: 'FloorReordered'; requestId: string; position: number }
  | { type: 'FloorPriorityChanged'; requestId: string; priority: number; position: number }
  | { type: 'FloorGranted'; pointId: string; requestId: string | null; limitSec: number; fromParent?: boolean }
  | { type: 'FloorForwarded'; requestId: string }
  | { type: 'SpeakingWarned'; pointId: string }
  | { type: 'FloorEnded'; pointId: string; reason: FloorEndReason }
  | { type: 'SpeakingLimitChanged'; limitSec: number }
  | { type: 'AnswerAttached'; requestId: string; answeredBy: string; text: string }
  | {
      type: 'RollCallStarted';
      rollCallId: string;
      unitId: string | null;
      rerunOf: string | null;
      pointIds: string[];
      deadlineAt: number;
      closesAt: number;
      parentRollCallId?: string;
    }
  | { type: 'RollCallDeadlinePassed'; rollCallId: string }
  | {
      type: 'RollCallConfirmed';
      rollCallId: string;
      pointId: string;
      headcount: number;
      presiding: { name: string; title: string };
      /** A linked child's answer: when it was given there (its lateness is judged by it, not by its arrival). */
      answeredAt?: number;
    }
  | { type: 'RollCallClosed'; rollCallId: string; reason: RollCallCloseReason }
  | { type: 'PointLinkChanged'; pointId: string; health: Health; silent: boolean }
  | { type: 'AlertRaised'; alertId: string; kind: AlertKind; pointId: string | null; unitId: string | null }
  | { type: 'AlertAcknowledged'; alertId: string }
  | { type: 'AlertCleared'; alertId: string }
  | { type: 'AuditRecorded'; action: AuditAction; detail: string }
  | { type: 'MicsMuted'; exceptChairs: boolean }
  | { type: 'MicChanged'; target: string; open: boolean }
  | { type: 'ScanChanged'; pointIds: string[]; intervalSec: number }
  | { type: 'TurnSummarized'; turn: number; text: string }
  | { type: 'ConclusionRecorded'; text: string }
  | { type: 'RecordingChanged'; status: RecordingStatus; reason: string | null }
  | { type: 'StreamChanged'; status: StreamStatus; reason: string | null }
  | {
      type: 'StreamConfigured';
      internal: boolean;
      startWithMeeting: boolean;
      keepRecording: boolean;
      destinations: StreamDestinationSetting[];
    }
  | { type: 'StreamCardChanged'; shown: boolean }
  | {
      type: 'TaskAssigned';
      taskId: string;
      text: string;
      unitId: string | null;
      department: string | null;
      deadline: string | null;
    }
  | { type: 'TaskStatusChanged'; taskId: string; status: TaskStatus }
  | {
      type: 'ChildLinked';
      unitId: string;
      tokenId: string;
      childMeetingId: string;
      title: string;
      hallPointId: string;
      units: Unit[];
      points: Point[];
      localIds: Record<string, string>;
      lineage: string[];
    }
  | { type: 'ChildLinkLost'; unitId: string }
  /** A child said hello again with the report it had: the link is up, nothing of the meeting's definition changed. */
  | { type: 'ChildLinkResumed'; unitId: string }
  | { type: 'ChildUnlinked'; unitId: string }
  | {
      type: 'UplinkConfigured';
      parentUrl: string;
      /** Which invitation (a fingerprint); absent from logs written before credentials were kept apart. */
      linkTokenId?: string;
      /** The invitation itself: only in those older logs. */
      linkToken?: string;
    }
  | {
      type: 'UplinkStateChanged';
      state: 'connecting' | 'linked' | 'lost';
      parentMeetingId: string | null;
      unitId: string | null;
      parentTitle: string | null;
      /** Absent in logs written before the parent said them. */
      parentHubName?: string | null;
      parentAgendaItem?: string | null;
    }
  | { type: 'UplinkRemoved' }
  /** Where this meeting's points forwarded up wait in the parent's queue (1 = next), as the parent said. */
  | { type: 'ParentQueueChanged'; positions: Record<string, number> }
  | { type: 'RelayChanged'; relaying: boolean }
  | { type: 'ParentSlidesChanged'; slides: ParentSlides | null }
  | { type: 'ParentScreenChanged'; screen: ParentScreen | null }
  | ({ type: 'DocumentAttached' } & DocumentFacts)
  | { type: 'DocumentPrepared'; documentId: string; pages: number }
  | { type: 'DocumentFailed'; documentId: string; reason: string }
  | { type: 'DocumentRemoved'; documentId: string }
  | {
      type: 'ContentShown';
      kind: 'slides' | 'screen';
      presenter: string;
      documentId: string | null;
      page: number | null;
    }
  | { type: 'ContentStopped'; reason: ContentStopReason }
  | { type: 'ContentKept'; kept: boolean };

/** Events that change a link between meetings (either side). */
export const LINK_EVENTS: ReadonlySet<string> = new Set([
  'ChildLinked',
  'ChildLinkResumed',
  'ChildLinkLost',
  'ChildUnlinked',
  'UplinkConfigured',
  'UplinkStateChanged',
  'UplinkRemoved',
  'RelayChanged',
]);

/** Events that change the secretary's record (summaries, conclusion, tasks). */
export const RECORD_EVENTS: ReadonlySet<string> = new Set([
  'TurnSummarized',
  'ConclusionRecorded',
  'TaskAssigned',
  'TaskStatusChanged',
]);

export type EventType = EventBody['type'];

/** Events that change the speaker queue or who holds the floor. */
export const QUEUE_EVENTS: readonly EventType[] = [
  'FloorRequested',
  'FloorWithdrawn',
  'FloorDenied',
  'FloorReordered',
  'FloorPriorityChanged',
  'FloorGranted',
  'FloorEnded',
  'FloorForwarded',
  'ParentQueueChanged',
];

/** What the log stores: the body plus its place in the log, its server time and who caused it. */
export type EventEnvelope<B extends EventBody = EventBody> = B & {
  /** 1-based, gapless per meeting. */
  seq: number;
  /** Server time, epoch ms. */
  at: number;
  by: Actor;
};

export type MeetingEvent = EventEnvelope;

/** Stamps bodies decided at `now` with sequence numbers following `lastSeq`. */
export function stamp(bodies: EventBody[], lastSeq: number, at: number, by: Actor): MeetingEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: lastSeq + i + 1, at, by }));
}
