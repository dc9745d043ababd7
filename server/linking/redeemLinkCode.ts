import { z } from 'zod';
import { DomainError } from '../domain/core/errors.js';
import { normalizeShortCode } from '../domain/directory/invitations.js';
import { errorBody } from '../protocol/common.js';
import { toDomain, unreachable } from './linkErrors.js';

const redeemed = z.object({ linkToken: z.string().min(16).max(4096) });
const refused = z.object({ error: errorBody });

/**
 * What an office entered as the parent's invitation: the invitation itself, or its short code (ten signs, read out
 * over the phone), which is exchanged for the invitation at the parent (`POST /api/link-invitations/redeem`). The
 * parent's answer is parsed like anything else that crosses a link.
 */
export async function invitationFrom(parentUrl: string, entered: string, timeoutMs: number): Promise<string> {
  const code = normalizeShortCode(entered);
  if (code === null) {
    return entered;
  }
  let res: Response;
  try {
    res = await fetch(`${parentUrl}/api/link-invitations/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new DomainError('LINK_UNREACHABLE', unreachable(error instanceof Error ? error : new Error(String(error))));
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const parsed = redeemed.safeParse(body);
    if (parsed.success) {
      return parsed.data.linkToken;
    }
  }
  const error = refused.safeParse(body);
  if (error.success) {
    throw toDomain(error.data.error);
  }
  throw new DomainError(
    'LINK_UNREACHABLE',
    `Địa chỉ này không trả lời như một hệ thống hội nghị (no coordinator answered: HTTP ${res.status})`,
  );
}
