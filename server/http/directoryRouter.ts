import { Router } from 'express';
import { parseDirectoryCsv, parseDirectoryJson } from '../directory/importDirectory.js';
import { applyDirectoryEdit } from '../domain/directory/directoryEdits.js';
import { DomainError } from '../domain/core/errors.js';
import { directoryEditBody } from '../protocol/http.js';
import { validationError } from '../signaling/handle.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import type { HttpAuth } from './auth.js';

/**
 * `GET /api/directory`, `POST /api/directory` (CSV as `text/csv`, or JSON `{ units, points }`; `?dryRun=1` only
 * validates). An import replaces the directory whole or, on any error, changes nothing.
 */
export function directoryRouter({ meetings, auth }: { meetings: MeetingService; auth: HttpAuth }): Router {
  const router = Router();
  // Organizers read the directory to pick a hub and the invited units; only administrators change it.
  router.get('/', async (req, res) => {
    await auth.requireRole(req, res, ['admin', 'organizer']);
    res.json(meetings.directory);
  });
  // One change (add, rename, move, retire a unit or point), checked against the whole tree before it is saved.
  router.post('/edits', async (req, res) => {
    await auth.requireRole(req, res, 'admin');
    const parsed = directoryEditBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const directory = applyDirectoryEdit(meetings.directory, parsed.data);
    await meetings.replaceDirectory(directory);
    res.json({ ok: true, units: directory.units.length, points: directory.points.length });
  });
  router.post('/', async (req, res) => {
    await auth.requireRole(req, res, 'admin');
    let directory;
    if (req.is('text/csv') || req.is('text/plain')) {
      directory = parseDirectoryCsv(typeof req.body === 'string' ? req.body : '');
    } else if (req.is('application/json')) {
      directory = parseDirectoryJson(req.body);
    } else {
      throw DomainError.validation('Gửi text/csv hoặc application/json (send text/csv or application/json)');
    }
    const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true';
    if (!dryRun) {
      await meetings.replaceDirectory(directory);
    }
    res
      .status(dryRun ? 200 : 201)
      .json({ ok: true, dryRun, units: directory.units.length, points: directory.points.length });
  });

  return router;
}
