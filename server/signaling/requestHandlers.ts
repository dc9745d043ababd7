import { revoked, type JoinTokens } from '../auth/JoinTokens.js';
import { attendance } from '../domain/rollCall/attendance.js';
import { DomainError } from '../domain/core/errors.js';
import type { MediaService } from '../media/MediaService.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { SocketData } from '../protocol/events.js';
import type { RequestPayload } from '../protocol/requests.js';
import type { LinkSample } from '../telemetry/classify.js';
import type { TelemetryService } from '../telemetry/TelemetryService.js';
import type { TurnCredentials } from '../reach/turn.js';
import { COMMAND_REQUESTS, REQUEST_COMMANDS, type QUERY_REQUESTS } from './requestCommands.js';
import { isStaff, rollCallStaffView, snapshotFor } from './views.js';

/** Everything a request handler may use: the socket's identity and meeting, and the services. One per socket. */
export interface RequestContext {
  /** The socket id, also the socket's media participant id. */
  socketId: string;
  runtime: MeetingRuntime;
  actor: SocketData['actor'];
  telemetry: TelemetryService;
  media: MediaService;
  tokens: JoinTokens;
  sessionTokenTtlSec: number;
  turn: TurnCredentials;
  /** When the socket's join link expires (epoch ms). */
  linkExpiresAt: number;
  now: () => number;
}

type QueryRequest = (typeof QUERY_REQUESTS)[number];
type Handler<E extends QueryRequest> = (ctx: RequestContext, payload: RequestPayload<E>) => Promise<object>;

const participantOf = (ctx: RequestContext) => ({
  id: ctx.socketId,
  role: ctx.actor.role,
  pointId: ctx.actor.pointId ?? null,
});

/** The ICE servers this console may use, with credentials bounded by its link. */
const iceServersOf = (ctx: RequestContext) => ctx.turn.for(ctx.runtime.id, ctx.actor, ctx.linkExpiresAt, ctx.now());

function requireStaff(ctx: RequestContext): void {
  if (!isStaff(ctx.actor.role)) {
    throw DomainError.forbidden('xem kết quả của mọi điểm cầu (view every point)');
  }
}

/** Requests that read state or feed telemetry and media, each in one place. */
export const QUERY_HANDLERS: { [E in QueryRequest]: Handler<E> } = {
  'meeting:snapshot': async (ctx) => {
    const snapshot = snapshotFor(ctx.runtime.state, ctx.runtime.index, ctx.actor, ctx.now(), ctx.telemetry.intervalMs);

    return {
      snapshot: isStaff(ctx.actor.role)
        ? { ...snapshot, activeSpeaker: ctx.media.activeSpeaker(ctx.runtime.id) }
        : snapshot,
    };
  },
  'rollcall:tally': async (ctx, { rollCallId }) => {
    requireStaff(ctx);
    const state = ctx.runtime.state;
    const rollCall =
      rollCallId === undefined ? state.rollCalls.at(-1) : state.rollCalls.find((r) => r.rollCallId === rollCallId);
    if (rollCall === undefined) {
      throw new DomainError('ROLL_CALL_NOT_FOUND', 'Chưa có đợt điểm danh (no roll call)');
    }

    return { rollCall: rollCallStaffView(state, rollCall, ctx.runtime.index) };
  },
  'attendance:get': async (ctx) => {
    requireStaff(ctx);

    return { rows: attendance(ctx.runtime.state, ctx.now()) };
  },
  'telemetry:sample': async (ctx, sample) => {
    if (ctx.actor.role !== 'point' || ctx.actor.pointId === undefined) {
      throw DomainError.forbidden('gửi số liệu đường truyền (send link samples)');
    }
    // The point's own class comes back, so its view can show the link as the technicians see it.
    return { health: ctx.telemetry.ingest(ctx.runtime, ctx.actor.pointId, toLinkSample(sample)) };
  },
  'telemetry:history': async (ctx, { pointId, sinceMs }) => {
    requireStaff(ctx);

    return { history: await ctx.telemetry.history(ctx.runtime.id, pointId, sinceMs) };
  },
  'telemetry:latest': async (ctx) => {
    requireStaff(ctx);

    return { rows: ctx.telemetry.latest(ctx.runtime.id) };
  },
  'auth:refresh': async (ctx) => {
    // A session token stays tied to its join link, so revoking the link ends the session too.
    const current = ctx.actor.tokenId ?? '';
    const linkId = (await ctx.tokens.registry?.issued(current))?.linkId ?? current;
    if (ctx.tokens.registry?.isRevoked(linkId)) {
      throw revoked();
    }
    const { token, expiresAt } = await ctx.tokens.issue({
      meetingId: ctx.runtime.id,
      role: ctx.actor.role,
      pointId: ctx.actor.pointId ?? null,
      ttlSec: ctx.sessionTokenTtlSec,
      linkId,
      person: ctx.actor.person ?? null,
    });

    return { token, expiresAt };
  },
  'media:join': async (ctx, { takeOver }) => ({
    join: await ctx.media.join(ctx.runtime, participantOf(ctx), takeOver === true),
    ice: iceServersOf(ctx),
  }),
  'media:answer': async (ctx, { sdp }) => {
    await ctx.media.bridge.answer(ctx.socketId, sdp);

    return {};
  },
  // A restart after a network change renews the relay's credentials too (they may have run out meanwhile).
  'media:restart': async (ctx) => ({
    restart: await ctx.media.bridge.restartIce(ctx.socketId),
    ice: iceServersOf(ctx),
  }),
  'media:capabilities': async (ctx, { rtpCapabilities }) => {
    ctx.media.bridge.setRtpCapabilities(ctx.socketId, rtpCapabilities);

    return {};
  },
  'media:transport': async (ctx, { direction }) => ({
    transport: await ctx.media.bridge.createTransport(ctx.socketId, direction),
  }),
  'media:connect': async (ctx, { transportId, dtlsParameters }) => {
    await ctx.media.bridge.connectTransport(ctx.socketId, transportId, dtlsParameters);

    return {};
  },
  'media:produce': async (ctx, { transportId, kind, rtpParameters, screen }) => ({
    producerId: await ctx.media.bridge.produce(ctx.socketId, transportId, kind, rtpParameters, screen === true),
  }),
  'media:screen': async (ctx, { sharing }) => {
    ctx.media.setSharing(ctx.runtime.id, ctx.socketId, sharing);

    return {};
  },
  'media:resume': async (ctx, { consumerId }) => {
    await ctx.media.bridge.resumeConsumer(ctx.socketId, consumerId);

    return {};
  },
  'media:page': async (ctx, { page, pointIds }) => {
    requireStaff(ctx);
    ctx.media.setGridPage(ctx.runtime.id, ctx.socketId, pointIds ?? page);

    return {};
  },
  'media:leave': async (ctx) => {
    ctx.media.leave(ctx.runtime.id, ctx.socketId);

    return {};
  },
};

const COMMANDS = new Set<string>(COMMAND_REQUESTS);

/** Runs a validated request: a domain command through the meeting's writer, or a query handler. */
export async function runRequest(ctx: RequestContext, name: string, payload: unknown): Promise<object> {
  if (COMMANDS.has(name)) {
    const toCommand = REQUEST_COMMANDS[name as (typeof COMMAND_REQUESTS)[number]] as (
      p: unknown,
      self: string,
    ) => never;
    const { events, state } = await ctx.runtime.execute(toCommand(payload, ctx.actor.pointId ?? ''), ctx.actor);
    const requested = events.find((e) => e.type === 'FloorRequested');
    if (requested !== undefined) {
      return { requestId: requested.requestId, position: state.queue.indexOf(requested.requestId) + 1 };
    }
    const started = events.find((e) => e.type === 'RollCallStarted');
    if (started !== undefined) {
      return { rollCallId: started.rollCallId };
    }

    return { seq: state.seq };
  }
  const handler = QUERY_HANDLERS[name as QueryRequest] as (ctx: RequestContext, payload: unknown) => Promise<object>;

  return handler(ctx, payload);
}

function toLinkSample(sample: RequestPayload<'telemetry:sample'>): LinkSample {
  return {
    lossPct: sample.lossPct ?? null,
    rttMs: sample.rttMs ?? null,
    jitterMs: sample.jitterMs ?? null,
    fpsIn: sample.fpsIn ?? null,
    fpsOut: sample.fpsOut ?? null,
    kbpsIn: sample.kbpsIn ?? null,
    kbpsOut: sample.kbpsOut ?? null,
    freezeCount: sample.freezeCount ?? null,
    freezeMs: sample.freezeMs ?? null,
    audioLevel: sample.audioLevel ?? null,
    qualityLimitation: sample.qualityLimitation ?? null,
  };
}
