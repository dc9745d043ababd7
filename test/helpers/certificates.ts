import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A GET over HTTPS trusting only this CA (Node's own trust store left aside); the status, headers and body. */
export function getWithCa(
  url: string,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  cert: Buffer;
}

export interface TestCa extends TestCertificate {
  dir: string;
  /** Issues a server certificate for these names (DNS names or IP addresses), signed by this CA. */
  issue(name: string, names: string[]): Promise<TestCertificate>;
}

/** An internal CA made with openssl in `dir`, as a province's IT would make one (P-256 keys, valid two days). */
export async function makeTestCa(dir: string): Promise<TestCa> {
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca.key');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    '/O=So TTTT thu nghiem/CN=diemcau test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);

  return {
    dir,
    certPath,
    keyPath,
    cert: await readFile(certPath),
    async issue(name, names) {
      const leafKey = join(dir, `${name}.key`);
      const leafCsr = join(dir, `${name}.csr`);
      const leafCert = join(dir, `${name}.pem`);
      const extensions = join(dir, `${name}.ext`);
      const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      await writeFile(
        extensions,
        `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n`,
      );
      await run('openssl', ['req', '-new', ...ecKey, '-keyout', leafKey, '-out', leafCsr, '-subj', `/CN=${names[0]}`]);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        leafCsr,
        '-CA',
        certPath,
        '-CAkey',
        keyPath,
        '-CAcreateserial',
        '-out',
        leafCert,
        '-days',
        '2',
        '-extfile',
        extensions,
      ]);

      return { certPath: leafCert, keyPath: leafKey, cert: await readFile(leafCert) };
    },
  };
}
