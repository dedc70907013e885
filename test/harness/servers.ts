// Starts (or describes) the servers the integration tests talk to:
//   - MinIO, TLS, single drive, SSE-KMS/SSE-S3 via MINIO_KMS_SECRET_KEY;
//   - local-kms on a loopback port, reachable only through a TLS terminator;
// or, with S3ENC_TEST_* variables, existing servers (docs/testing.md).
// Imports nothing from vitest, so globalSetup and plain scripts can use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { makeCerts, type TestCerts } from './certs.js';
import { localKmsBinary, minioBinary } from './paths.js';
import { startTlsProxy, type TlsProxy } from './tls-proxy.js';
import type { TestCredentials, TestEnv, TestKmsKey } from './types.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '111122223333';
export const MINIO_ROOT_USER = 's3enc-test-root';
export const MINIO_ROOT_PASSWORD = 's3enc-test-root-secret-0123456789';
const LOCAL_KMS_CREDENTIALS: TestCredentials = {
  accessKeyId: 'AKIAS3ENCLOCALKMS000',
  secretAccessKey: 'local-kms-does-not-check-signatures',
};
// Test-only key material (a fresh local-kms database is made for every run).
const SEED_KEYS = [
  {
    name: 'primary',
    keyId: '8f3c2a6e-1b4d-4e8a-9c2f-5a7b9d1e3f01',
    alias: 'alias/s3enc-test-primary',
    backingKey: '5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9',
  },
  {
    name: 'secondary',
    keyId: '2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e02',
    alias: 'alias/s3enc-test-secondary',
    backingKey: '34743777217a25432a46294a404e635266556a586e3272357538782f413f4428',
  },
] as const;

export interface TestServers {
  env: TestEnv;
  /** Stops whatever was started and removes the run's temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Progress messages (default: none). */
  log?: (msg: string) => void;
}

const arnOf = (keyId: string) => `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:key/${keyId}`;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The process tree of one run: children, their pid file for the reaper, cleanup on exit. */
class Run {
  readonly dir: string;
  private children: ChildProcess[] = [];
  private reaper: ChildProcess | undefined;
  private readonly onExit = () => {
    this.killAllSync();
  };

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 's3enc-test-'));
    process.on('exit', this.onExit);
    const reaperPath = fileURLToPath(new URL('./reaper.mjs', import.meta.url));
    this.reaper = spawn(process.execPath, [reaperPath, String(process.pid), this.dir], {
      detached: true,
      stdio: 'ignore',
    });
    this.reaper.unref();
  }

  spawn(name: string, bin: string, args: string[], env: Record<string, string>): ChildProcess {
    const logPath = join(this.dir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(bin, args, {
        cwd: this.dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, S3ENC_HARNESS_RUN: this.dir },
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    child.on('error', (err) => {
      appendFileSync(logPath, `\nspawn error: ${err.message}\n`);
    });
    if (child.pid !== undefined) appendFileSync(join(this.dir, 'pids'), `${child.pid}\n`);
    this.children.push(child);
    return child;
  }

  private killAllSync(): void {
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    if (!process.env.S3ENC_TEST_KEEP_RUN_DIR) rmSync(this.dir, { recursive: true, force: true });
    try {
      this.reaper?.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }

  async stop(): Promise<void> {
    process.off('exit', this.onExit);
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise<void>((r) => {
          c.once('exit', () => {
            r();
          });
        });
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }),
    );
    this.killAllSync();
  }
}

async function waitFor(
  what: string,
  child: ChildProcess,
  logFile: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${what} exited during startup (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`,
      );
    }
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s:\n${tail(logFile)}`);
}

function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function kmsPing(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        timeout: 2000,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'TrentService.ListAliases',
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end('{}');
  });
}

async function startMinio(run: Run, certs: TestCerts, log: (m: string) => void): Promise<string> {
  const bin = minioBinary();
  const certsDir = join(run.dir, 'minio-certs');
  await mkdir(join(certsDir, 'CAs'), { recursive: true });
  await writeFile(join(certsDir, 'public.crt'), certs.cert);
  await writeFile(join(certsDir, 'private.key'), certs.key, { mode: 0o600 });
  const dataDir = join(run.dir, 'minio-data');
  await mkdir(dataDir);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const consolePort = await freePort();
    const child = run.spawn(
      'minio',
      bin,
      [
        'server',
        '--quiet',
        '--address',
        `127.0.0.1:${port}`,
        '--console-address',
        `127.0.0.1:${consolePort}`,
        '--certs-dir',
        certsDir,
        dataDir,
      ],
      {
        HOME: run.dir,
        MINIO_ROOT_USER,
        MINIO_ROOT_PASSWORD,
        MINIO_KMS_SECRET_KEY: `s3enc-test-key:${randomBytes(32).toString('base64')}`,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
        MINIO_REGION: LOCAL_REGION,
      },
    );
    const endpoint = `https://127.0.0.1:${port}`;
    try {
      await waitFor(
        'MinIO',
        child,
        join(run.dir, 'minio.log'),
        async () => (await httpsStatus(`${endpoint}/minio/health/live`, certs.ca)) === 200,
      );
      log(`MinIO ready at ${endpoint}`);
      return endpoint;
    } catch (err) {
      if (attempt >= 3 || child.exitCode === null) throw err; // a port clash makes it exit
      log(`MinIO failed to start (attempt ${attempt}), retrying on another port`);
    }
  }
}

function seedYaml(): string {
  const keys = SEED_KEYS.map(
    (k) =>
      `      - Metadata:\n          KeyId: ${k.keyId}\n          Description: s3enc test ${k.name} key\n` +
      `        BackingKeys:\n          - ${k.backingKey}\n`,
  ).join('');
  const aliases = SEED_KEYS.map(
    (k) => `  - AliasName: ${k.alias}\n    TargetKeyId: ${k.keyId}\n`,
  ).join('');
  return `Keys:\n  Symmetric:\n    Aes:\n${keys}\nAliases:\n${aliases}`;
}

async function startKms(
  run: Run,
  certs: TestCerts,
  log: (m: string) => void,
): Promise<{ endpoint: string; proxy: TlsProxy }> {
  const bin = localKmsBinary();
  const seedPath = join(run.dir, 'kms-seed.yaml');
  await writeFile(seedPath, seedYaml());
  const dataDir = join(run.dir, 'kms-data');
  await mkdir(dataDir);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = run.spawn('local-kms', bin, [], {
      HOME: run.dir,
      PORT: String(port),
      KMS_SEED_PATH: seedPath,
      KMS_DATA_PATH: dataDir,
      KMS_REGION: LOCAL_REGION,
      KMS_ACCOUNT_ID: LOCAL_ACCOUNT_ID,
    });
    try {
      await waitFor('local-kms', child, join(run.dir, 'local-kms.log'), () => kmsPing(port));
      const proxy = await startTlsProxy({ cert: certs.cert, key: certs.key, targetPort: port });
      const endpoint = `https://127.0.0.1:${proxy.port}`;
      log(`local-kms ready on 127.0.0.1:${port}, TLS terminator at ${endpoint}`);
      return { endpoint, proxy };
    } catch (err) {
      if (attempt >= 3 || child.exitCode === null) throw err;
      log(`local-kms failed to start (attempt ${attempt}), retrying on another port`);
    }
  }
}

function localKey(k: (typeof SEED_KEYS)[number]): TestKmsKey {
  return { keyId: k.keyId, arn: arnOf(k.keyId), alias: k.alias };
}

function credentialsFrom(prefix: string): TestCredentials | undefined {
  const accessKeyId = process.env[`${prefix}_ACCESS_KEY_ID`];
  const secretAccessKey = process.env[`${prefix}_SECRET_ACCESS_KEY`];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = process.env[`${prefix}_SESSION_TOKEN`];
  return sessionToken
    ? { accessKeyId, secretAccessKey, sessionToken }
    : { accessKeyId, secretAccessKey };
}

async function externalKey(id: string, kms: TestEnv['kms'], ca: string): Promise<TestKmsKey> {
  const alias = id.startsWith('alias/') ? id : '';
  let arn = id.startsWith('arn:') ? id : '';
  const client = new KMSClient({
    endpoint: kms.endpoint,
    region: kms.region,
    credentials: kms.credentials,
    ...(ca
      ? { requestHandler: { httpsAgent: new https.Agent({ ca, minVersion: 'TLSv1.2' }) } }
      : {}),
  });
  try {
    const out = await client.send(new DescribeKeyCommand({ KeyId: id }));
    arn = out.KeyMetadata?.Arn ?? arn;
  } catch (err) {
    throw new Error(
      `DescribeKey(${id}) against ${kms.endpoint} failed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    client.destroy();
  }
  return { keyId: id, arn: arn || id, alias };
}

/**
 * Starts the local servers, or uses existing ones named by S3ENC_TEST_* variables:
 * S3 is external when S3ENC_TEST_S3_ENDPOINT is set; KMS is external when
 * S3ENC_TEST_KMS_ENDPOINT or S3ENC_TEST_KMS_KEY_ID is set. Only what is not external is started.
 */
export async function startTestServers(o: StartOptions = {}): Promise<TestServers> {
  const log = o.log ?? (() => {});
  const e = process.env;
  const s3External = Boolean(e.S3ENC_TEST_S3_ENDPOINT);
  const kmsExternal = Boolean(e.S3ENC_TEST_KMS_ENDPOINT || e.S3ENC_TEST_KMS_KEY_ID);
  const externalCa = e.S3ENC_TEST_CA_FILE ? await readFile(e.S3ENC_TEST_CA_FILE, 'utf8') : '';

  let run: Run | undefined;
  let proxy: TlsProxy | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await proxy?.close();
    await run?.stop();
  };

  try {
    let certs: TestCerts | undefined;
    if (!s3External || !kmsExternal) {
      run = new Run();
      certs = await makeCerts(run.dir);
      log(`run dir ${run.dir}`);
    }
    const ca = [externalCa, certs?.ca ?? ''].filter(Boolean).join('\n');
    let caPath = '';
    if (certs && !externalCa) caPath = certs.caPath;
    else if (certs && run) {
      caPath = join(run.dir, 'ca-bundle.pem');
      await writeFile(caPath, ca);
    } else if (externalCa) caPath = e.S3ENC_TEST_CA_FILE!;

    let s3: TestEnv['s3'];
    if (s3External) {
      const credentials = credentialsFrom('S3ENC_TEST_S3') ?? credentialsFrom('AWS');
      if (!credentials) {
        throw new Error(
          'S3ENC_TEST_S3_ENDPOINT is set but no credentials: set S3ENC_TEST_S3_ACCESS_KEY_ID and ' +
            'S3ENC_TEST_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)',
        );
      }
      const endpoint = e.S3ENC_TEST_S3_ENDPOINT!;
      const fps = e.S3ENC_TEST_S3_FORCE_PATH_STYLE;
      s3 = {
        endpoint,
        region: e.S3ENC_TEST_S3_REGION || 'us-east-1',
        credentials,
        forcePathStyle: fps ? fps !== '0' && fps !== 'false' : !/amazonaws\.com/.test(endpoint),
      };
    } else {
      const endpoint = await startMinio(run!, certs!, log);
      s3 = {
        endpoint,
        region: LOCAL_REGION,
        credentials: { accessKeyId: MINIO_ROOT_USER, secretAccessKey: MINIO_ROOT_PASSWORD },
        forcePathStyle: true,
      };
    }

    let kms: TestEnv['kms'];
    let kmsKeys: TestEnv['kmsKeys'];
    if (kmsExternal) {
      const region = e.S3ENC_TEST_KMS_REGION || e.S3ENC_TEST_S3_REGION || 'us-east-1';
      const credentials =
        credentialsFrom('S3ENC_TEST_KMS') ??
        (s3External ? s3.credentials : undefined) ??
        credentialsFrom('AWS');
      if (!credentials) {
        throw new Error(
          'External KMS configured but no credentials: set S3ENC_TEST_KMS_ACCESS_KEY_ID and ' +
            'S3ENC_TEST_KMS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)',
        );
      }
      const id1 = e.S3ENC_TEST_KMS_KEY_ID;
      const id2 = e.S3ENC_TEST_KMS_KEY_ID_2;
      if (!id1 || !id2) {
        throw new Error(
          'External KMS needs two symmetric keys: set S3ENC_TEST_KMS_KEY_ID and S3ENC_TEST_KMS_KEY_ID_2',
        );
      }
      kms = {
        endpoint: e.S3ENC_TEST_KMS_ENDPOINT || `https://kms.${region}.amazonaws.com`,
        region,
        credentials,
      };
      kmsKeys = {
        primary: await externalKey(id1, kms, ca),
        secondary: await externalKey(id2, kms, ca),
      };
    } else {
      const started = await startKms(run!, certs!, log);
      proxy = started.proxy;
      kms = {
        endpoint: started.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_KMS_CREDENTIALS,
      };
      kmsKeys = { primary: localKey(SEED_KEYS[0]), secondary: localKey(SEED_KEYS[1]) };
    }

    const env: TestEnv = { s3, kms, ca, caPath, kmsKeys, external: s3External || kmsExternal };
    return { env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
