import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectMeeting } from '../../server/protocol/client.js';
import { getWithCa, makeTestCa, type TestCa, type TestCertificate } from '../helpers/certificates.js';
import { freePort } from '../helpers/poll.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

function getPlain(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    })
      .on('error', reject)
      .end();
  });
}

/** The coordinator serving HTTPS itself, with a certificate from an internal CA made here. */
describe('HTTPS served by the coordinator', () => {
  let ca: TestCa;
  let leaf: TestCertificate;
  let t: TestServer;
  let redirectPort: number;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const made = await tempDir('diemcau-tls-');
    remove = made.remove;
    ca = await makeTestCa(made.dir);
    leaf = await ca.issue('coordinator', ['localhost', '127.0.0.1']);
    redirectPort = await freePort();
    t = await startTestServer({
      env: {
        TLS_CERT: leaf.certPath,
        TLS_KEY: leaf.keyPath,
        HTTP_REDIRECT_PORT: String(redirectPort),
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await remove?.();
  });

  it('serves the API and the consoles over HTTPS, trusted through the internal CA; sockets connect over wss', async () => {
    expect(t.url.startsWith('https://127.0.0.1:')).toBe(true);
    const health = await getWithCa(`${t.url}/healthz`, ca.cert);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ok: true });
    // Not trusted without the CA: nothing is served insecurely by accident, and nothing pretends to be trusted.
    await expect(getWithCa(`${t.url}/healthz`, Buffer.from(''))).rejects.toThrow();
    const { socket, snapshot } = await connectMeeting(t.url, await t.token('point', 'DC-X1'), {
      reconnection: false,
      ca: ca.cert.toString(),
    } as object);
    expect(snapshot.meeting.id).toBe('m1');
    socket.close();
  });

  it('the plain-HTTP port only redirects, to the public HTTPS address and the same path', async () => {
    const answer = await getPlain(`http://127.0.0.1:${redirectPort}/join?token=abc`);
    expect(answer.status).toBe(308);
    // (A test server on a random port announces the address it listens on.)
    expect(answer.location).toBe(`${t.url}/join?token=abc`);
    // A forged Host header does not choose where people are sent.
    const forged = await new Promise<string | undefined>((resolve, reject) => {
      httpRequest(`http://127.0.0.1:${redirectPort}/`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.headers.location);
      })
        .on('error', reject)
        .end();
    });
    expect(forged).toBe(`${t.url}/`);
  });

  it('refuses to start, saying why, with a key that is not the certificate’s, an expired certificate, or half a pair', async () => {
    const other = await ca.issue('other', ['localhost']);
    const { dir, remove: removeData } = await tempDir();
    const base = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const start = (env: Record<string, string>, now?: number) =>
      startServer(loadConfig({ ...base, ...env }), now === undefined ? {} : { now: () => now });
    try {
      await expect(start({ TLS_CERT: leaf.certPath, TLS_KEY: other.keyPath })).rejects.toThrow(
        'TLS_KEY không khớp với chứng chỉ TLS_CERT',
      );
      const validTo = Date.parse(new X509Certificate(leaf.cert).validTo);
      await expect(start({ TLS_CERT: leaf.certPath, TLS_KEY: leaf.keyPath }, validTo + 1000)).rejects.toThrow(
        'đã hết hạn',
      );
      await expect(start({ TLS_CERT: leaf.certPath, TLS_KEY: leaf.keyPath }, Date.UTC(2020, 0, 1))).rejects.toThrow(
        'chưa có hiệu lực',
      );
      const garbage = join(dir, 'not-a-cert.pem');
      await writeFile(garbage, 'hello');
      await expect(start({ TLS_CERT: garbage, TLS_KEY: leaf.keyPath })).rejects.toThrow('không phải chứng chỉ PEM');
      await expect(start({ TLS_CERT: join(dir, 'missing.pem'), TLS_KEY: leaf.keyPath })).rejects.toThrow(
        'không đọc được',
      );
      expect(() => loadConfig({ ...base, TLS_CERT: leaf.certPath })).toThrow('set TLS_CERT and TLS_KEY together');
      expect(() =>
        loadConfig({ ...base, TLS_CERT: leaf.certPath, TLS_KEY: leaf.keyPath, PUBLIC_URL: 'http://example.vn' }),
      ).toThrow('PUBLIC_URL must be an https:// address');
      expect(() => loadConfig({ ...base, HTTP_REDIRECT_PORT: '8080' })).toThrow('HTTP_REDIRECT_PORT redirects');
    } finally {
      await removeData();
    }
  });
});
