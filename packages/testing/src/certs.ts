// A fresh CA and server certificate per run, made with the openssl CLI.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCerts {
  caPath: string;
  ca: string;
  certPath: string;
  cert: string;
  keyPath: string;
  key: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'openssl is required to make the test certificates but was not found on PATH',
        {
          cause: err,
        },
      );
    }
    throw new Error(`openssl ${args[0] ?? ''} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
}

/** Which names the server certificate carries. */
export interface CertOptions {
  /** subjectAltName entries (default `DNS:localhost`, `IP:127.0.0.1`). */
  subjectAltNames?: readonly string[];
}

/** Writes ca.crt, ca.key, server.crt, server.key into `dir` (SAN localhost, 127.0.0.1 unless told). */
export async function makeCerts(dir: string, o: CertOptions = {}): Promise<TestCerts> {
  const names = o.subjectAltNames ?? ['DNS:localhost', 'IP:127.0.0.1'];
  const tag = randomBytes(4).toString('hex');
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '3',
      '-subj',
      `/CN=s3enc test CA ${tag}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await writeFile(
    join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${names.join(',')}`,
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      `/CN=${(names[0] ?? 'DNS:localhost').replace(/^[A-Z]+:/, '')}`,
    ],
    dir,
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '3',
      '-sha256',
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ],
    dir,
  );
  const caPath = join(dir, 'ca.crt');
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  return {
    caPath,
    ca: await readFile(caPath, 'utf8'),
    certPath,
    cert: await readFile(certPath, 'utf8'),
    keyPath,
    key: await readFile(keyPath, 'utf8'),
  };
}
