import { Router } from 'express';
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
  turn,
  now,
}: {
  meetings: MeetingService;
  auth: HttpAuth;
  turn: TurnCredentials;
  now: () => number;
}): Router {
  const router = Router();
  router.get('/:id/ice-servers', async (req, res) => {
    const runtime = meetings.get(req.params.id);
    // A join token of this meeting only: another meeting's, a key or a session gets nothing derived.
    const { actor, expiresAt } = await auth.requireJoinToken(req, runtime.id);
    res.set('cache-control', 'no-store');
    res.json(turn.for(runtime.id, actor, expiresAt, now()));
  });

  return router;
}
