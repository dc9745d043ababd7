import { Router } from 'express';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { conferenceNumberOf } from '../domain/sip/conferenceNumber.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { REALM } from '../sip/Registrar.js';
import type { SipService } from '../sip/SipService.js';
import type { HttpAuth } from './auth.js';

interface SipRouterOptions {
  meetings: MeetingService;
  auth: HttpAuth;
  /** The SIP service, or `null` while SIP is off. */
  sip: () => SipService | null;
}

/** Who may call rooms and hang up: the meeting's technicians and chairs, the office, the administrator. */
const DIALLERS: ReadonlySet<Actor['role']> = new Set(['technician', 'chair', 'cochair', 'admin']);

/**
 * Hardware rooms' calls of a meeting: where rooms dial in, each call's state, and the operator's "Gọi điểm cầu",
 * "Gọi tất cả" and hang-up (the technician's and the office's consoles).
 */
export function sipRouter({ meetings, auth, sip }: SipRouterOptions): Router {
  const router = Router();
  const dialler = async (
    req: Parameters<HttpAuth['requireStaffOrAdmin']>[0],
    res: Parameters<HttpAuth['requireStaffOrAdmin']>[1],
    meetingId: string,
  ) => {
    const actor = await auth.requireStaffOrAdmin(req, res, meetingId);
    if (!DIALLERS.has(actor.role) && actor.via !== 'session') {
      throw DomainError.forbidden(
        'Chỉ kỹ thuật viên, chủ trì hoặc văn phòng được gọi điểm cầu (not allowed to call rooms)',
      );
    }

    return actor;
  };
  const on = (): SipService => {
    const service = sip();
    if (service === null) {
      throw new DomainError('SIP_OFF', 'Chưa bật SIP cho thiết bị hội nghị (SIP is off: set SIP_PORT)');
    }

    return service;
  };

  router.get('/:id/calls', async (req, res) => {
    await auth.requireStaffOrAdmin(req, res, req.params.id);
    const runtime = meetings.get(req.params.id);
    const service = sip();
    const number = conferenceNumberOf(runtime.state.def);
    res.json({
      conferenceNumber: number,
      dialIn: service?.dialInUri(number) ?? null,
      calls: service?.calls.callsOf(runtime.id) ?? [],
    });
  });

  // The office's printed invitations: where rooms dial, and each room's PIN (secret as its link is: the office only).
  router.get('/:id/sip-pins', async (req, res) => {
    await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const service = sip();
    const number = conferenceNumberOf(runtime.state.def);
    res.json({
      conferenceNumber: number,
      dialIn: service?.dialInUri(number) ?? null,
      pins: service === null ? {} : Object.fromEntries(service.calls.pinsOf(runtime)),
    });
  });

  router.post('/:id/points/:pointId/dial', async (req, res) => {
    await dialler(req, res, req.params.id);
    const call = await on().calls.dial(meetings.get(req.params.id).id, req.params.pointId);
    res.status(201).json({ call });
  });

  router.post('/:id/dial-all', async (req, res) => {
    await dialler(req, res, req.params.id);
    const calls = await on().calls.dialAll(meetings.get(req.params.id).id);
    res.status(201).json({ calls });
  });

  router.delete('/:id/calls/:callId', async (req, res) => {
    await dialler(req, res, req.params.id);
    const service = on();
    const call = service.calls.callsOf(req.params.id).find((c) => c.callId === req.params.callId);
    if (call === undefined) {
      throw new DomainError('NOT_FOUND', 'Không có cuộc gọi này (no such call)');
    }
    service.calls.hangUp(call.callId);
    res.status(204).end();
  });

  return router;
}

/**
 * A point's account for registering its room system (REGISTER with digest, for a room behind NAT): the administrator
 * gives it to the room's technician. `GET /api/sip/points/:code/account`.
 */
export function sipAccountsRouter({ meetings, auth, sip }: SipRouterOptions): Router {
  const router = Router();
  router.get('/points/:code/account', async (req, res) => {
    await auth.requireRole(req, res, 'admin');
    const service = sip();
    if (service === null) {
      throw new DomainError('SIP_OFF', 'Chưa bật SIP cho thiết bị hội nghị (SIP is off: set SIP_PORT)');
    }
    const point = meetings.directory.points.find((p) => p.code === req.params.code);
    if (point === undefined) {
      throw new DomainError('NOT_FOUND', `Không có điểm cầu mã ${req.params.code} (no such point)`);
    }
    const binding = service.registrar.bindingOf(point.code);
    const host = service.address.includes(':') ? `[${service.address}]` : service.address;
    res.json({
      username: point.code,
      password: service.registrar.passwordOf(point.code),
      realm: REALM,
      registrar: `sip:${host}:${service.port}`,
      aor: `sip:${point.code}@${host}:${service.port}`,
      registered: binding === null ? null : { address: binding.address, expiresAt: binding.expiresAt },
    });
  });

  return router;
}
