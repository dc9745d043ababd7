import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory and its cleanup. */
export async function tempDir(prefix = 'diemcau-test-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));

  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
