import { readFile } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import { DomainError } from '../domain/core/errors.js';

const FORWARDED = 'x-diemcau-forwarded';
/** Request headers not passed on: hop-by-hop ones, and those fetch sets itself. */
const DROPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade']);
/** Response headers passed back to the caller. */
const KEPT = ['content-type', 'content-disposition', 'cache-control'];

/**
 * With several coordinators, an HTTP request about a meeting (`/api/meetings/:id/…`) may land on any node; the
 * meeting's owner answers it. Another node forwards it there (once: a forwarded request is never forwarded again).
 */
export function forwardToOwner(locate: (meetingId: string) => Promise<'local' | string | null>): RequestHandler {
  return async (req, res, next) => {
    const where = await locate(String(req.params.id));
    if (where === 'local') {
      next();

      return;
    }
    if (where === null || req.get(FORWARDED) !== undefined) {
      throw new DomainError(
        'STORE_UNAVAILABLE',
        'Hội nghị đang chuyển sang máy chủ khác, vui lòng thử lại (the meeting is moving to another server, retry)',
      );
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (!DROPPED.has(name) && typeof value === 'string') {
        headers.set(name, value);
      }
    }
    headers.set(FORWARDED, '1');
    const upload = res.locals.upload as { path: string } | undefined;
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && (req.body !== undefined || upload !== undefined);
    const body = !hasBody
      ? undefined
      : upload !== undefined
        ? new Uint8Array(await readFile(upload.path))
        : typeof req.body === 'string'
          ? req.body
          : Buffer.isBuffer(req.body)
            ? new Uint8Array(req.body)
            : JSON.stringify(req.body);
    const response = await fetch(new URL(req.originalUrl, where), { method: req.method, headers, body });
    res.status(response.status);
    for (const name of KEPT) {
      const value = response.headers.get(name);
      if (value !== null) {
        res.set(name, value);
      }
    }
    res.send(Buffer.from(await response.arrayBuffer()));
  };
}

const SUMMARY_FIELDS = ['id', 'title', 'kind', 'scheduledStart', 'hubPointId', 'invited', 'status', 'seq'] as const;

/**
 * The meeting list across coordinators: each stored meeting this node does not own is summarized by its owner (asked
 * with the caller's admin key); a meeting whose owner cannot answer now is listed as `unavailable`.
 */
export function summariesFromOwners(
  storedIds: () => Promise<string[]>,
  locate: (meetingId: string) => Promise<'local' | string | null>,
): (req: Request, ownIds: ReadonlySet<string>) => Promise<object[]> {
  return async (req, ownIds) => {
    const ids = (await storedIds()).filter((id) => !ownIds.has(id));

    return Promise.all(
      ids.map(async (id) => {
        const where = await locate(id);
        if (where !== null && where !== 'local') {
          const response = await fetch(new URL(`/api/meetings/${encodeURIComponent(id)}`, where), {
            headers: { 'x-api-key': req.get('x-api-key') ?? '', [FORWARDED]: '1' },
          }).catch(() => null);
          if (response?.ok === true) {
            const detail = (await response.json()) as Record<string, unknown>;

            return Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, detail[field]]));
          }
        }

        return { id, status: 'unavailable' };
      }),
    );
  };
}
