import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_WORKER_BIN, mediasoupAvailable } from '../helpers/mediasoup.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

/**
 * The air-gapped install: `npm run bundle`, unpacked elsewhere, started inside a network namespace with only loopback
 * and no `node` on the PATH; its server is compiled JavaScript. It answers /healthz and carries media with mediasoup.
 */
describe.skipIf(!mediasoupAvailable())('offline bundle', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(cleanups.map((c) => c()));
  });

  it('starts offline from its own directory with its own Node and mediasoup worker', async () => {
    const out = await tempDir('diemcau-bundle-out-');
    const target = await tempDir('diemcau-bundle-run-');
    cleanups.push(out.remove, target.remove);
    const built = await run('bash', ['infra/bundle/build.sh'], {
      env: { ...process.env, BUNDLE_OUT_DIR: out.dir, MEDIASOUP_WORKER_BIN: TEST_WORKER_BIN ?? '' },
      maxBuffer: 16 * 2 ** 20,
    });
    const tarball = built.stdout.trim().split('\n').at(-1) ?? '';
    expect(tarball).toMatch(/diemcau-.*\.tar\.gz$/);
    await run('tar', ['-C', target.dir, '-xzf', tarball]);
    const dir = join(target.dir, (await run('ls', [target.dir])).stdout.trim());
    // Compiled JavaScript, started by Node itself: no TypeScript sources, no transpiler among the dependencies.
    expect((await run('find', [join(dir, 'server'), '-name', '*.ts'])).stdout.trim()).toBe('');
    expect(existsSync(join(dir, 'server', 'main.js'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'tsx'))).toBe(false);
    // Inside the namespace: loopback up, the bundle started with an environment of nothing but its settings and a
    // PATH without node, then /healthz read with bash's own /dev/tcp.
    const probe = join(target.dir, 'probe.sh');
    await writeFile(
      probe,
      `set -u
ip link set lo up
cd '${dir}'
env -i PATH=/nonexistent HOME='${target.dir}' PORT=3999 HOST=127.0.0.1 MEDIA_LISTEN_IP=127.0.0.1 \\
  DATA_DIR='${target.dir}/data' LOG_LEVEL=info ./start --demo > '${target.dir}/server.log' 2>&1 &
pid=$!
status=none
for i in $(seq 1 120); do
  if exec 3<>/dev/tcp/127.0.0.1/3999; then
    printf 'GET /healthz HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3
    status=$(head -1 <&3)
    exec 3>&-
    break
  fi
  sleep 0.5
done 2>/dev/null
echo "healthz: $status"
kill $pid; wait $pid
`,
    );
    const { stdout } = await run('unshare', ['-n', 'bash', probe], { timeout: 90_000 });
    const log = await readFile(join(target.dir, 'server.log'), 'utf8');
    expect(stdout, log).toMatch(/healthz: HTTP\/1\.1 200/);
    expect(log).toContain('"msg":"media bridge: mediasoup"');
  }, 180_000);
});
