import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';

/** A certificate and its key, checked to belong together and to be valid now. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** When the certificate expires (epoch ms), for the start-up log and a warning ahead of time. */
  validTo: number;
  /** The names and addresses it is good for, as browsers check them. */
  names: string[];
}

/** Below this, the start-up log warns that the certificate must be renewed soon. */
export const RENEW_WITHIN_MS = 14 * 24 * 3600 * 1000;

const fail = (vi: string, en: string) => new Error(`${vi} (${en})`);

/**
 * Reads `TLS_CERT` and `TLS_KEY` and refuses, with the reason, what a browser would refuse or what could serve the
 * wrong site: a file that cannot be read, a certificate that is not PEM, a key that is not its own, a certificate
 * not yet valid or expired. Nothing is served until this passes, so a broken certificate never falls back to HTTP.
 */
export function loadTls(certPath: string, keyPath: string, now: number): TlsMaterial {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw fail(`không đọc được ${what} ${path}`, `cannot read ${(error as Error).message}`);
    }
  };
  const cert = read(certPath, 'chứng chỉ TLS_CERT');
  const key = read(keyPath, 'khóa TLS_KEY');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw fail(`TLS_CERT ${certPath} không phải chứng chỉ PEM`, 'not a PEM certificate');
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw fail(`TLS_KEY ${keyPath} không phải khóa riêng PEM`, 'not a PEM private key');
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw fail('TLS_KEY không khớp với chứng chỉ TLS_CERT', 'the key does not match the certificate');
  }
  const validFrom = Date.parse(certificate.validFrom);
  const validTo = Date.parse(certificate.validTo);
  if (now >= validTo) {
    throw fail(`chứng chỉ TLS_CERT đã hết hạn (${certificate.validTo})`, 'the certificate has expired');
  }
  if (now < validFrom) {
    throw fail(`chứng chỉ TLS_CERT chưa có hiệu lực (${certificate.validFrom})`, 'the certificate is not valid yet');
  }
  const names = (certificate.subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim().replace(/^(DNS|IP Address):/, ''))
    .filter((entry) => entry !== '');

  return { cert, key, validTo, names };
}

/**
 * The plain-HTTP port of a coordinator that serves HTTPS: it only redirects, to the same path on the public HTTPS
 * address (never to the Host header's, so it cannot be made to send people elsewhere), and serves nothing itself.
 */
export function redirectServer(publicUrl: string): HttpServer {
  const origin = new URL(publicUrl).origin;

  return createHttpServer((req, res) => {
    const target = `${origin}${req.url?.startsWith('/') === true ? req.url : '/'}`;
    res.writeHead(308, { location: target, 'content-type': 'text/plain; charset=utf-8' });
    res.end(`Hãy dùng địa chỉ an toàn (use the HTTPS address): ${target}\n`);
  });
}
