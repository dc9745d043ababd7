import { DEVICE_GAPS } from '../domain/health/devices.js';
import { STREAM_STATUSES } from '../domain/stream/types.js';
import { z } from 'zod';
import {
  AGENDA_KINDS,
  ALERT_KINDS,
  FLOOR_END_REASONS,
  HEALTH_CLASSES,
  HEALTH_REASONS,
  MEETING_KINDS,
  RECORDING_STATUSES,
} from '../domain/core/model.js';
import { code, epochMs, floorKind, id, person, role } from './common.js';
import { contentView } from './content.js';
import { consumerView, downlinkView, slotLabel } from './media.js';

/** Server → client messages (views derived from the meeting state). Every one carries the meeting's `seq`. */

export const queueEntry = z.object({
  requestId: id,
  pointId: code,
  pointName: z.string(),
  kind: floorKind,
  topic: z.string().nullable(),
  department: z.string().nullable(),
  priority: z.number().int(),
  requestedAt: epochMs,
  /** The point asks to speak to the parent meeting (linked meetings): the chair forwards it up or declines. */
  toParent: z.boolean(),
});

export const floorView = z.object({
  seq: z.number().int(),
  holder: z
    .object({
      pointId: code,
      pointName: z.string(),
      requestId: id.nullable(),
      kind: floorKind.nullable(),
      topic: z.string().nullable(),
      grantedAt: epochMs,
      endsAt: epochMs,
      warned: z.boolean(),
      /** Devices the speaking point reported missing: the rooms are told, rather than wait for its picture. */
      deviceGap: z.enum(DEVICE_GAPS).nullable(),
    })
    .nullable(),
  queue: z.array(queueEntry),
  /**
   * Linked meetings: requests sent up to the parent meeting, not yet served there, and where each waits in the
   * parent's queue (1 = next; null until the parent says).
   */
  forwarded: z.array(z.object({ requestId: id, pointId: code, parentPosition: z.number().int().nullable() })),
  speakingLimitSec: z.number().int(),
  /** How the last turn ended, so its point can be told ("Hết thời gian phát biểu"). */
  lastTurn: z.object({ pointId: code, reason: z.enum(FLOOR_END_REASONS), endedAt: epochMs }).nullable(),
});

export const meetingStatusView = z.object({
  seq: z.number().int(),
  status: z.enum(['scheduled', 'open', 'in_session', 'ended']),
  agendaIndex: z.number().int(),
  openedAt: epochMs.nullable(),
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  /** Whether the program is being recorded (everyone is told), and why a recording stopped. */
  recording: z.object({ status: z.enum(RECORDING_STATUSES), since: epochMs, reason: z.string().nullable() }).nullable(),
  /** Whether the meeting is streamed live to the public (everyone is told), and why a stream stopped. */
  stream: z.object({ status: z.enum(STREAM_STATUSES), since: epochMs, reason: z.string().nullable() }).nullable(),
  /** The stream carries the still card of a closed part instead of the program. */
  streamCard: z.boolean(),
  /** Linked meetings: this meeting's link up to a parent meeting, and whose program its points see. */
  uplink: z
    .object({
      state: z.enum(['connecting', 'linked', 'lost']),
      parentTitle: z.string().nullable(),
      /** The parent's hub and its agenda item now, as the parent last said (null before it said them). */
      parentHubName: z.string().nullable(),
      parentAgendaItem: z.string().nullable(),
      since: epochMs,
      relaying: z.boolean(),
      /** Which meeting is on screen now: the parent's (relayed) or this one's. */
      onScreen: z.enum(['parent', 'local']),
      /** The parent's roll call as far as the hall's own answer goes (the chair answers for the hall). */
      hallRollCall: z.enum(['none', 'pending', 'confirmed']),
    })
    .nullable(),
  /** Linked meetings: the child meetings linked into this one, by unit. */
  links: z.array(
    z.object({
      unitId: code,
      unitName: z.string(),
      title: z.string(),
      state: z.enum(['linked', 'lost', 'unlinked']),
      since: epochMs,
      points: z.number().int(),
      connectedPoints: z.number().int(),
    }),
  ),
});

export const tallyCounts = z.object({
  present: z.number().int(),
  late: z.number().int(),
  absent: z.number().int(),
  noSignal: z.number().int(),
  pending: z.number().int(),
  /** People reported by the confirming points (số đại biểu). */
  headcount: z.number().int(),
});

export const rollCallView = z.object({
  seq: z.number().int(),
  rollCallId: id,
  unitId: code.nullable(),
  rerunOf: id.nullable(),
  /** Linked meetings: held on the parent meeting's behalf (its roll call, answered here). */
  fromParent: z.boolean(),
  startedAt: epochMs,
  deadlineAt: epochMs,
  closesAt: epochMs,
  closedAt: epochMs.nullable(),
  /** Staff only: counts and per-unit groups. */
  totals: tallyCounts.optional(),
  byUnit: z.array(z.object({ unitId: z.string(), name: z.string(), counts: tallyCounts })).optional(),
  /** Staff only, linked meetings: counts by child meeting linked in (its hall and every point below it). */
  byChild: z
    .array(
      z.object({
        unitId: z.string(),
        /** The child's unit ("Tỉnh Bắc Giang"), as people name it; `title` is its meeting's. */
        unitName: z.string(),
        title: z.string(),
        state: z.enum(['linked', 'lost', 'unlinked']),
        counts: tallyCounts,
        /** Its points asked and not heard from (missing because the link is down, while it is). */
        unanswered: z.number().int(),
      }),
    )
    .optional(),
  /**
   * Staff only: points' outcomes. Every point when the roll call starts, passes its deadline or closes (and in
   * snapshots and `rollcall:tally`); only the points that just confirmed otherwise (`partial: true`), so a
   * 1000-point roll call does not resend 1000 outcomes per confirmation.
   */
  outcomes: z.record(z.string(), z.enum(['present', 'late', 'absent', 'noSignal', 'pending'])).optional(),
  partial: z.boolean().optional(),
  /** Points only: whether this point is asked, and its confirmation. */
  asked: z.boolean().optional(),
  confirmation: z.object({ headcount: z.number().int(), presiding: person, late: z.boolean() }).nullable().optional(),
  /** Points only, once closed: whether this point was in the meeting while the roll call was open. */
  presentWhileOpen: z.boolean().optional(),
});

export const health = z.enum(HEALTH_CLASSES);

export const alertView = z.object({
  alertId: z.string(),
  kind: z.enum(ALERT_KINDS),
  pointId: code.nullable(),
  unitId: code.nullable(),
  raisedAt: epochMs,
  acknowledgedAt: epochMs.nullable(),
  clearedAt: epochMs.nullable(),
});

const latestRow = z.object({
  pointId: code,
  health,
  lastSampleAt: epochMs.nullable(),
  /** Why the link reads "chập chờn": a measure out of bounds, or still recovering after a fault. */
  why: z.array(z.enum(HEALTH_REASONS)).optional(),
  lossPct: z.number().nullable().optional(),
  rttMs: z.number().nullable().optional(),
  jitterMs: z.number().nullable().optional(),
  fpsIn: z.number().nullable().optional(),
  fpsOut: z.number().nullable().optional(),
  kbpsIn: z.number().nullable().optional(),
  kbpsOut: z.number().nullable().optional(),
  freezeCount: z.number().nullable().optional(),
  freezeMs: z.number().nullable().optional(),
  audioLevel: z.number().nullable().optional(),
  qualityLimitation: z.enum(['none', 'cpu', 'bandwidth', 'other']).nullable().optional(),
  /** The point's room is a hardware room system on SIP, with the codecs of its call. */
  device: z.object({ kind: z.literal('sip'), video: z.string().nullable(), audio: z.string().nullable() }).optional(),
  /** The bridge's own view of the point's transport. */
  bridge: z
    .object({
      kbpsIn: z.number(),
      kbpsOut: z.number(),
      state: z.string(),
      rttMs: z.number().nullable(),
      /** What the point's link lets through, and why (mediasoup). */
      downlink: downlinkView.optional(),
    })
    .optional(),
});

export const pointStatus = z.object({
  pointId: code,
  name: z.string(),
  unitId: code,
  level: z.string(),
  connected: z.boolean(),
  /** Connected at least once in this meeting: a point that never joined is not a lost one. */
  joined: z.boolean(),
  /** Linked meetings: the point's own meeting lost its link here, so its presence is unknown now. */
  linkLost: z.boolean(),
  health,
  silent: z.boolean(),
  readiness: z.object({ camera: z.boolean(), microphone: z.boolean(), network: z.boolean(), at: epochMs }).nullable(),
  /** The point's room is a hardware room system with a SIP address in the directory (it can be called). */
  sip: z.boolean().optional(),
});

export const micsView = z.object({
  chairsOpen: z.boolean(),
  openPoints: z.array(code),
  scan: z.object({ pointIds: z.array(code), intervalSec: z.number().int(), startedAt: epochMs }).nullable(),
});

/** The secretary's record as staff see it: the speaker log with summaries, the conclusion, the tasks. */
export const recordView = z.object({
  seq: z.number().int(),
  turns: z.array(
    z.object({
      turn: z.number().int(),
      pointId: code,
      pointName: z.string(),
      kind: floorKind.nullable(),
      topic: z.string().nullable(),
      department: z.string().nullable(),
      grantedAt: epochMs,
      endedAt: epochMs,
      durationSec: z.number().int(),
      answers: z.array(z.object({ answeredBy: z.string(), text: z.string(), at: epochMs })),
      summary: z.string().nullable(),
    }),
  ),
  conclusion: z.string().nullable(),
  tasks: z.array(
    z.object({
      taskId: id,
      text: z.string(),
      unitId: code.nullable(),
      department: z.string().nullable(),
      assignee: z.string(),
      deadline: z.string().nullable(),
      status: z.enum(['open', 'done']),
      assignedAt: epochMs,
      doneAt: epochMs.nullable(),
    }),
  ),
});

export const snapshot = z.object({
  seq: z.number().int(),
  serverTime: epochMs,
  you: z.object({ role, pointId: code.nullable(), pointName: z.string().nullable() }),
  meeting: z.object({
    id,
    title: z.string(),
    kind: z.enum(MEETING_KINDS),
    scheduledStart: epochMs,
    hubPointId: code,
    hubName: z.string(),
    chairs: z.array(z.object({ name: z.string(), title: z.string(), role: z.enum(['chair', 'cochair']) })),
    agenda: z.array(z.object({ id, kind: z.enum(AGENDA_KINDS), title: z.string(), by: z.string().nullable() })),
    invitedCount: z.number().int(),
  }),
  status: meetingStatusView,
  /** How often to send `telemetry:sample`, ms. */
  telemetryIntervalMs: z.number().int(),
  floor: floorView,
  rollCall: rollCallView.nullable(),
  /** Microphones open at the bridge and the auto-scan list (as `mics:changed`). */
  mics: micsView,
  /** Staff only: every invited point with presence and readiness; the unit tree; alerts raised so far. */
  points: z.array(pointStatus).optional(),
  units: z.array(z.object({ code, name: z.string(), level: z.string(), parentCode: code.nullable() })).optional(),
  alerts: z.array(alertView).optional(),
  /** Staff: the secretary's record (speaker log, summaries, conclusion, tasks). */
  record: recordView.optional(),
  /** What is on screen beside the speaker, and the meeting's documents (as `content:changed`). */
  content: contentView,
  /** Staff: the loudest open microphone now (mediasoup), if any. */
  activeSpeaker: z.object({ participantId: z.string(), pointId: code.nullable(), at: epochMs }).nullable().optional(),
});

export const MESSAGES = {
  'meeting:snapshot': { schema: snapshot, to: 'the connecting socket', doc: 'Full view on connect; deltas follow.' },
  'meeting:ready': {
    schema: z.object({}),
    to: 'the connecting socket',
    doc: 'Shortly after the snapshot (one marker for the sockets that joined in the same moment): from here a short drop is recovered (connection-state recovery replays what follows).',
  },
  'meeting:changed': { schema: meetingStatusView, to: 'everyone', doc: 'Status or agenda item changed.' },
  'floor:changed': { schema: floorView, to: 'everyone', doc: 'Queue, holder or limit changed.' },
  'floor:getReady': {
    schema: z.object({ seq: z.number().int(), requestId: id }),
    to: 'the next point in line',
    doc: 'Chuẩn bị phát biểu: this point is next.',
  },
  'floor:warning': {
    schema: z.object({ seq: z.number().int(), pointId: code, endsAt: epochMs }),
    to: 'everyone',
    doc: 'The speaker has reached limit − warning (default 30 s).',
  },
  'floor:denied': {
    schema: z.object({
      seq: z.number().int(),
      requestId: id,
      pointId: code,
      reason: z.string().nullable(),
      at: epochMs,
    }),
    to: 'staff and the point whose request it was',
    doc: 'The chair did not accept a request for the floor.',
  },
  'floor:answer': {
    schema: z.object({
      seq: z.number().int(),
      requestId: id,
      pointId: code,
      answeredBy: z.string(),
      text: z.string(),
      at: epochMs,
    }),
    to: 'staff and the petitioning point',
    doc: 'An answer was attached to a petition.',
  },
  'rollcall:changed': {
    schema: rollCallView,
    to: 'staff (full tally) and points in scope (own view)',
    doc: 'A roll call started, was confirmed, passed its deadline or closed.',
  },
  'presence:changed': {
    schema: z.object({
      seq: z.number().int(),
      points: z.array(z.object({ pointId: code, connected: z.boolean(), at: epochMs })),
    }),
    to: 'staff',
    doc: 'Points joined or dropped: one message per stored batch (a join storm is a few messages, not thousands).',
  },
  'readiness:changed': {
    schema: z.object({
      seq: z.number().int(),
      points: z.array(
        z.object({ pointId: code, camera: z.boolean(), microphone: z.boolean(), network: z.boolean(), at: epochMs }),
      ),
    }),
    to: 'staff',
    doc: 'Points reported their readiness check: one message per stored batch.',
  },
  'record:changed': {
    schema: recordView,
    to: 'staff',
    doc: 'A turn ended, an answer or a summary was added, the conclusion or a task changed.',
  },
  'content:changed': {
    schema: contentView,
    to: 'everyone',
    doc: 'A document was added, prepared or removed, or the content beside the speaker (slides, a screen) changed.',
  },
  'mics:changed': {
    schema: micsView.extend({ seq: z.number().int() }),
    to: 'everyone',
    doc: 'Microphones opened or closed at the bridge, or the auto-scan list changed.',
  },
  'media:slots': {
    schema: z.object({ slots: z.array(slotLabel) }),
    to: 'one participant',
    doc: 'What each receive slot (transceiver mid) now shows: the hub, the speaker, a thumbnail or an audio source.',
  },
  'media:consumers': {
    schema: z.object({ consumers: z.array(consumerView) }),
    to: 'one participant (mediasoup)',
    doc: 'Consumers to create on the receive transport (paused; `media:resume` each when ready).',
  },
  'media:downlink': {
    schema: downlinkView,
    to: 'one participant (mediasoup)',
    doc: "What the participant's link carries changed: a lower or higher layer, or no picture (the sound kept) until the link is tried again.",
  },
  'media:consumersClosed': {
    schema: z.object({ consumerIds: z.array(z.string()) }),
    to: 'one participant (mediasoup)',
    doc: 'Consumers the bridge closed (the routing no longer needs them).',
  },
  'media:activeSpeaker': {
    schema: z.object({ participantId: z.string(), pointId: code.nullable(), at: epochMs }),
    to: 'staff',
    doc: "The loudest open microphone changed (mediasoup's active-speaker observer): a point, or the hub (`null`).",
  },
  'media:reconnect': {
    schema: z.object({ reason: z.string() }),
    to: 'one participant, or everyone when the bridge failed',
    doc: 'Media was lost; join the bridge again (`media:join`).',
  },
  'media:replaced': {
    schema: z.object({ by: z.enum(['page', 'device']).optional() }),
    to: 'one participant',
    doc: "Another page of the same point took over its media (`media:join` with `takeOver`), or the point's room system called in (`by: 'device'`: the page then only controls it); this page's media left the bridge.",
  },
  'link:changed': {
    schema: z.object({ seq: z.number().int(), pointId: code, health, silent: z.boolean(), at: epochMs }),
    to: 'staff',
    doc: "A point's link health class changed (stable / unstable / disconnected) or it fell silent.",
  },
  'alert:changed': {
    schema: alertView.extend({ seq: z.number().int() }),
    to: 'staff',
    doc: 'An alert was raised, acknowledged or cleared.',
  },
  'telemetry:latest': {
    schema: z.object({ rows: z.array(latestRow) }),
    to: 'staff',
    doc: 'Batched latest samples of the points that reported since the last batch (about once a second).',
  },
} as const;

export type MessageName = keyof typeof MESSAGES;
export type Snapshot = z.infer<typeof snapshot>;
export type FloorView = z.infer<typeof floorView>;
export type RollCallView = z.infer<typeof rollCallView>;
export type MeetingStatusView = z.infer<typeof meetingStatusView>;
export type MicsView = z.infer<typeof micsView>;
export type AlertView = z.infer<typeof alertView>;
export type PointStatus = z.infer<typeof pointStatus>;
export type QueueEntry = z.infer<typeof queueEntry>;
export type LatestRow = z.infer<typeof latestRow>;
