import { describe, expect, it } from 'vitest';
import { JoinTokens } from '../../../server/auth/JoinTokens.js';

describe('viewer links of an internal live stream', () => {
  const tokens = new JoinTokens({ secret: 'a-secret-long-enough-for-the-test-0123456789' });

  it('play that meeting’s stream and join nothing: not a console, not another meeting’s stream', async () => {
    const { token } = await tokens.issue({ meetingId: 'm1', role: 'observer', ttlSec: 600, viewer: true });
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(tokens.verifyViewer(token, 'm1')).resolves.toMatchObject({ meetingId: 'm1', viewer: true });
    await expect(tokens.verifyViewer(token, 'm2')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('are the only tokens that play it: a console’s join token is not one', async () => {
    const { token } = await tokens.issue({ meetingId: 'm1', role: 'observer', ttlSec: 600 });
    await expect(tokens.verify(token)).resolves.toMatchObject({ viewer: false });
    await expect(tokens.verifyViewer(token, 'm1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
