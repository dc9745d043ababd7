import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);

/** The accept queue a join storm meets: what the kernel reports for the coordinator's listening socket. */
describe('the listening socket holds a join storm', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ env: { LISTEN_BACKLOG: '1500' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is listening with LISTEN_BACKLOG (as far as net.core.somaxconn allows), not Node’s 511', async () => {
    const port = new URL(t.url).port;
    // For a listening socket, ss reports the backlog as Send-Q.
    const { stdout } = await run('ss', ['-ltnH', `sport = :${port}`]);
    const [, , sendQ] = stdout.trim().split(/\s+/);
    const somaxconn = Number((await readFile('/proc/sys/net/core/somaxconn', 'utf8')).trim());
    expect(Number(sendQ)).toBe(Math.min(1500, somaxconn));
  });

  it('refuses a backlog that is not a positive whole number', () => {
    expect(() => loadConfig({ LISTEN_BACKLOG: '0' })).toThrow(/LISTEN_BACKLOG/);
    expect(() => loadConfig({ LISTEN_BACKLOG: 'nhiều' })).toThrow(/LISTEN_BACKLOG/);
    expect(loadConfig({}).LISTEN_BACKLOG).toBe(4096);
  });
});
