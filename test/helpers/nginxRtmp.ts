import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { until } from './poll.js';
import { tempDir } from './tmp.js';

/** Debian's nginx with its RTMP module (libnginx-mod-rtmp), which CI installs. */
export const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface RtmpIngest {
  /** `rtmp://127.0.0.1:<port>/live/` — add a stream key. */
  base: string;
  /** The FLV files it recorded, oldest first, with their sizes. */
  recordings(): { file: string; bytes: number }[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An RTMP ingest as a portal or a TV station's encoder runs one: nginx-rtmp on a loopback port, recording every
 * stream it receives as FLV in a temporary folder (one file per connection).
 */
export async function startRtmpIngest(port: number): Promise<RtmpIngest> {
  const { dir, remove } = await tempDir('diemcau-rtmp-');
  const recorded = join(dir, 'rec');
  await mkdir(recorded, { recursive: true });
  await mkdir(join(dir, 'logs'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    [
      `load_module ${RTMP_MODULE};`,
      'daemon off;',
      // One process, as the test's user: it writes the recordings itself.
      'master_process off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs', 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'rtmp {',
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    application live {',
      '      live on;',
      '      record all;',
      `      record_path ${recorded};`,
      '      record_unique on;',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const launch = async () => {
    const started = spawn('nginx', ['-p', dir, '-c', conf], { stdio: 'ignore' });
    child = started;
    await until(async () => started.exitCode === null && (await accepts(port)), 10_000, 'nginx-rtmp listening');
  };
  const halt = async () => {
    const running = child;
    child = null;
    if (running !== null && running.exitCode === null) {
      running.kill('SIGKILL');
      await until(() => running.exitCode !== null || running.signalCode !== null, 10_000, 'nginx stopped');
    }
  };
  await launch();

  return {
    base: `rtmp://127.0.0.1:${port}/live/`,
    recordings: () =>
      existsSync(recorded)
        ? readdirSync(recorded)
            .filter((name) => name.endsWith('.flv'))
            .map((name) => ({ file: join(recorded, name), bytes: statSync(join(recorded, name)).size }))
            .sort((a, b) => statSync(a.file).mtimeMs - statSync(b.file).mtimeMs)
        : [],
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      await halt();
      await remove();
    },
  };
}

/** Whether something accepts TCP connections on a loopback port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
