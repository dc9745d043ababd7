import { Router } from 'express';
import type { TokenRegistry } from '../accounts/TokenRegistry.js';
import { normalizeShortCode } from '../domain/invitations.js';

/**
 * `/l/<code>`: the short link printed on invitation sheets leads to the join page with its token. An unknown or
 * expired code leads to the join page marked `ma-sai` (wrong code), which says so in the person's language.
 */
export function shortLinkRouter(registry: TokenRegistry | undefined): Router {
  const router = Router();
  router.get('/l/:code', async (req, res) => {
    const code = normalizeShortCode(req.params.code);
    const issued = code === null ? null : await registry?.byShortCode(code);
    res.set('Cache-Control', 'no-store');
    res.redirect(302, issued?.token === undefined ? '/join?ma-sai' : `/join?token=${encodeURIComponent(issued.token)}`);
  });

  return router;
}
