import { execFile, spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { TEST_WORKER_BIN } from '../helpers/mediasoup.js';
import { freePort, until } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';
import { eventually, launchChromium, openMediaPage } from './browser.js';

const run = promisify(execFile);
const tools = ['buildah', 'podman', 'debootstrap', 'runc'].every((tool) => spawnSync(tool, ['--version']).status === 0);
const root = process.getuid?.() === 0;
/** Where the base and the bundle are kept between runs on one machine (CI starts clean). */
const CACHE = process.env.IMAGE_CACHE_DIR ?? '/var/tmp/diemcau-image-cache';
const ADMIN_KEY = 'k'.repeat(40);

/** What the test changes in the pod file's objects. */
interface KubeObject {
  kind: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    containers?: {
      name: string;
      image: string;
      args?: string[];
      command?: string[];
      readinessProbe?: { httpGet?: { port: number } };
      livenessProbe?: { httpGet?: { port: number } };
    }[];
  };
}

/**
 * The container as a province's IT deploys it: `npm run image` (debootstrap + buildah, no registry, no Docker daemon)
 * builds the slim image; `podman kube play` plays infra/kube/diemcau.yaml (coordinator, Redis, coturn) with this
 * test's settings; the coordinator answers /healthz, a browser room joins the demo meeting and decodes the chair on
 * mediasoup, the meeting's log is in Redis inside the pod (it survives the pod's stop and start), and the coordinator
 * runs as a non-root user that can write its volume and nothing else. This kernel refuses podman's default rlimits
 * and crun's hybrid cgroups: the test's own containers.conf uses runc and no default rlimits (README: a normal host
 * needs neither).
 */
describe.skipIf(!(tools && root) && process.env.CI !== 'true')('the OCI image and the pod', () => {
  let dir = '';
  let removeDir: () => Promise<void> = async () => undefined;
  let env: NodeJS.ProcessEnv = {};
  let tag = '';
  let kubeFile = '';
  let port = 0;
  let browser: Browser | null = null;
  const podman = (...args: string[]) => run('podman', args, { env, maxBuffer: 16 * 2 ** 20 });
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'x-api-key': ADMIN_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    ({ dir, remove: removeDir } = await tempDir('diemcau-image-'));
    // This test's own container storage and engine settings, not the machine's.
    await writeFile(
      join(dir, 'storage.conf'),
      `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
    );
    await writeFile(
      join(dir, 'containers.conf'),
      '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
    );
    env = {
      ...process.env,
      CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
      CONTAINERS_CONF: join(dir, 'containers.conf'),
      IMAGE_CACHE_DIR: CACHE,
      IMAGE_OUT_DIR: join(dir, 'out'),
      MEDIASOUP_WORKER_BIN: TEST_WORKER_BIN ?? '',
    };
    const built = await run('bash', ['infra/image/build.sh', '--slim', '--save'], {
      env,
      maxBuffer: 64 * 2 ** 20,
      timeout: 20 * 60_000,
    });
    tag = built.stdout.trim().split('\n').at(-1) ?? '';
    process.stdout.write(
      `[image] ${built.stderr
        .split('\n')
        .filter((l) => l.startsWith('image:'))
        .join('\n')}\n`,
    );

    // The pod file as a province fills it in, with this test's loopback ports and keys.
    port = await freePort();
    const [mediaPort, redisPort] = [await freePort(), await freePort()];
    const objects = parseAllDocuments(await readFile('infra/kube/diemcau.yaml', 'utf8')).map(
      (document) => document.toJS() as KubeObject,
    );
    for (const object of objects) {
      if (object.kind === 'ConfigMap' && object.data !== undefined) {
        Object.assign(object.data, {
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          MEDIA_LISTEN_IP: '127.0.0.1',
          MEDIA_ANNOUNCED_IP: '127.0.0.1',
          MEDIA_PORT_MIN: String(mediaPort),
          MEDIASOUP_WORKERS: '1',
          TURN_URLS: '',
          COOKIE_SECURE: 'off',
        });
      }
      if (object.kind === 'Secret' && object.stringData !== undefined) {
        Object.assign(object.stringData, { ADMIN_API_KEY: ADMIN_KEY, JWT_SECRET: 'j'.repeat(64) });
      }
      for (const container of object.spec?.containers ?? []) {
        container.image = tag;
        if (container.name === 'coordinator') {
          container.args = ['--demo'];
          for (const probe of [container.readinessProbe, container.livenessProbe]) {
            if (probe?.httpGet !== undefined) {
              probe.httpGet.port = port;
            }
          }
        }
        if (container.name === 'redis') {
          container.args = (container.args ?? []).map((arg) => (arg === '6379' ? String(redisPort) : arg));
        }
        if (container.name === 'coturn') {
          // TURN's ports are the host's: this test keeps to the coordinator and Redis.
          container.command = ['/bin/sh', '-c'];
          container.args = ['exec sleep infinity'];
        }
      }
    }
    // Debian 12's podman (4.3) cannot take the Secret from the file: it reads a Secret's keys from a podman secret
    // holding them as JSON, each value in base64. Made here as an operator on that podman would (README).
    const secret = objects.find((o) => o.kind === 'Secret');
    const secretFile = join(dir, 'secret.json');
    await writeFile(
      secretFile,
      JSON.stringify(
        Object.fromEntries(
          Object.entries(secret?.stringData ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
        ),
      ),
    );
    await podman('secret', 'create', 'diemcau-secret', secretFile);
    kubeFile = join(dir, 'diemcau.yaml');
    await writeFile(
      kubeFile,
      objects
        .filter((o) => o !== secret)
        .map((o) => stringify(o))
        .join('---\n'),
    );
    await podman('kube', 'play', kubeFile);
  }, 30 * 60_000);

  afterAll(async () => {
    await browser?.close();
    if (kubeFile !== '') {
      await podman('kube', 'down', kubeFile).catch(() => undefined);
      await podman('volume', 'rm', '-f', 'diemcau-data', 'diemcau-redis').catch(() => undefined);
      await podman('secret', 'rm', 'diemcau-secret').catch(() => undefined);
    }
    await rm(join(dir, 'graph'), { recursive: true, force: true }).catch(() => undefined);
    await removeDir();
  });

  it('is built from Debian without a registry, runs as a non-root user, checks its health, and is saved for podman load', async () => {
    expect(tag).toMatch(/^localhost\/diemcau:[\d.]+-slim$/);
    const inspected = JSON.parse((await run('buildah', ['inspect', '--type', 'image', tag], { env })).stdout) as {
      Docker: { config: { User: string; Entrypoint: string[]; Healthcheck: { Test: string[] } } };
    };
    expect(inspected.Docker.config).toMatchObject({ User: '10001:10001', Entrypoint: ['/opt/diemcau/start'] });
    expect(inspected.Docker.config.Healthcheck.Test.join(' ')).toContain('healthcheck.mjs');
    const archives = (await run('ls', [join(dir, 'out')])).stdout.trim().split('\n');
    expect(archives.some((name) => name.endsWith('-slim.oci.tar'))).toBe(true);
  });

  it('plays as a pod: /healthz answers through its port, and a browser room decodes the chair on mediasoup', async () => {
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true,
      60_000,
      'the coordinator in the pod answering',
    ).catch(async (error: unknown) => {
      const logs = await Promise.all(
        ['diemcau-redis', 'diemcau-coordinator'].map((name) =>
          podman('logs', '--tail', '20', name).catch((e: { stderr?: string }) => e),
        ),
      );
      throw new Error(`${String(error)}\n${logs.map((l) => JSON.stringify(l).slice(-1500)).join('\n')}`);
    });
    const { meetings } = (await (await api('GET', '/api/meetings')).json()) as { meetings: { id: string }[] };
    const meetingId = meetings[0]?.id ?? '';
    expect(meetingId).toMatch(/^demo-/);
    // The demo's banner in the container's log gives its links, as it gives them to a person: the chair's, a point's.
    let banner = '';
    await until(
      async () => (banner = (await podman('logs', 'diemcau-coordinator')).stdout).includes('Kỹ thuật viên'),
      60_000,
      "the demo's banner",
    );
    const linkOf = (label: RegExp) =>
      new URL(
        banner
          .split('\n')
          .find((line) => label.test(line))
          ?.match(/https?:\S+/)?.[0] ?? 'http://x/',
      ).searchParams.get('token') ?? '';
    const chairToken = linkOf(/Chủ trì \(chair\)/);
    const pointToken = linkOf(/Điểm cầu \(point /);
    expect(chairToken).not.toBe('');
    expect(pointToken).not.toBe('');
    const token = async (role: string) => (role === 'chair' ? chairToken : pointToken);
    browser = await launchChromium();
    const site = { url: `http://127.0.0.1:${port}`, token };
    await openMediaPage(browser, site as never, 'chair', undefined, { width: 1280, height: 720 }).catch(
      async (error: unknown) => {
        const logs = await podman('logs', '--tail', '15', 'diemcau-coordinator').catch((e: { stderr?: string }) => e);
        throw new Error(`${String(error)}\n${JSON.stringify(logs).slice(-2500)}`);
      },
    );
    const { page } = await openMediaPage(browser, site as never, 'point', undefined, { width: 1280, height: 720 });
    await eventually(async () => {
      const decoded = await page.evaluate(() =>
        Array.from(document.querySelectorAll('video')).reduce(
          (sum, video) => sum + video.getVideoPlaybackQuality().totalVideoFrames,
          0,
        ),
      );
      expect(decoded).toBeGreaterThan(10);
    }, 60_000);
    const health = await podman('healthcheck', 'run', 'diemcau-coordinator').catch(
      (error: { stdout?: string }) => error,
    );
    expect(JSON.stringify(health)).not.toContain('unhealthy');
  }, 240_000);

  it('keeps the meeting in Redis inside the pod: stopped and started, the meeting and its log are still there', async () => {
    const { meetings } = (await (await api('GET', '/api/meetings')).json()) as {
      meetings: { id: string; seq?: number }[];
    };
    const meetingId = meetings[0]?.id ?? '';
    const before = (await (await api('GET', `/api/meetings/${meetingId}/events`)).json()) as
      unknown[] | { events: unknown[] };
    const count = (Array.isArray(before) ? before : before.events).length;
    expect(count).toBeGreaterThan(1);
    await podman('pod', 'stop', '--time', '30', 'diemcau');
    // SIGTERM: the coordinator ends its work within the grace period by itself (0, or 1 when Redis went first and it
    // said what it could not flush), never killed at the end of it (137).
    const exited = (await podman('inspect', '--format', '{{.State.ExitCode}}', 'diemcau-coordinator')).stdout.trim();
    expect(['0', '1']).toContain(exited);
    expect((await podman('logs', '--tail', '30', 'diemcau-coordinator')).stdout).toContain('shutting down');
    await podman('pod', 'start', 'diemcau');
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true,
      120_000,
      'the coordinator back',
    );
    const after = (await (await api('GET', `/api/meetings/${meetingId}/events`)).json()) as
      unknown[] | { events: unknown[] };
    expect((Array.isArray(after) ? after : after.events).length).toBeGreaterThanOrEqual(count);
  }, 240_000);

  it('runs as user 10001 on a read-only root: it writes its volume and nothing else', async () => {
    expect((await podman('exec', 'diemcau-coordinator', 'id', '-u')).stdout.trim()).toBe('10001');
    const outside = await podman('exec', 'diemcau-coordinator', 'sh', '-c', 'touch /opt/diemcau/x').catch(
      (error: { stderr?: string }) => error,
    );
    expect(JSON.stringify(outside)).toMatch(/Read-only file system/);
    await podman(
      'exec',
      'diemcau-coordinator',
      'sh',
      '-c',
      'touch /var/lib/diemcau/written && rm /var/lib/diemcau/written',
    );
  });
});
