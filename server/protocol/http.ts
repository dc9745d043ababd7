import { z } from 'zod';
import { AGENDA_KINDS, MEETING_KINDS } from '../domain/core/model.js';
import { code, epochMs, person, role, text } from './common.js';
import { normaliseSipAddress } from '../domain/sip/sipAddress.js';

/** HTTP bodies: one schema per body, shared by the server, the CLI and the client. */

export const level = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z_-]{1,31}$/, 'a level name such as province, district, commune, ward, village');

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 .-]{7,18}[0-9]$/, 'a phone number such as 0912 345 678 or +84 912 345 678');

export const unitRecord = z.strictObject({
  code,
  name: text(200),
  level,
  parentCode: code.nullable(),
});

export const technician = z.strictObject({ name: text(120), phone });

/** A room system's SIP address, kept in its normal form (`room12@10.20.30.40`). */
export const sipUri = z
  .string()
  .trim()
  .max(200)
  .transform((raw, ctx) => {
    const address = normaliseSipAddress(raw);
    if (address === null) {
      ctx.addIssue({ code: 'custom', message: 'một địa chỉ SIP như sip:phonghop@10.20.30.40 (a SIP address)' });

      return z.NEVER;
    }

    return address;
  });

export const pointRecord = z.strictObject({
  code,
  name: text(200),
  level,
  unitCode: code,
  technician: technician.nullable(),
  sipUri: sipUri.nullable().optional(),
});

/** `POST /api/directory/edits`: one change to the directory. */
export const directoryEditBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('addUnit'), unit: unitRecord }),
  z.strictObject({ kind: z.literal('addPoint'), point: pointRecord }),
  z.strictObject({ kind: z.literal('rename'), code, name: text(200) }),
  z.strictObject({ kind: z.literal('moveUnit'), code, parentCode: code.nullable() }),
  z.strictObject({ kind: z.literal('movePoint'), code, unitCode: code }),
  z.strictObject({ kind: z.literal('retire'), code }),
  z.strictObject({ kind: z.literal('setSipUri'), code, sipUri: sipUri.nullable() }),
]);

/** `POST /api/directory` with a JSON body. */
export const directoryBody = z.strictObject({
  units: z.array(z.unknown()).max(20_000),
  points: z.array(z.unknown()).max(20_000),
});

const isoOrEpoch = z.union([epochMs, z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** `POST /api/meetings`. */
export const meetingBody = z.strictObject({
  id: code.optional(),
  title: text(300),
  kind: z.enum(MEETING_KINDS).default('briefing'),
  scheduledStart: isoOrEpoch,
  scheduledEnd: isoOrEpoch.nullable().optional(),
  hubPointId: code,
  invite: z
    .strictObject({ units: z.array(code).max(5000).optional(), points: z.array(code).max(20_000).optional() })
    .refine((i) => (i.units?.length ?? 0) + (i.points?.length ?? 0) > 0, 'invite at least one unit or point'),
  chairs: z
    .array(person.extend({ role: z.enum(['chair', 'cochair']).default('chair') }))
    .min(1)
    .max(4),
  agenda: z
    .array(z.strictObject({ kind: z.enum(AGENDA_KINDS), title: text(300), by: text(160).nullable().optional() }))
    .min(1)
    .max(100),
  settings: z
    .strictObject({
      speakingLimitSec: z.number().int().min(30).max(3600),
      speakingWarningSec: z.number().int().min(5).max(300),
      rollCallDeadlineSec: z.number().int().min(5).max(3600),
      rollCallLateWindowSec: z.number().int().min(0).max(7200),
      attendanceGraceSec: z.number().int().min(0).max(600),
    })
    .partial()
    .optional(),
});
export type MeetingBody = z.infer<typeof meetingBody>;

/** `POST /api/meetings/:id/tokens`. */
export const tokenBody = z
  .strictObject({
    role,
    pointId: code.optional(),
    /** Valid from now for this long; by default, the meeting's invitation window (server/domain/invitations.ts). */
    ttlSec: z
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .optional(),
    /** A staff link for this account: the meeting's record names the person. */
    username: z.string().min(3).max(40).optional(),
  })
  .refine(
    (b) => (b.role === 'point') === (b.pointId !== undefined),
    'pointId is required for, and only for, role point',
  );

/** One attendance row as sent over the wire: the domain's row, which is plain data. */
export type { AttendanceRow as AttendanceRowView } from '../domain/rollCall/attendance.js';

/** Whether a URL is an RTMP or RTMPS ingest with a host (what a portal's or a TV station's encoder gives). */
const isRtmpUrl = (raw: string): boolean => {
  try {
    const url = new URL(raw);

    return (url.protocol === 'rtmp:' || url.protocol === 'rtmps:') && url.hostname !== '';
  } catch {
    return false;
  }
};

/** A live stream's push destination: the name the office knows it by, and the ingest's URL with its stream key. */
export const streamDestination = z.strictObject({
  name: text(100).pipe(z.string().min(1, 'một tên, như Cổng thông tin điện tử tỉnh (a name)')),
  url: z.string().trim().max(500).refine(isRtmpUrl, 'một địa chỉ rtmp:// hoặc rtmps:// (an RTMP or RTMPS URL)'),
});

/** Starting the live stream: where else to push it (by default, where the office set it up to go). */
export const streamStartBody = z.strictObject({ destinations: z.array(streamDestination).max(5).optional() });
export type StreamDestination = z.infer<typeof streamDestination>;

/**
 * How the office sets the stream up. A destination given by its name alone keeps the address saved under that name
 * (the console never holds the stream keys it saved).
 */
export const streamSetupBody = z.strictObject({
  internal: z.boolean(),
  startWithMeeting: z.boolean(),
  keepRecording: z.boolean(),
  destinations: z
    .array(streamDestination.extend({ url: streamDestination.shape.url.optional() }))
    .max(5)
    .default([]),
});

/** The still card of a closed part shown instead of the program (`true`), or the program again. */
export const streamCardBody = z.strictObject({ shown: z.boolean() });

/** A viewer link's token, given to the viewing page to play an internal stream. */
export const livePassBody = z.strictObject({ token: z.string().min(1).max(4096) });
