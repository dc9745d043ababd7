import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { streamStartBody } from '../protocol/http.js';
import { validationError } from '../signaling/handle.js';
import type { StreamService } from '../stream/StreamService.js';
import type { HttpAuth } from './auth.js';

/** Who starts and stops the live stream: the office (its accounts and the API key) and the meeting's chairs. */
const STREAMERS: ReadonlySet<Actor['role']> = new Set(['admin', 'chair', 'cochair']);

/**
 * The live stream of a meeting: `GET` its state (đang phát, dừng, lỗi with the reason, since), `POST` to start it,
 * `DELETE` to stop it. On the embedded bridge (no program encoder) starting is refused, saying why.
 */
export function streamRouter({
  meetings,
  auth,
  streams,
}: {
  meetings: MeetingService;
  auth: HttpAuth;
  streams: () => StreamService | null;
}): Router {
  const router = Router();
  const streamer = async (req: Parameters<HttpAuth['requireStaffOrAdmin']>[0], res: Response) => {
    const actor = await auth.requireStaffOrAdmin(req, res, String(req.params.id));
    if (!STREAMERS.has(actor.role)) {
      throw DomainError.forbidden('Chỉ văn phòng hoặc chủ trì được phát trực tiếp (only the office or a chair)');
    }

    return actor;
  };
  const on = (): StreamService => {
    const service = streams();
    if (service === null) {
      throw new DomainError(
        'STREAM_UNAVAILABLE',
        'Phát trực tiếp cần cầu nối mediasoup (the live stream needs MEDIA_BRIDGE=mediasoup)',
      );
    }

    return service;
  };

  router.get('/:id/stream', async (req, res) => {
    await auth.requireStaffOrAdmin(req, res, req.params.id);
    const runtime = meetings.get(req.params.id);
    const service = streams();
    res.json({
      enabled: service !== null,
      stream: service?.view(runtime) ?? null,
    });
  });

  router.post('/:id/stream', async (req, res) => {
    const actor = await streamer(req, res);
    const parsed = streamStartBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const runtime = meetings.get(req.params.id);
    res.status(201).json({ stream: await on().start(runtime.id, actor, parsed.data.destinations) });
  });

  router.delete('/:id/stream', async (req, res) => {
    const actor = await streamer(req, res);
    res.json({ stream: await on().stop(meetings.get(req.params.id).id, actor) });
  });

  return router;
}

/** A meeting id as it may name a folder (ids are made by the server; anything else is not a stream). */
const MEETING_FOLDER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$/;

/**
 * The stream's files for players: playlists are read again every segment (never cached for long), segments never
 * change (cached). Only `.m3u8` and `.ts` files under a meeting's folder are served.
 */
export function liveFiles({
  dir,
  streams,
  meetings,
}: {
  dir: string;
  streams: () => StreamService | null;
  meetings: MeetingService;
}): Router {
  const router = Router();
  // The viewing page's state: the stream's, with the meeting's title once it was ever streamed. A meeting never
  // streamed answers as one that does not exist (the public learns nothing of meetings not streamed).
  router.get('/:meeting/state', async (req, res) => {
    const meeting = String(req.params.meeting);
    const runtime = MEETING_FOLDER.test(meeting) && meetings.has(meeting) ? await meetings.wake(meeting) : null;
    const view = runtime === null ? null : (streams()?.view(runtime) ?? null);
    res.setHeader('Cache-Control', 'no-cache');
    res.json(
      runtime === null || view === null || view.status === 'never'
        ? { title: null, meetingEnded: false, stream: { status: 'never', since: null, playlist: null } }
        : {
            title: runtime.state.def.title,
            meetingEnded: runtime.state.status === 'ended',
            stream: { status: view.status, since: view.since, playlist: view.playlist },
          },
    );
  });

  router.get('/:meeting/{*rest}', (req, res, next) => {
    const meeting = String(req.params.meeting);
    const rest = ([] as string[]).concat((req.params as { rest?: string | string[] }).rest ?? []).join('/');
    if (
      streams() === null ||
      !MEETING_FOLDER.test(meeting) ||
      !/^(?:[0-9]{3,4}p\/)?[A-Za-z0-9_-]+\.(m3u8|ts)$/.test(rest)
    ) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Không có tệp phát trực tiếp này (no such file)' } });

      return;
    }
    const file = join(dir, meeting, rest);
    if (!existsSync(file)) {
      res
        .status(404)
        .json({ error: { code: 'NOT_FOUND', message: 'Chưa phát trực tiếp (the stream has not started)' } });

      return;
    }
    const playlist = rest.endsWith('.m3u8');
    res.setHeader('Cache-Control', playlist ? 'no-cache, max-age=1' : 'public, max-age=86400, immutable');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.type(playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t');
    res.sendFile(file, (error) => (error === undefined ? undefined : next(error)));
  });

  return router;
}
