import { Router, type Response } from 'express';
import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/core/errors.js';
import type { Actor } from '../domain/core/model.js';
import { invitationWindow } from '../domain/directory/invitations.js';
import type { MeetingService } from '../meetings/MeetingService.js';
import { streamCardBody, streamSetupBody, streamStartBody } from '../protocol/http.js';
import { validationError } from '../signaling/handle.js';
import { VIEWER_LINK_AFTER_END_MS } from '../stream/streamAccess.js';
import type { StreamService } from '../stream/StreamService.js';
import type { HttpAuth } from './auth.js';

/** Who starts and stops the live stream: the office (its accounts and the API key) and the meeting's chairs. */
const STREAMERS: ReadonlySet<Actor['role']> = new Set(['admin', 'chair', 'cochair']);

/**
 * The live stream of a meeting, for the office and the chairs: `GET` its state (đang phát, dừng, lỗi with the reason,
 * since) and setup, `POST` to start it, `DELETE` to stop it, `PUT …/setup` (the office: public or internal, started
 * with the meeting, kept as a recording, pushed where), `POST …/card` (the still card of a closed part), and the
 * viewer links of an internal stream (`…/links`; revoked as any link is). On the embedded bridge (no program encoder)
 * starting is refused, saying why.
 */
export function streamRouter({
  meetings,
  auth,
  tokens,
  streams,
  publicUrl,
  now,
}: {
  meetings: MeetingService;
  auth: HttpAuth;
  tokens: JoinTokens;
  streams: () => StreamService | null;
  publicUrl: () => string;
  now: () => number;
}): Router {
  const router = Router();
  const base = () => publicUrl().replace(/\/$/, '');
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

  router.put('/:id/stream/setup', async (req, res) => {
    const actor = await auth.requireRole(req, res, 'organizer');
    const parsed = streamSetupBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const runtime = meetings.get(req.params.id);
    const saved = new Map(runtime.state.streamSetup.destinations.map((d) => [d.name, d.url]));
    const destinations = parsed.data.destinations.map((d, i) => {
      const url = d.url ?? saved.get(d.name);
      if (url === undefined) {
        throw DomainError.validation(`Chưa có địa chỉ của ${d.name} (no address saved under this name)`, [
          { path: `destinations.${i}.url`, message: 'một địa chỉ rtmp:// hoặc rtmps:// (an RTMP or RTMPS URL)' },
        ]);
      }

      return { name: d.name, url };
    });
    await runtime.execute({ type: 'stream.configure', ...parsed.data, destinations }, actor);
    res.json({ enabled: streams() !== null, stream: streams()?.view(runtime) ?? null });
  });

  router.post('/:id/stream/card', async (req, res) => {
    const actor = await streamer(req, res);
    const parsed = streamCardBody.safeParse(req.body);
    if (!parsed.success) {
      throw validationError(parsed.error);
    }
    const runtime = meetings.get(req.params.id);
    await runtime.execute({ type: 'stream.card', shown: parsed.data.shown }, actor);
    res.json({ stream: streams()?.view(runtime) ?? null });
  });

  // Viewer links of an internal stream: each plays it (and its recording) and joins nothing; revoked with
  // POST /api/meetings/:id/tokens/:tokenId/revoke as any link is, it stops playing within a segment.
  router.post('/:id/stream/links', async (req, res) => {
    const actor = await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const window = invitationWindow(runtime.state.def, now());
    const issued = await tokens.issue({
      meetingId: runtime.id,
      role: 'observer',
      window: { notBefore: null, expiresAt: window.expiresAt + VIEWER_LINK_AFTER_END_MS },
      viewer: true,
    });
    await runtime.execute(
      { type: 'audit.record', action: 'token_issued', detail: 'đường dẫn xem phát trực tiếp' },
      actor,
    );
    res.status(201).json(viewerLink(issued, runtime.id, false));
  });

  router.get('/:id/stream/links', async (req, res) => {
    await auth.requireRole(req, res, 'organizer');
    const runtime = meetings.get(req.params.id);
    const links = (await tokens.registry?.linksOf(runtime.id)) ?? [];
    res.json({
      links: links
        .filter((l) => l.viewer === true && l.token !== undefined)
        .map((l) =>
          viewerLink(
            { token: l.token as string, tokenId: l.tokenId, expiresAt: l.expiresAt, shortCode: l.shortCode ?? null },
            runtime.id,
            tokens.registry?.isRevoked(l.tokenId) ?? false,
          ),
        ),
    });
  });

  const viewerLink = (
    issued: { token: string; tokenId: string; expiresAt: number; shortCode: string | null },
    meetingId: string,
    revoked: boolean,
  ) => ({
    tokenId: issued.tokenId,
    url: `${base()}/truc-tiep/${encodeURIComponent(meetingId)}?k=${encodeURIComponent(issued.token)}`,
    shortUrl: issued.shortCode === null ? null : `${base()}/l/${issued.shortCode}`,
    expiresAt: issued.expiresAt,
    revoked,
  });

  return router;
}
