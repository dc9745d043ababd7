import { Router } from 'express';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/core/errors.js';
import { invitationWindow } from '../domain/directory/invitations.js';
import type { UplinkService } from '../linking/UplinkService.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { linkedHubBody, uplinkBody } from '../protocol/link.js';
import { validationError } from '../signaling/handle.js';
import { linkViews } from '../signaling/linkViews.js';
import type { HttpAuth } from './auth.js';

export interface LinkRouterOptions {
  meetings: MeetingService;
  tokens: JoinTokens;
  auth: HttpAuth;
  uplinks: UplinkService;
  now: () => number;
}

/**
 * Linked meetings over HTTP. The parent's office issues a linked-hub invitation for one invited unit; the child's
 * office enters it in its own meeting (`PUT …/uplink`), which links only once the parent has answered.
 */
export function linkRouter({ meetings, tokens, auth, uplinks, now }: LinkRouterOptions): Router {
  const router = Router();

  router.post('/:id/linked-hubs', async (req, res) => {
    const admin = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const parsed = linkedHubBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const { unitId } = parsed.data;
    const unit = runtime.index.units.get(unitId);
    if (unit === undefined || unitId === runtime.index.points.get(runtime.state.def.hubPointId)?.unitCode) {
      throw new DomainError(
        'UNIT_NOT_FOUND',
        `Đơn vị ${unitId} không được mời dự hội nghị này (the unit is not invited to this meeting)`,
      );
    }
    if (runtime.state.status === 'ended') {
      throw new DomainError('MEETING_ENDED', 'Hội nghị đã kết thúc (the meeting has ended)');
    }
    const { token, tokenId, expiresAt, shortCode } = await tokens.issue({
      meetingId: runtime.id,
      role: 'observer',
      window: invitationWindow(runtime.state.def, now()),
      linkedUnitId: unitId,
    });
    await runtime.execute({ type: 'audit.record', action: 'link_issued', detail: `${unit.name} ${tokenId}` }, admin);
    // The code stands for the invitation at `POST /api/link-invitations/redeem`: an office can read it out.
    res.status(201).json({ tokenId, linkToken: token, code: shortCode, expiresAt, unitId, unitName: unit.name });
  });

  // Whether this coordinator lets links go over plain http:// (a lab): the office sees it said plainly.
  router.get('/:id/uplink/policy', async (req, res) => {
    await auth.requireRole(req, res, 'organizer');
    meetings.get(req.params.id);
    res.json({ allowHttp: uplinks.allowHttp });
  });

  router.get('/:id/uplink', async (req, res) => {
    await auth.requireStaffOrAdmin(req, res, req.params.id);
    const runtime = meetings.get(req.params.id);
    const up = runtime.state.uplink;
    if (up === null) {
      throw new DomainError('NOT_LINKED', 'Hội nghị chưa kết nối lên hội nghị cấp trên (not linked up)');
    }
    res.json({
      state: up.state,
      parentUrl: up.parentUrl,
      parentMeetingId: up.parentMeetingId,
      parentTitle: up.parentTitle,
      unitId: up.unitId,
      since: up.since,
      relaying: up.relaying,
      onScreen: linkViews(runtime.state).uplink?.onScreen ?? 'local',
      ...uplinks.health(runtime.id),
    });
  });

  router.put('/:id/uplink', async (req, res) => {
    const admin = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const parsed = uplinkBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const { parentUrl, linkToken } = parsed.data;
    try {
      const answer = await uplinks.link(runtime.id, parentUrl, linkToken, admin);
      res.json({
        state: 'linked',
        parentMeetingId: answer.parentMeetingId,
        parentTitle: answer.parentTitle,
        unitId: answer.unitId,
        since: runtime.state.uplink?.since ?? now(),
      });
    } catch (error) {
      if (error instanceof DomainError) {
        await runtime
          .execute({ type: 'audit.record', action: 'link_refused', detail: `${parentUrl} — ${error.message}` }, admin)
          .catch(() => undefined);
      }
      throw error;
    }
  });

  router.delete('/:id/uplink', async (req, res) => {
    const admin = await auth.requireRole(req, res, 'organizer');
    await uplinks.unlink(req.params.id, admin);
    res.json({ ok: true });
  });

  return router;
}
