import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { until } from './poll.js';

export interface CoturnOptions {
  dir: string;
  listenIp: string;
  port: number;
  tlsPort: number;
  secret: string;
  mediaHostIp: string;
  cert: string;
  key: string;
  minPort?: number;
  maxPort?: number;
}

export interface Coturn {
  log(): Promise<string>;
  stop(): Promise<void>;
}

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Debian's coturn, started with the project's own configuration (infra/coturn/turnserver.conf.template) filled in
 * for a test; resolves once its TLS port accepts connections.
 */
export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const logFile = join(options.dir, 'turn.log');
  const template = await readFile(new URL('../../infra/coturn/turnserver.conf.template', import.meta.url), 'utf8');
  const values: Record<string, string> = {
    LISTEN_IP: options.listenIp,
    PORT: String(options.port),
    TLS_PORT: String(options.tlsPort),
    RELAY_IP: options.listenIp,
    MIN_PORT: String(options.minPort ?? 49_160),
    MAX_PORT: String(options.maxPort ?? 49_200),
    SECRET: options.secret,
    REALM: 'diemcau.test',
    CERT: options.cert,
    KEY: options.key,
    MEDIA_HOST_IP: options.mediaHostIp,
    LOG_FILE: logFile,
    PID_FILE: join(options.dir, 'turn.pid'),
  };
  const config = template.replace(/@([A-Z_]+)@/g, (_, name: string) => values[name] ?? `@${name}@`);
  const path = join(options.dir, 'turnserver.conf');
  await writeFile(path, config);
  const child: ChildProcess = spawn('turnserver', ['-c', path, '--no-stdout-log'], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  await until(async () => exited || (await reachable(options.listenIp, options.tlsPort)), 30_000, 'coturn listening');
  if (exited) {
    throw new Error(`coturn did not start: ${await readFile(logFile, 'utf8').catch(() => '')}`);
  }

  return {
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
    },
  };
}
