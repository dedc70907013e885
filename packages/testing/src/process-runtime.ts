// The process runtime: MinIO and local-kms as child processes of this Node process, on free
// loopback ports; local-kms (plain HTTP) only reached through the Node TLS terminator.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { localKmsBinary, minioBinary } from './binaries.js';
import type { TestCerts } from './certs.js';
import { freePort, httpsStatus, kmsPing, tail, waitUntil } from './probes.js';
import type { RunDir } from './run-dir.js';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  MINIO_ROOT_PASSWORD,
  MINIO_ROOT_USER,
  seedYaml,
} from './seed.js';
import { startTlsProxy } from './tls-proxy.js';

/** A started server: its https:// endpoint and how to stop what the run dir does not. */
export interface StartedServer {
  endpoint: string;
  stop(): Promise<void>;
}

const exitedEarly = (child: ChildProcess) => () =>
  child.exitCode !== null || child.signalCode !== null
    ? `exited during startup (${String(child.exitCode ?? child.signalCode)})`
    : undefined;

/** MinIO's environment in both runtimes: root user, a per-run KMS secret key, no console. */
export function minioEnv(region: string = LOCAL_REGION): Record<string, string> {
  return {
    MINIO_ROOT_USER,
    MINIO_ROOT_PASSWORD,
    MINIO_KMS_SECRET_KEY: `s3enc-test-key:${randomBytes(32).toString('base64')}`,
    MINIO_BROWSER: 'off',
    MINIO_UPDATE: 'off',
    MINIO_REGION: region,
  };
}

/** More MinIO servers in one run dir (replication tests): each its own name and Region. */
export interface MinioProcessOptions {
  /** Names its certs dir, data dir and log in the run dir (default `minio`). */
  readonly name?: string;
  /** `MINIO_REGION` (default {@link LOCAL_REGION}). */
  readonly region?: string;
}

/** local-kms's environment in both runtimes (PORT and paths added by the caller). */
export const localKmsEnv = (): Record<string, string> => ({
  KMS_REGION: LOCAL_REGION,
  KMS_ACCOUNT_ID: LOCAL_ACCOUNT_ID,
});

export async function startMinioProcess(
  run: RunDir,
  certs: TestCerts,
  log: (m: string) => void,
  o: MinioProcessOptions = {},
): Promise<StartedServer> {
  const bin = minioBinary();
  const name = o.name ?? 'minio';
  const certsDir = join(run.dir, `${name}-certs`);
  await mkdir(join(certsDir, 'CAs'), { recursive: true });
  await writeFile(join(certsDir, 'public.crt'), certs.cert);
  await writeFile(join(certsDir, 'private.key'), certs.key, { mode: 0o600 });
  // The run's CA among MinIO's trusted roots: a server of the run reaches another (bucket
  // replication to a remote target) over TLS.
  await writeFile(join(certsDir, 'CAs', 'ca.crt'), certs.ca);
  const dataDir = join(run.dir, `${name}-data`);
  await mkdir(dataDir);
  const logFile = join(run.dir, `${name}.log`);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const consolePort = await freePort();
    const child = run.spawn(
      name,
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
      { HOME: run.dir, ...minioEnv(o.region) },
    );
    const endpoint = `https://127.0.0.1:${port}`;
    try {
      await waitUntil(
        'MinIO',
        async () => (await httpsStatus(`${endpoint}/minio/health/live`, certs.ca)) === 200,
        { failed: exitedEarly(child), details: () => tail(logFile) },
      );
      log(`MinIO${o.name === undefined ? '' : ` (${o.name})`} ready at ${endpoint}`);
      return { endpoint, stop: async () => {} };
    } catch (err) {
      if (attempt >= 3 || child.exitCode === null) throw err; // a port clash makes it exit
      log(`MinIO failed to start (attempt ${attempt}), retrying on another port`);
    }
  }
}

export async function startKmsProcess(
  run: RunDir,
  certs: TestCerts,
  log: (m: string) => void,
): Promise<StartedServer> {
  const bin = localKmsBinary();
  const seedPath = join(run.dir, 'kms-seed.yaml');
  await writeFile(seedPath, seedYaml());
  const dataDir = join(run.dir, 'kms-data');
  await mkdir(dataDir);
  const logFile = join(run.dir, 'local-kms.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = run.spawn('local-kms', bin, [], {
      HOME: run.dir,
      PORT: String(port),
      KMS_SEED_PATH: seedPath,
      KMS_DATA_PATH: dataDir,
      ...localKmsEnv(),
    });
    try {
      await waitUntil('local-kms', () => kmsPing(port), {
        failed: exitedEarly(child),
        details: () => tail(logFile),
      });
      const proxy = await startTlsProxy({ cert: certs.cert, key: certs.key, targetPort: port });
      const endpoint = `https://127.0.0.1:${proxy.port}`;
      log(`local-kms ready on 127.0.0.1:${port}, TLS terminator at ${endpoint}`);
      return { endpoint, stop: () => proxy.close() };
    } catch (err) {
      if (attempt >= 3 || child.exitCode === null) throw err;
      log(`local-kms failed to start (attempt ${attempt}), retrying on another port`);
    }
  }
}
