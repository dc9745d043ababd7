import { z } from 'zod';
import { MAX_SPEAKING_LIMIT_SEC, MIN_SPEAKING_LIMIT_SEC } from '../domain/floor/floor.js';
import { MAX_ROLL_CALL_DEADLINE_SEC, MIN_ROLL_CALL_DEADLINE_SEC } from '../domain/rollCall/rollCall.js';
import { CONCLUSION_MAX, DEPARTMENT_MAX, SUMMARY_MAX, TASK_TEXT_MAX } from '../domain/record/types.js';
import { code, epochMs, floorKind, id, person, text } from './common.js';

const metric = (max: number) => z.number().min(0).max(max).nullable().optional();

/** One link-quality sample from a client's `RTCPeerConnection.getStats()`, compact and bounded. */
export const linkSample = z.strictObject({
  lossPct: metric(100),
  rttMs: metric(60_000),
  jitterMs: metric(60_000),
  fpsIn: metric(240),
  fpsOut: metric(240),
  kbpsIn: metric(1_000_000),
  kbpsOut: metric(1_000_000),
  freezeCount: metric(1_000_000),
  freezeMs: metric(86_400_000),
  audioLevel: metric(1),
  qualityLimitation: z.enum(['none', 'cpu', 'bandwidth', 'other']).nullable().optional(),
});

/** A mediasoup structure (RTP capabilities or parameters, DTLS parameters): mediasoup validates it; we bound it. */
const mediasoupObject = z
  .looseObject({})
  .refine((value) => JSON.stringify(value).length <= 50_000, 'too large')
  .transform((value) => value as Record<string, unknown>);

const limitSec = z.number().int().min(MIN_SPEAKING_LIMIT_SEC).max(MAX_SPEAKING_LIMIT_SEC);
const deadlineSec = z.number().int().min(MIN_ROLL_CALL_DEADLINE_SEC).max(MAX_ROLL_CALL_DEADLINE_SEC);
const empty = z.strictObject({});

/**
 * Client → server requests: one schema per event, with who may send it and what it does.
 * Every request is acked `{ ok: true, ... }` or `{ ok: false, error: { code, message } }`.
 * Points never name themselves: the server takes their pointId from the join token.
 */
export const REQUESTS = {
  'meeting:open': {
    schema: empty,
    who: 'chair, cochair',
    doc: 'Open the meeting: points may join (scheduled → open).',
  },
  'meeting:start': {
    schema: empty,
    who: 'chair, cochair',
    doc: 'Start the session at the first agenda item (open → in session).',
  },
  'meeting:end': {
    schema: empty,
    who: 'chair, cochair',
    doc: 'End the meeting; ends the floor turn and any open roll call.',
  },
  'meeting:snapshot': {
    schema: empty,
    who: 'anyone connected',
    doc: 'Ask for a fresh snapshot (after a gap in `seq`).',
    ack: '`{ snapshot }` (as the `meeting:snapshot` message)',
  },
  'agenda:advance': {
    schema: z.strictObject({ index: z.number().int().min(0).max(200).optional() }),
    who: 'chair, cochair',
    doc: 'Move to the next agenda item, or to `index` (0-based).',
  },
  'point:readiness': {
    schema: z.strictObject({ camera: z.boolean(), microphone: z.boolean(), network: z.boolean() }),
    who: 'point',
    doc: "Report the point's readiness check (camera, microphone, network).",
  },
  'floor:request': {
    schema: z.strictObject({
      kind: floorKind,
      topic: text(300).optional(),
      department: text(160).optional(),
      toParent: z.boolean().optional(),
    }),
    who: 'point',
    doc: 'Request the floor (xin phát biểu). Ack carries `requestId` and 1-based `position`. `toParent`: to speak to the parent meeting this one is linked into; the chair forwards it (`floor:forward`) or declines it.',
    ack: '`{ requestId, position }`',
  },
  'floor:withdraw': {
    schema: z.strictObject({ requestId: id.optional() }),
    who: 'point',
    doc: "Withdraw the point's own queued request.",
  },
  'floor:release': { schema: empty, who: 'point', doc: 'The speaker finishes its turn.' },
  'floor:grant': {
    schema: z.strictObject({ requestId: id.optional(), pointId: code.optional(), limitSec: limitSec.optional() }),
    who: 'chair, cochair',
    doc: 'Grant the floor to a queued request, or call on a point directly. `FLOOR_BUSY` while someone speaks.',
  },
  'floor:forward': {
    schema: z.strictObject({ requestId: id }),
    who: 'chair, cochair',
    doc: "Linked meetings: send a point's request up to the parent meeting's queue (`NOT_LINKED` while the link is down).",
  },
  'uplink:relay': {
    schema: z.strictObject({ relaying: z.boolean() }),
    who: 'chair, cochair',
    doc: "Linked meetings: the points see the parent meeting's program (tiếp sóng, `true`) or this meeting's own.",
  },
  'rollcall:confirmHall': {
    schema: z.strictObject({ headcount: z.number().int().min(0).max(10_000), presiding: person }),
    who: 'chair, cochair',
    doc: "Linked meetings: the hall's own answer to the parent meeting's roll call.",
  },
  'floor:deny': {
    schema: z.strictObject({ requestId: id, reason: text(300).optional() }),
    who: 'chair, cochair',
    doc: 'Deny a queued request.',
  },
  'floor:reorder': {
    schema: z.strictObject({ requestId: id, position: z.number().int().min(1).max(10_000) }),
    who: 'chair, cochair',
    doc: 'Move a queued request to a 1-based position.',
  },
  'floor:priority': {
    schema: z.strictObject({ requestId: id, priority: z.number().int().min(0).max(9) }),
    who: 'chair, cochair',
    doc: 'Set a request priority (0-9, higher first); it moves after requests of equal or higher priority asked earlier.',
  },
  'floor:revoke': { schema: empty, who: 'chair, cochair', doc: 'End the current turn (dừng phát biểu).' },
  'floor:next': {
    schema: z.strictObject({ limitSec: limitSec.optional() }),
    who: 'chair, cochair',
    doc: 'End the current turn, if any, and grant the head of the queue.',
  },
  'floor:limit': {
    schema: z.strictObject({ limitSec }),
    who: 'chair, cochair',
    doc: "Set the meeting's default speaking limit for later turns.",
  },
  'floor:answer': {
    schema: z.strictObject({ requestId: id, answeredBy: text(160), text: text(4000) }),
    who: 'chair, cochair',
    doc: 'Attach an answer (by the hub or a department) to a petition.',
  },
  'rollcall:start': {
    schema: z.strictObject({ unitId: code.optional(), deadlineSec: deadlineSec.optional() }),
    who: 'chair, cochair',
    doc: 'Start a roll call over all invited points or one unit subtree (deadline default 60 s).',
    ack: '`{ rollCallId }`',
  },
  'rollcall:rerun': {
    schema: z.strictObject({ rollCallId: id, deadlineSec: deadlineSec.optional() }),
    who: 'chair, cochair',
    doc: 'Roll-call again only the points absent or without signal in a closed roll call.',
    ack: '`{ rollCallId }`',
  },
  'rollcall:confirm': {
    schema: z.strictObject({
      rollCallId: id.optional(),
      headcount: z.number().int().min(0).max(10_000),
      presiding: person,
    }),
    who: 'point',
    doc: 'Confirm presence with headcount and presiding official; confirming again corrects them.',
  },
  'rollcall:close': {
    schema: z.strictObject({ rollCallId: id.optional() }),
    who: 'chair, cochair',
    doc: 'Close the open roll call now (outcomes are frozen).',
  },
  'telemetry:sample': {
    schema: linkSample,
    who: 'point',
    doc: 'A link-quality sample, every `telemetryIntervalMs` (snapshot). Rate-limited per socket (`RATE_LIMITED`).',
    ack: "`{ health }`: the point's link class as the technicians see it",
  },
  'telemetry:history': {
    schema: z.strictObject({ pointId: code, sinceMs: epochMs.optional() }),
    who: 'chair, cochair, technician, observer',
    doc: "A point's samples of the last 30 minutes (or since `sinceMs`), as columns for plotting.",
    ack: '`{ history: { at: [], lossPct: [], rttMs: [], jitterMs: [], fpsIn: [], fpsOut: [], kbpsIn: [], kbpsOut: [], freezeCount: [], freezeMs: [], audioLevel: [] } }`',
  },
  'telemetry:latest': {
    schema: empty,
    who: 'chair, cochair, technician, observer',
    doc: 'The latest sample and health of every point seen (the technician table).',
    ack: '`{ rows }` (as the `telemetry:latest` message)',
  },
  'alert:ack': {
    schema: z.strictObject({ alertId: z.string().min(1).max(200) }),
    who: 'technician, chair, cochair',
    doc: 'Acknowledge an alert (it stays open until its condition clears).',
  },
  'mic:muteAll': {
    schema: z.strictObject({ exceptChairs: z.boolean() }),
    who: 'chair, cochair',
    doc: "Close every point's microphone at the bridge (tắt tiếng tất cả); `exceptChairs: false` closes the chairs' too. The floor holder's stays open.",
  },
  'mic:set': {
    schema: z.strictObject({ target: z.union([code, z.literal('chairs')]), open: z.boolean() }),
    who: 'chair, cochair',
    doc: "Open or close one point's microphone at the bridge (or the chairs'), whoever holds the floor.",
  },
  'scan:set': {
    schema: z.strictObject({ pointIds: z.array(code).max(500), intervalSec: z.number().int().min(3).max(600) }),
    who: 'chair, cochair',
    doc: 'Auto-scan: during reports, without a speaker, the program shows these sites in turn; an empty list stops it.',
  },
  'record:summary': {
    schema: z.strictObject({ turn: z.number().int().min(0).max(100_000), text: z.string().max(SUMMARY_MAX) }),
    who: 'secretary, chair, cochair',
    doc: 'The secretary’s short summary of one turn at the floor (its index in the speaker log); an empty text removes it.',
  },
  'slides:show': {
    schema: z.strictObject({ documentId: id, page: z.number().int().min(1).max(10_000) }),
    who: 'chair, cochair, point',
    doc: "Show a page of a prepared document beside the speaker (a page turn is the same request). Every console draws the page from the document's images. A point only while it holds the floor (`CONTENT_NOT_FLOOR`); `CONTENT_BUSY` while another point presents; a chair takes over.",
  },
  'screen:start': {
    schema: empty,
    who: 'chair, cochair, point',
    doc: 'Announce a shared screen as the content beside the speaker (the stream itself goes through the media bridge). A point only while it holds the floor.',
  },
  'content:stop': {
    schema: empty,
    who: 'chair, cochair, point',
    doc: 'Stop the slides or screen on show (Dừng trình chiếu): a chair any, a point its own.',
  },
  'content:keep': {
    schema: z.strictObject({ kept: z.boolean() }),
    who: 'chair, cochair',
    doc: "Keep a point's content on show after its turn ends (otherwise it stops with the turn).",
  },
  'record:conclusion': {
    schema: z.strictObject({ text: z.string().max(CONCLUSION_MAX) }),
    who: 'secretary, chair, cochair',
    doc: 'The chair’s conclusion as the secretary records it; an empty text removes it.',
  },
  'task:assign': {
    schema: z.strictObject({
      text: z.string().max(TASK_TEXT_MAX),
      unitId: code.nullable().optional(),
      department: z.string().max(DEPARTMENT_MAX).nullable().optional(),
      deadline: z.string().max(10).nullable().optional(),
    }),
    who: 'secretary, chair, cochair',
    doc: 'A task assigned at the meeting: what, to a unit of the meeting and/or a department, by when (yyyy-mm-dd).',
  },
  'task:status': {
    schema: z.strictObject({ taskId: id, status: z.enum(['open', 'done']) }),
    who: 'secretary, chair, cochair, admin',
    doc: 'Mark a task done, or open again.',
  },
  'media:join': {
    schema: z.strictObject({ takeOver: z.boolean().optional() }),
    who: 'anyone connected',
    doc: "Join the media bridge. Embedded bridge: the ack carries an SDP offer with fixed slots (own microphone and camera in; program, audio and thumbnails out) and their labels. A point's room sends media from one page at a time: while another page of the same point is on the bridge this fails with `POINT_OPEN_ELSEWHERE`, unless `takeOver`, which moves the room's media here (the other page gets `media:replaced`). While the point's room system is in a SIP call it fails with `POINT_ON_DEVICE`, takeOver or not: the page then only controls the room.",
    ack: "`{ join: { bridge: 'werift', offer, slots } | { bridge: 'mediasoup', routerRtpCapabilities }, ice: { iceServers, expiresAt } }`: `iceServers` for RTCPeerConnection (TURN with credentials valid until `expiresAt`, never beyond the socket's link; empty without TURN_URLS)",
  },
  'media:answer': {
    schema: z.strictObject({ sdp: z.string().min(10).max(100_000) }),
    who: 'anyone connected',
    doc: "The browser's SDP answer to the bridge's offer.",
  },
  'media:restart': {
    schema: empty,
    who: 'anyone connected',
    doc: 'A new offer restarting ICE after a network change; answer it with `media:answer`.',
    ack: '`{ restart: { offer } | { transports: [{ id, iceParameters }] }, ice }` (embedded, mediasoup), with fresh relay credentials in `ice`',
  },
  'media:capabilities': {
    schema: z.strictObject({ rtpCapabilities: mediasoupObject }),
    who: 'anyone connected',
    doc: "mediasoup: the Device's RTP capabilities, before consuming.",
  },
  'media:transport': {
    schema: z.strictObject({ direction: z.enum(['send', 'recv']) }),
    who: 'anyone connected',
    doc: 'mediasoup: create the send or the receive WebRTC transport.',
    ack: '`{ transport: { id, iceParameters, iceCandidates, dtlsParameters } }`',
  },
  'media:connect': {
    schema: z.strictObject({ transportId: id, dtlsParameters: mediasoupObject }),
    who: 'anyone connected',
    doc: 'mediasoup: connect a transport (DTLS).',
  },
  'media:produce': {
    schema: z.strictObject({
      transportId: id,
      kind: z.enum(['audio', 'video']),
      rtpParameters: mediasoupObject,
      screen: z.boolean().optional(),
    }),
    who: 'anyone connected',
    doc: 'mediasoup: produce the camera (simulcast), the microphone, or (`screen: true`) a shared screen on the send transport.',
    ack: '`{ producerId }`',
  },
  'media:resume': {
    schema: z.strictObject({ consumerId: id }),
    who: 'anyone connected',
    doc: 'mediasoup: resume a consumer once the browser is ready for it (consumers start paused).',
  },
  'media:page': {
    schema: z.strictObject({
      page: z.number().int().min(0).max(1000),
      pointIds: z.array(code).max(48).optional(),
    }),
    who: 'chair, cochair, technician, observer',
    doc: "Which point thumbnails this console receives: page `page` of the points on the bridge, or exactly `pointIds` (a console's own filtered page, in order; at most a page, those not on the bridge left out).",
  },
  'media:leave': { schema: empty, who: 'anyone connected', doc: 'Leave the media bridge (the socket stays).' },
  'media:screen': {
    schema: z.strictObject({ sharing: z.boolean() }),
    who: 'anyone connected',
    doc: "This console sends (or stopped sending) a shared screen: on the embedded bridge on its join's `screenMid`, on mediasoup as a `screen` producer. It reaches the others only while the meeting shows this console's presenter's screen (`screen:start`).",
  },
  'auth:refresh': {
    schema: empty,
    who: 'anyone connected',
    doc: 'A fresh short-lived token with the same claims, for reconnecting during a long meeting.',
    ack: '`{ token, expiresAt }`',
  },
  'rollcall:tally': {
    schema: z.strictObject({ rollCallId: id.optional() }),
    who: 'chair, cochair, technician, observer',
    doc: 'The tally of a roll call (default: the latest).',
    ack: '`{ rollCall }` (as the staff `rollcall:changed` message)',
  },
  'attendance:get': {
    schema: empty,
    who: 'chair, cochair, technician, observer',
    doc: 'Attendance rows so far.',
    ack: '`{ rows }`: per point, intervals with outages, minutes present, headcount, presiding official',
  },
} as const;

export type RequestName = keyof typeof REQUESTS;
export type RequestPayload<E extends RequestName> = z.infer<(typeof REQUESTS)[E]['schema']>;
export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];
