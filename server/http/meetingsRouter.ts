import type { AccountStore } from '../accounts/AccountStore.js';
import { listingOf } from '../meetings/listing.js';
import type { TokenRegistry } from '../accounts/TokenRegistry.js';
import { personOf } from '../domain/directory/accounts.js';
import { invitationWindow } from '../domain/directory/invitations.js';
import { formatDateTime } from '../format.js';
import { Router, type Request } from 'express';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { attendance } from '../domain/rollCall/attendance.js';
import { DomainError } from '../domain/core/errors.js';
import type { MeetingState, Role } from '../domain/core/model.js';
import { tallyRollCall } from '../domain/rollCall/rollCall.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { meetingBody, tokenBody } from '../protocol/http.js';
import { validationError } from '../signaling/handle.js';
import { linkViews } from '../signaling/linkViews.js';
import { tallyByChild } from '../domain/linking/rollUp.js';
import type { RollCall } from '../domain/core/model.js';
import type { RollCallTally } from '../domain/rollCall/rollCall.js';

/** A roll call's tally, and by child meeting when children are linked in. */
function withChildren(state: MeetingState, rollCall: RollCall, tally: RollCallTally) {
  return Object.keys(state.links).length === 0 ? tally : { ...tally, byChild: tallyByChild(state, rollCall, tally) };
}
import type { TelemetryService } from '../telemetry/TelemetryService.js';
import type { HttpAuth } from './auth.js';

/** The consoles a signed-in organizer may open as themself. */
const OPENABLE_ROLES: ReadonlySet<Role> = new Set(['chair', 'cochair', 'technician', 'observer', 'secretary']);

export interface MeetingsRouterOptions {
  meetings: MeetingService;
  tokens: JoinTokens;
  auth: HttpAuth;
  /** Staff links may be issued to a named account (`username`), which the meeting's record then names. */
  accounts: AccountStore;
  telemetry: TelemetryService;
  /** Base of join links; a function because port 0 is only known after listening. */
  publicUrl: () => string;
  now: () => number;
  /**
   * Several coordinators: summaries of the stored meetings other nodes own, asked of their owners with the caller's
   * credentials. Without it the list is this node's meetings.
   */
  othersSummaries?: (req: Request, ownIds: ReadonlySet<string>) => Promise<object[]>;
}

/** Meetings: create, list, get, join tokens, attendance export and the event log. */
export function meetingsRouter({
  meetings,
  tokens,
  auth,
  accounts,
  telemetry,
  publicUrl,
  now,
  othersSummaries,
}: MeetingsRouterOptions): Router {
  const router = Router();
  const base = () => publicUrl().replace(/\/$/, '');
  const joinUrl = (token: string) => `${base()}/join?token=${encodeURIComponent(token)}`;
  // The printed form of a link: `/l/<code>` leads to the join page with the token (see shortLinkRouter).
  const shortUrl = (shortCode: string | null) => (shortCode === null ? null : `${base()}/l/${shortCode}`);

  router.get('/', async (req, res) => {
    await auth.requireRole(req, res, 'organizer');
    const own = meetings.listings();
    const others = othersSummaries === undefined ? [] : await othersSummaries(req, new Set(own.map((m) => m.id)));
    res.json({ meetings: [...own, ...others] });
  });

  router.post('/', async (req, res) => {
    await auth.requireRole(req, res, 'organizer');
    const parsed = meetingBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const runtime = await meetings.createMeeting(parsed.data);
    res.status(201).json(summary(runtime.state));
  });

  // Until the session starts the office may change everything it set; the change is an event of the meeting's log.
  router.put('/:id', async (req, res) => {
    const actor = await auth.requireRole(req, res, 'organizer');
    const parsed = meetingBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const runtime = await meetings.amendMeeting(req.params.id, parsed.data, actor);
    res.json(summary(runtime.state));
  });

  router.get('/:id', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    await auth.requireStaffOrAdmin(req, res, runtime.id);
    res.json(detail(runtime, telemetry, now()));
  });

  router.post('/:id/tokens', async (req, res) => {
    const admin = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const parsed = tokenBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const { role, pointId, ttlSec, username } = parsed.data;
    if (pointId !== undefined && !runtime.state.def.invitedPointIds.includes(pointId)) {
      throw new DomainError('NOT_INVITED', `Điểm cầu ${pointId} không được mời (point not invited)`);
    }
    const account = username === undefined ? null : await accounts.get(username);
    if (username !== undefined && (account === null || account.disabled)) {
      throw new DomainError('NOT_FOUND', `Không có tài khoản ${username} (no such account)`);
    }
    const person = account === null ? null : personOf(account);
    const validity = ttlSec === undefined ? { window: invitationWindow(runtime.state.def, now()) } : { ttlSec };
    const { token, tokenId, expiresAt, shortCode } = await tokens.issue({
      meetingId: runtime.id,
      role,
      pointId: pointId ?? null,
      ...validity,
      person,
    });
    const forWhom = person === null ? '' : ` → ${person.name} (${person.username})`;
    await runtime.execute(
      {
        type: 'audit.record',
        action: 'token_issued',
        detail: `${role}${pointId ? ` ${pointId}` : ''}${forWhom}, ${validityText(expiresAt, ttlSec)}`,
      },
      admin,
    );
    res.status(201).json({
      token,
      tokenId,
      joinUrl: joinUrl(token),
      shortUrl: shortUrl(shortCode),
      expiresAt,
      role,
      pointId: pointId ?? null,
      person,
    });
  });

  // A signed-in organizer opens a staff console of a meeting as themself: the link carries their account, so every
  // action they take there is recorded with their name.
  router.post('/:id/open', async (req, res) => {
    const actor = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const role = (req.body as { role?: unknown } | undefined)?.role as Role;
    if (!OPENABLE_ROLES.has(role)) {
      throw DomainError.validation(
        'Vai trò phải là chair, cochair, technician, observer hoặc secretary (staff role required)',
      );
    }
    if (actor.person === undefined) {
      throw new DomainError('UNAUTHENTICATED', 'Cần đăng nhập bằng tài khoản (sign in with an account)');
    }
    const { token, tokenId, expiresAt } = await tokens.issue({
      meetingId: runtime.id,
      role,
      // Opened now by the person who will use it: valid at once, until the meeting's links end.
      window: { notBefore: null, expiresAt: invitationWindow(runtime.state.def, now()).expiresAt },
      person: actor.person,
    });
    await runtime.execute(
      {
        type: 'audit.record',
        action: 'token_issued',
        detail: `${role} → ${actor.person.name} (${actor.person.username})`,
      },
      actor,
    );
    res.status(201).json({ token, tokenId, joinUrl: joinUrl(token), expiresAt, role, person: actor.person });
  });

  router.post('/:id/tokens/points', async (req, res) => {
    const admin = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const ttlSec = req.query.ttlSec === undefined ? undefined : Number(req.query.ttlSec);
    if (ttlSec !== undefined && (!Number.isInteger(ttlSec) || ttlSec < 60 || ttlSec > 7 * 24 * 3600)) {
      throw DomainError.validation('ttlSec phải từ 60 đến 604800 (ttlSec out of range)');
    }
    // One window for every link of the meeting: open before the start, valid until the meeting has surely ended.
    const validity = ttlSec === undefined ? { window: invitationWindow(runtime.state.def, now()) } : { ttlSec };
    const links = await Promise.all(
      runtime.state.def.invitedPointIds.map(async (pointId) => {
        const { token, tokenId, expiresAt, shortCode } = await tokens.issue({
          meetingId: runtime.id,
          role: 'point',
          pointId,
          ...validity,
        });

        return {
          pointId,
          name: runtime.index.points.get(pointId)?.name ?? pointId,
          token,
          tokenId,
          joinUrl: joinUrl(token),
          shortUrl: shortUrl(shortCode),
          expiresAt,
        };
      }),
    );
    await runtime.execute(
      {
        type: 'audit.record',
        action: 'tokens_issued',
        detail: `${links.length} points, ${validityText(links[0]?.expiresAt ?? now(), ttlSec)}`,
      },
      admin,
    );
    res.status(201).json({ points: links });
  });

  // The meeting's links still valid, as issued (revoked ones marked): the office's page shows them after a reload.
  router.get('/:id/tokens', async (req, res) => {
    await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const order = new Map(runtime.state.def.invitedPointIds.map((id, i) => [id, i]));
    const links = (await tokens.registry?.linksOf(runtime.id)) ?? [];
    res.json({
      links: links
        .filter((l) => l.token !== undefined && l.viewer !== true)
        .sort((a, b) => (order.get(a.pointId ?? '') ?? -1) - (order.get(b.pointId ?? '') ?? -1))
        .map((l) => ({
          tokenId: l.tokenId,
          role: l.role,
          pointId: l.pointId,
          name: l.pointId === null ? l.role : (runtime.index.points.get(l.pointId)?.name ?? l.pointId),
          joinUrl: joinUrl(l.token as string),
          shortUrl: shortUrl(l.shortCode ?? null),
          expiresAt: l.expiresAt,
          revoked: tokens.registry?.isRevoked(l.tokenId) ?? false,
        })),
    });
  });

  // Revokes one link (and the sessions refreshed from it): its sockets close on every node, and it is refused from
  // then on. Revoking it again answers with the first revocation.
  router.post('/:id/tokens/:tokenId/revoke', async (req, res) => {
    const admin = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const issued = await tokens.registry?.issued(req.params.tokenId);
    if (issued === null || issued === undefined || issued.meetingId !== runtime.id) {
      throw new DomainError(
        'NOT_FOUND',
        `Không có đường dẫn tham dự ${req.params.tokenId} của hội nghị này, hoặc nó đã hết hạn (no such token)`,
      );
    }
    const revocation = await (tokens.registry as TokenRegistry).revoke({
      tokenId: issued.linkId,
      meetingId: runtime.id,
      revokedAt: Date.now(),
      expiresAt: issued.expiresAt,
    });
    await runtime.execute(
      {
        type: 'audit.record',
        action: 'token_revoked',
        detail: `${issued.role}${issued.pointId === null ? '' : ` ${issued.pointId}`} ${issued.linkId}`,
      },
      admin,
    );
    res.json({
      ok: true,
      tokenId: issued.linkId,
      role: issued.role,
      pointId: issued.pointId,
      revokedAt: revocation.revokedAt,
    });
  });

  router.get('/:id/events', async (req: Request<{ id: string }>, res) => {
    await auth.requireRole(req, res, 'organizer');
    res.json({ events: await meetings.log(req.params.id) });
  });

  return router;
}

const validityText = (expiresAt: number, ttlSec: number | undefined) =>
  ttlSec === undefined ? `valid until ${formatDateTime(expiresAt)}` : `${ttlSec} s`;

const summary = (state: MeetingState) => listingOf(state);

function detail(runtime: MeetingRuntime, telemetry: TelemetryService, now: number) {
  const state = runtime.state;
  const connected = Object.values(state.points).filter((p) => p.connected).length;

  return {
    ...summary(state),
    chairs: state.def.chairs,
    agenda: state.def.agenda,
    agendaIndex: state.agendaIndex,
    settings: state.def.settings,
    invitation: state.def.invitation,
    connected,
    floor: state.floor,
    queueLength: state.queue.length,
    turns: state.turns,
    requests: Object.values(state.requests),
    rollCalls: state.rollCalls.map((r) => ({
      ...withChildren(state, r, tallyRollCall(state, r, runtime.index)),
      startedAt: r.startedAt,
      deadlineAt: r.deadlineAt,
      closedAt: r.closedAt,
      closeReason: r.closeReason,
      rerunOf: r.rerunOf,
      unitId: r.unitId,
    })),
    attendanceRows: attendance(state, now).length,
    alerts: state.alerts,
    worstPoints: telemetry.worst(state.def.id),
    // Linked meetings: each child linked in (its points are counted above like the meeting's own) and the link up.
    ...linkViews(state),
  };
}
