import type { JoinTokens } from '../auth/JoinTokens.js';
import { DomainError } from '../domain/core/errors.js';
import type { StreamSetup } from '../domain/stream/stream.js';

/** Whether a browser may play a meeting's stream: open to all, or internal and why this browser may not. */
export type StreamAccess = 'open' | 'needed' | 'revoked' | 'expired';

/** The cookie a viewer link leaves in the viewer's browser: per meeting, sent with every playlist and segment. */
export const viewerCookie = (meetingId: string): string => `dc_live_${meetingId}`;

/** How long a viewer link lasts after the meeting's scheduled end: its recording is watched for weeks after. */
export const VIEWER_LINK_AFTER_END_MS = 30 * 24 * 3600_000;

/**
 * Whether the holder of `pass` (the viewer cookie's value, if any) may play the meeting's stream: anyone when it is
 * public; when the office marked it internal, only with a viewer link of this meeting that is neither revoked nor
 * expired (asked at every playlist, so a revoked link stops playing within a segment).
 */
export async function streamAccess(
  meetingId: string,
  setup: Pick<StreamSetup, 'internal'>,
  pass: string | undefined,
  tokens: JoinTokens,
): Promise<StreamAccess> {
  if (!setup.internal) {
    return 'open';
  }
  if (pass === undefined || pass === '') {
    return 'needed';
  }
  try {
    await tokens.verifyViewer(pass, meetingId);

    return 'open';
  } catch (error) {
    const code = error instanceof DomainError ? error.code : null;

    return code === 'TOKEN_REVOKED' ? 'revoked' : code === 'TOKEN_EXPIRED' ? 'expired' : 'needed';
  }
}
