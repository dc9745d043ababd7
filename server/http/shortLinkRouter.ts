import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { TokenRegistry } from '../accounts/TokenRegistry.js';
import { DomainError } from '../domain/core/errors.js';
import { normalizeShortCode } from '../domain/directory/invitations.js';
import { statusOf } from './errors.js';

/** Wrong codes one address may try in `WRONG_CODES_WINDOW_MS` before it is told to wait. */
export const WRONG_CODES_PER_WINDOW = 20;
const WRONG_CODES_WINDOW_MS = 10 * 60_000;

const redeemBody = z.strictObject({ code: z.string().min(1).max(40) });

/**
 * Short codes of links. `/l/<code>`: the short link printed on invitation sheets leads to the join page with its
 * token (a viewer link's, to the stream's viewing page); an unknown or expired code leads to the join page marked `ma-sai` (wrong code), which says so in the
 * person's language. `POST /api/link-invitations/redeem`: a lower level's coordinator exchanges the code of a
 * linked-hub invitation (read out over the phone between two offices) for the invitation itself; only such
 * invitations are given, and an address that keeps trying wrong codes is made to wait.
 */
export function shortLinkRouter(registry: TokenRegistry | undefined, now: () => number): Router {
  const router = Router();
  router.get('/l/:code', async (req, res) => {
    const code = normalizeShortCode(req.params.code);
    const issued = code === null ? null : await registry?.byShortCode(code);
    res.set('Cache-Control', 'no-store');
    // A viewer link leads to the stream's viewing page; any other link to the join page.
    const to =
      issued?.token === undefined
        ? '/join?ma-sai'
        : issued.viewer === true
          ? `/truc-tiep/${encodeURIComponent(issued.meetingId)}?k=${encodeURIComponent(issued.token)}`
          : `/join?token=${encodeURIComponent(issued.token)}`;
    res.redirect(302, to);
  });

  const wrongCodes = rateLimit({
    windowMs: WRONG_CODES_WINDOW_MS,
    limit: WRONG_CODES_PER_WINDOW,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(statusOf('RATE_LIMITED')).json({
        error: {
          code: 'RATE_LIMITED',
          message: 'Đã nhập sai mã quá nhiều lần; hãy chờ 10 phút rồi thử lại (too many wrong codes)',
        },
      });
    },
  });
  router.post('/api/link-invitations/redeem', wrongCodes, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const parsed = redeemBody.safeParse(req.body);
    const code = parsed.success ? normalizeShortCode(parsed.data.code) : null;
    const issued = code === null ? null : await registry?.byShortCode(code);
    if (
      issued?.token === undefined ||
      issued.linkedUnitId === undefined ||
      issued.expiresAt <= now() ||
      registry?.isRevoked(issued.linkId) === true
    ) {
      throw new DomainError(
        'LINK_CODE_UNKNOWN',
        'Mã mời liên thông không đúng hoặc đã hết hạn; hãy hỏi lại văn phòng cấp trên (unknown or expired link code)',
      );
    }
    res.json({ linkToken: issued.token, expiresAt: issued.expiresAt });
  });

  return router;
}
