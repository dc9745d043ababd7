import { z } from 'zod';
import { FLOOR_END_REASONS } from '../domain/core/model.js';
import { normalizeShortCode } from '../domain/directory/invitations.js';
import type { Ack } from './common.js';
import { code, epochMs, floorKind, id, person, text } from './common.js';
import { pointRecord, unitRecord } from './http.js';

/**
 * The server-to-server link between a child meeting's coordinator and its parent's (linked meetings), on the
 * parent's socket.io namespace `/link`. The child connects with the parent's linked-hub invitation as its credential
 * (`auth: { token }`); nothing else of either side's secrets crosses. Child → parent messages are requests with an
 * ack; parent → child messages are notifications, and everything a child may have missed comes again in the ack of
 * its `link:hello` (a resume is a new hello).
 */

export const LINK_NAMESPACE = '/link';
/**
 * The link's own socket.io endpoint (beside the consoles' `/socket.io/`): its own message limit, since a report of a
 * province's thousand points is far larger than anything a console sends.
 */
export const LINK_PATH = '/diemcau-link/';
/** Largest link message: a report of 10,000 points fits. */
export const LINK_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

const MAX_REPORTED_POINTS = 10_000;

/** `PUT /api/meetings/:id/uplink`. */
export const uplinkBody = z.strictObject({
  parentUrl: z
    .string()
    .trim()
    .max(300)
    .url()
    .refine((value) => /^https?:$/.test(new URL(value).protocol), 'http:// or https:// only')
    .refine((value) => {
      const url = new URL(value);

      return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    }, 'no credentials, query or fragment')
    .transform((value) => value.replace(/\/+$/, '')),
  // The invitation, or its short code (ten signs, forgiven case, spaces and dashes).
  linkToken: z
    .string()
    .trim()
    .max(4096)
    .refine((value) => value.length >= 16 || normalizeShortCode(value) !== null, 'an invitation or its 10-sign code'),
});

/** `POST /api/meetings/:id/linked-hubs`. */
export const linkedHubBody = z.strictObject({ unitId: code });

export const childReport = z.strictObject({
  meetingId: z.string().min(1).max(64),
  title: text(300),
  hub: pointRecord,
  units: z.array(unitRecord).max(MAX_REPORTED_POINTS),
  points: z.array(pointRecord).max(MAX_REPORTED_POINTS),
  connected: z.array(code).max(MAX_REPORTED_POINTS),
  // Every meeting linked below the child (loop prevention): a province with all its communes linked in.
  lineage: z.array(z.string().min(1).max(64)).max(MAX_REPORTED_POINTS),
});

/**
 * The parent's slides as a child relays them (its consoles fetch the pages through the child's coordinator). Checked
 * on arrival: the document's id goes into the address the child fetches the pages from.
 */
export const parentSlides = z.strictObject({
  documentId: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  documentName: text(300),
  page: z.number().int().min(1).max(10_000),
  pages: z.number().int().min(1).max(10_000).nullable(),
  presenterName: text(300),
  since: epochMs,
  pagesAt: z.enum(['documents', 'parent-documents']),
});

/** The screen the parent shows as a child relays it: its picture comes down the media pipe, this is its label. */
export const parentScreen = z.strictObject({ presenterName: text(300), since: epochMs });

/** What the parent tells a child on every hello: where it stands, so a resumed link catches up. */
export const helloAnswer = z.object({
  parentMeetingId: z.string(),
  parentTitle: z.string(),
  /** The parent's hub and its agenda item now (absent from parents older than these). */
  parentHubName: text(300).optional(),
  parentAgendaItem: text(500).nullable().optional(),
  unitId: code,
  status: z.enum(['scheduled', 'open', 'in_session', 'ended']),
  /** The parent's open roll call, if any, and the child's points it has heard from. */
  rollCall: z.object({ rollCallId: id, deadlineAt: epochMs, closesAt: epochMs, confirmed: z.array(code) }).nullable(),
  /** The parent's floor, when a point of this child (its id in the child) holds it. */
  turn: z.object({ pointId: code, limitSec: z.number().int(), warned: z.boolean() }).nullable(),
  /** The child's points whose requests wait in the parent's queue (their ids in the child). */
  queued: z.array(code),
  /**
   * The parent judges a roll-call answer by when it was given below, not when it arrived (`answeredAt` on
   * `link:confirm`); parents older than this leave it out, and are sent no such field.
   */
  answerTimes: z.literal(true).optional(),
  /** …and where each waits (1 = next; absent from parents older than these). */
  queuePositions: z.record(code, z.number().int().min(1).max(100_000)).optional(),
  /** The slides the parent shows now (absent from parents older than slides across links). */
  slides: parentSlides.nullable().optional(),
  /** The screen the parent shows now (absent from parents older than screens across links). */
  screen: parentScreen.nullable().optional(),
});
export type HelloAnswer = z.infer<typeof helloAnswer>;

/** What one side pipes to the other: each source as what it is on the far side, with its producers' parameters. */
export const pipedSources = z.strictObject({
  sources: z
    .array(
      z.strictObject({
        /** The sending bridge's participant id (stable while it sends the same camera). */
        key: z.string().min(1).max(128),
        /**
         * Down: the parent's hub or speaker (camera and microphone), or the screen it shows (that screen only). Up:
         * the child's hall, or its point holding the parent's floor.
         */
        as: z.enum(['hub', 'speaker', 'screen', 'hall', 'point']),
        /** Up: the point's id in the child. */
        pointId: z.string().min(1).max(64).nullable(),
        producers: z
          .array(z.strictObject({ kind: z.enum(['audio', 'video']), rtpParameters: z.looseObject({}) }))
          .max(2),
      }),
    )
    .max(5),
  /**
   * Up only: whether the child shows the parent's program now (it relays, and the parent's floor is not its own).
   * The parent pipes its program down only while it is shown. Default true.
   */
  wantsProgram: z.boolean().optional(),
});
export type PipedSource = z.infer<typeof pipedSources>['sources'][number];

export const pipeEndpoint = z.strictObject({
  ip: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65_535),
  srtpParameters: z.looseObject({}),
});

/** Child → parent requests. */
export const LINK_REQUESTS = {
  'link:hello': z.strictObject({ report: childReport }),
  'link:presence': z.strictObject({ pointId: code, connected: z.boolean() }),
  'link:confirm': z.strictObject({
    pointId: code,
    rollCallId: id,
    headcount: z.number().int().min(0).max(10_000),
    presiding: person,
    /** When the point answered at its own meeting (sent only to parents that said `answerTimes`). */
    answeredAt: epochMs.optional(),
  }),
  'link:floorRequest': z.strictObject({
    pointId: code,
    kind: floorKind,
    topic: text(500).nullable(),
    department: text(200).nullable(),
  }),
  'link:floorWithdraw': z.strictObject({ pointId: code }),
  /** The child's point ended the turn the parent gave it. */
  'link:release': z.strictObject({ pointId: code }),
  'link:unlink': z.strictObject({}),
  /** mediasoup on both sides: the child's pipe endpoint; the answer is the parent's (`{ endpoint }`). */
  'link:media:open': z.strictObject({ endpoint: pipeEndpoint }),
  /** What the child pipes up now (its hall, the point holding the parent's floor). */
  'link:media:sources': pipedSources,
} as const;
export type LinkRequestName = keyof typeof LINK_REQUESTS;
export type LinkRequest<N extends LinkRequestName> = z.infer<(typeof LINK_REQUESTS)[N]>;

/**
 * Parent → child notifications (ids are the child's own), each with its schema: the child parses every one before
 * anything reads it (a parent of another version, or a hostile one, must never corrupt the child's log). Fields a
 * newer parent adds are dropped, not refused.
 */
export const LINK_NOTICES = {
  'link:rollCall': z.object({ rollCallId: id, deadlineAt: epochMs, closesAt: epochMs }),
  'link:rollCallClosed': z.object({ rollCallId: id }),
  'link:turn': z.object({ pointId: code, limitSec: z.number().int().min(0).max(86_400) }),
  'link:turnWarned': z.object({ pointId: code }),
  'link:turnEnded': z.object({ pointId: code, reason: z.enum(FLOOR_END_REASONS) }),
  'link:denied': z.object({ pointId: code, reason: z.string().max(500).nullable() }),
  'link:status': z.object({
    status: z.enum(['scheduled', 'open', 'in_session', 'ended']),
    parentTitle: text(300),
    parentHubName: text(300).optional(),
    parentAgendaItem: text(500).nullable().optional(),
  }),
  /** The parent's content: slides (a page turned, another document), a shared screen, or none. */
  'link:slides': z.object({ slides: parentSlides.nullable(), screen: parentScreen.nullable().optional() }),
  /** Where this child's points wait in the parent's queue (1 = next), by their ids in the child; whole each time. */
  'link:queue': z.object({ positions: z.record(code, z.number().int().min(1).max(100_000)) }),
  /** What the parent pipes down now (its hub and speaker). */
  'link:media:sources': pipedSources.pick({ sources: true }),
} as const;
export type LinkNoticeName = keyof typeof LINK_NOTICES;
export type LinkNotice<N extends LinkNoticeName> = z.infer<(typeof LINK_NOTICES)[N]>;
export type LinkNotifications = { [N in LinkNoticeName]: (body: LinkNotice<N>) => void };

export type LinkRequests = {
  [N in LinkRequestName]: (body: LinkRequest<N>, ack: (answer: Ack<object>) => void) => void;
};
