import { Router } from 'express';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/errors.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { TurnCredentials } from '../reach/turn.js';
import type { HttpAuth } from './auth.js';

/**
 * `GET /api/meetings/:id/ice-servers`: the relay servers a console of this meeting may use, with credentials bounded by
 * its join link (the consoles get the same with their media; this serves a console that checks its path first).
 */
export function iceRouter({
  meetings,
  auth,
  tokens,
  turn,
  now,
}: {
  meetings: MeetingService;
  auth: HttpAuth;
  tokens: JoinTokens;
  turn: TurnCredentials;
  now: () => number;
}): Router {
  const router = Router();
  router.get('/:id/ice-servers', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    // A token of another meeting is refused here, before anything is derived from it.
    const actor = await auth.requireParticipant(req, res, runtime.id);
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : String(req.query.token ?? '');
    if (token === '') {
      throw DomainError.forbidden('máy chủ chuyển tiếp (relay servers) — chỉ cho giao diện có đường dẫn tham dự');
    }
    const { expiresAt } = await tokens.verify(token);
    res.set('cache-control', 'no-store');
    res.json(turn.for(`${runtime.id}.${actor.pointId ?? actor.role}`, expiresAt, now()));
  });

  return router;
}
