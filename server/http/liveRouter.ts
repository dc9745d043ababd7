import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request } from 'express';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/core/errors.js';
import type { MeetingRuntime } from '../meetings/MeetingRuntime.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { livePassBody } from '../protocol/http.js';
import { validationError } from '../signaling/handle.js';
import { streamAccess, viewerCookie, type StreamAccess } from '../stream/streamAccess.js';
import type { StreamService } from '../stream/StreamService.js';

/** A meeting id as it may name a folder (ids are made by the server; anything else is not a stream). */
const MEETING_FOLDER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$/;
/** The files of a stream: the master and rendition playlists (live and kept), and segments. */
const STREAM_FILE = /^(?:[0-9]{3,4}p\/)?[A-Za-z0-9_-]+\.(m3u8|ts)$/;

const REFUSALS: Record<
  Exclude<StreamAccess, 'open'>,
  { code: 'UNAUTHENTICATED' | 'TOKEN_REVOKED' | 'TOKEN_EXPIRED'; message: string }
> = {
  needed: {
    code: 'UNAUTHENTICATED',
    message: 'Phát trực tiếp nội bộ: cần đường dẫn xem do văn phòng cấp (an internal stream: ask for a viewer link)',
  },
  revoked: { code: 'TOKEN_REVOKED', message: 'Đường dẫn xem này đã bị thu hồi (this viewer link was revoked)' },
  expired: { code: 'TOKEN_EXPIRED', message: 'Đường dẫn xem này đã hết hạn (this viewer link has expired)' },
};

/**
 * The public side of the live streams: `GET /api/live/:meeting` (the viewing page's state), `POST
 * /api/live/:meeting/pass` (a viewer link exchanged for the cookie that plays an internal stream), `GET
 * /api/live-access` (nginx's `auth_request` for the files it serves itself) and the files under `/live/<meeting>/`:
 * playlists read again every segment (never cached for long), segments that never change (cached).
 */
export function liveRouter({
  dir,
  streams,
  meetings,
  tokens,
  secureCookies,
}: {
  dir: string;
  streams: () => StreamService | null;
  meetings: MeetingService;
  tokens: JoinTokens;
  secureCookies: boolean;
}): Router {
  const router = Router();
  /** The meeting, when it exists and its stream was ever started (the public learns nothing of others). */
  const streamed = async (meeting: string): Promise<MeetingRuntime | null> => {
    if (!MEETING_FOLDER.test(meeting) || !meetings.has(meeting) || streams() === null) {
      return null;
    }
    const runtime = await meetings.wake(meeting);

    return runtime.state.stream === null ? null : runtime;
  };
  const accessOf = (req: Request, runtime: MeetingRuntime) =>
    streamAccess(
      runtime.id,
      runtime.state.streamSetup,
      (req.cookies as Record<string, string> | undefined)?.[viewerCookie(runtime.id)],
      tokens,
    );
  const refuse = (access: Exclude<StreamAccess, 'open'>) =>
    new DomainError(REFUSALS[access].code, REFUSALS[access].message);

  router.get('/api/live/:meeting', async (req, res) => {
    const runtime = await streamed(String(req.params.meeting));
    res.setHeader('Cache-Control', 'no-store');
    if (runtime === null) {
      res.json({
        title: null,
        meetingEnded: false,
        access: 'open',
        stream: { status: 'never', since: null, playlist: null, recording: null },
      });

      return;
    }
    const access = await accessOf(req, runtime);
    const view = (streams() as StreamService).view(runtime);
    // An internal stream tells those without a link only that it needs one.
    res.json({
      title: access === 'open' ? runtime.state.def.title : null,
      meetingEnded: runtime.state.status === 'ended',
      access,
      stream: {
        status: view.status,
        since: view.since,
        showing: view.showing,
        playlist: access === 'open' ? view.playlist : null,
        recording: access === 'open' ? view.recording : null,
      },
    });
  });

  router.post('/api/live/:meeting/pass', async (req, res) => {
    const parsed = livePassBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const meeting = String(req.params.meeting);
    if (!MEETING_FOLDER.test(meeting)) {
      throw refuse('needed');
    }
    const claims = await tokens.verifyViewer(parsed.data.token, meeting);
    res.cookie(viewerCookie(meeting), parsed.data.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      path: '/',
      expires: new Date(claims.expiresAt),
    });
    res.status(204).end();
  });

  // nginx asks before it serves a stream's file itself (auth_request): the original path in X-Original-URI.
  router.get('/api/live-access', async (req, res) => {
    const [, meeting = ''] = /^\/live\/([^/?]+)\//.exec(String(req.get('x-original-uri') ?? '')) ?? [];
    const runtime = await streamed(decodeURIComponent(meeting));
    const access = runtime === null ? 'needed' : await accessOf(req, runtime);
    res.setHeader('Cache-Control', 'no-store');
    // nginx's auth_request takes 2xx, 401 and 403 as answers (anything else is its own error).
    res.status(access === 'open' ? 204 : 403).end();
  });

  router.get('/live/:meeting/{*rest}', async (req, res, next) => {
    const meeting = String(req.params.meeting);
    const rest = ([] as string[]).concat((req.params as { rest?: string | string[] }).rest ?? []).join('/');
    const runtime = STREAM_FILE.test(rest) ? await streamed(meeting) : null;
    const access = runtime === null ? null : await accessOf(req, runtime);
    if (access !== null && access !== 'open') {
      throw refuse(access);
    }
    const file = join(dir, meeting, rest);
    if (runtime === null || !existsSync(file)) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Không có tệp phát trực tiếp này (no such file)' } });

      return;
    }
    const playlist = rest.endsWith('.m3u8');
    res.setHeader('Cache-Control', playlist ? 'no-cache, max-age=1' : 'public, max-age=86400, immutable');
    // A portal's own player may play a public stream; a cross-site request carries no viewer cookie, so an internal
    // stream stays refused there.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.type(playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t');
    res.sendFile(file, (error) => (error === undefined ? undefined : next(error)));
  });

  return router;
}
