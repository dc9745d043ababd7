import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTokenRegistry } from '../../../server/accounts/FileTokenRegistry.js';
import { tempDir } from '../../helpers/tmp.js';

const token = (tokenId: string, expiresAt: number) => ({
  tokenId,
  linkId: tokenId,
  meetingId: 'm1',
  role: 'point' as const,
  pointId: 'DC-X1',
  expiresAt,
});

describe('FileTokenRegistry', () => {
  let remove: () => Promise<void> = async () => undefined;

  afterEach(async () => {
    await remove();
  });

  it('keeps what is still valid across a restart and drops expired tokens from the file', async () => {
    const temp = await tempDir();
    remove = temp.remove;
    const path = join(temp.dir, 'tokens.jsonl');
    let now = 1000;
    const first = await FileTokenRegistry.create({ path, now: () => now });
    await first.recordIssued([
      { ...token('old', 2000), shortCode: 'abcdefghjk', token: 'jwt-old' },
      { ...token('live', 9000), shortCode: 'mnpqrstuvw', token: 'jwt-live' },
    ]);
    expect(await first.byShortCode('mnpqrstuvw')).toMatchObject({ tokenId: 'live', token: 'jwt-live' });
    await first.revoke({ tokenId: 'live', meetingId: 'm1', revokedAt: 1500, expiresAt: 9000 });
    await first.revoke({ tokenId: 'old', meetingId: 'm1', revokedAt: 1500, expiresAt: 2000 });
    await first.close();

    now = 3000;
    const second = await FileTokenRegistry.create({ path, now: () => now });
    expect(await second.issued('old')).toBeNull();
    expect(await second.issued('live')).toMatchObject({ tokenId: 'live' });
    expect(await second.byShortCode('mnpqrstuvw')).toMatchObject({ tokenId: 'live' });
    expect(await second.byShortCode('abcdefghjk')).toBeNull();
    expect(second.isRevoked('live')).toBe(true);
    expect(second.isRevoked('old')).toBe(false);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.includes('"live"'))).toBe(true);
    await second.close();
  });
});
