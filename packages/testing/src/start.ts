// start()/stop(): the whole test environment of one run — certificates, MinIO over TLS, a KMS
// behind TLS, seeded keys, buckets — in containers or processes, or existing servers.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncryptedS3ClientOptions } from '@s3enc/node';
import { createTestBucket, type TestBucket, type TestBucketOptions } from './buckets.js';
import { makeCerts, type TestCerts } from './certs.js';
import { cliEnvironment, encryptedClientOptions } from './client-config.js';
import {
  containerEngineReachable,
  startKmsContainer,
  startMinioContainer,
} from './container-runtime.js';
import { externalKms, externalS3, externalSides } from './external.js';
import type { ImageOptions } from './images.js';
import { startKmsProcess, startMinioProcess, type StartedServer } from './process-runtime.js';
import { RunDir } from './run-dir.js';
import {
  LOCAL_KMS_CREDENTIALS,
  LOCAL_KMS_KEYS,
  LOCAL_REGION,
  MINIO_ROOT_PASSWORD,
  MINIO_ROOT_USER,
} from './seed.js';
import type { TestEnv, TestRuntimeKind } from './types.js';

/** Which runtime starts the local servers; 'auto' = containers when an engine answers. */
export type RuntimeChoice = 'process' | 'container' | 'auto';

export interface StartOptions extends ImageOptions {
  /** Default: S3ENC_TEST_RUNTIME, else 'auto'. */
  runtime?: RuntimeChoice | undefined;
  /** Buckets to create now (exact names) and remove, emptied, at stop(). */
  buckets?: readonly (TestBucketOptions & { name: string })[] | undefined;
  /** Progress messages (default: none). */
  log?: ((msg: string) => void) | undefined;
}

/** A started environment. */
export interface TestKit {
  /** Endpoints, credentials, CA and seeded key ids (plain data). */
  env: TestEnv;
  /** Where the servers run. */
  runtime: TestRuntimeKind;
  /** Names of the buckets created from StartOptions.buckets. */
  buckets: string[];
  /** `new EncryptedS3Client(kit.clientOptions())` talks to this environment. */
  clientOptions(o?: { kmsKeyIds?: readonly string[] }): EncryptedS3ClientOptions;
  /** Environment variables for the `s3enc` CLI. */
  cliEnv(): Record<string, string>;
  /** One more bucket (unique name unless given); its cleanup is yours to call. */
  createBucket(o?: TestBucketOptions): Promise<TestBucket>;
  /** Removes the buckets made at start, stops every server and container, removes the run's
   * temp dir. Idempotent. */
  stop(): Promise<void>;
}

export function runtimeChoice(o: StartOptions): RuntimeChoice {
  const choice = o.runtime ?? (process.env.S3ENC_TEST_RUNTIME || 'auto');
  if (choice !== 'process' && choice !== 'container' && choice !== 'auto') {
    throw new Error(`S3ENC_TEST_RUNTIME must be process, container or auto, got ${choice}`);
  }
  return choice;
}

async function resolveRuntime(choice: RuntimeChoice): Promise<'process' | 'container'> {
  if (choice === 'process') return 'process';
  const reachable = await containerEngineReachable();
  if (choice === 'container' && !reachable) {
    throw new Error(
      'S3ENC_TEST_RUNTIME=container but no Docker engine answers (DOCKER_HOST or ' +
        '/var/run/docker.sock); start one, or use S3ENC_TEST_RUNTIME=process',
    );
  }
  return reachable ? 'container' : 'process';
}

async function caBundle(run: RunDir | undefined, certs: TestCerts | undefined) {
  const file = process.env.S3ENC_TEST_CA_FILE;
  const externalCa = file ? await readFile(file, 'utf8') : '';
  const ca = [externalCa, certs?.ca ?? ''].filter(Boolean).join('\n');
  if (certs && !externalCa) return { ca, caPath: certs.caPath };
  if (certs && run) {
    const caPath = join(run.dir, 'ca-bundle.pem');
    await writeFile(caPath, ca);
    return { ca, caPath };
  }
  return { ca, caPath: file ?? '' };
}

let current: TestKit | undefined;

/**
 * Starts the environment: MinIO over TLS and local-kms behind TLS (seeded with two keys), in
 * the chosen runtime, on 127.0.0.1 only — or uses the existing servers that S3ENC_TEST_*
 * variables name (docs/testing.md). Everything started is stopped by `stop()`, and by a
 * watchdog if this process dies first.
 */
export async function start(o: StartOptions = {}): Promise<TestKit> {
  const log = o.log ?? (() => {});
  const external = externalSides();
  const stoppers: (() => Promise<void>)[] = [];
  let run: RunDir | undefined;
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    const errors: unknown[] = [];
    for (const s of stoppers.reverse()) await s().catch((e: unknown) => errors.push(e));
    await run?.stop();
    if (errors.length > 0) throw new AggregateError(errors, 's3enc testing: stop failed');
  };

  try {
    let runtime: TestRuntimeKind = 'external';
    let certs: TestCerts | undefined;
    if (!external.s3 || !external.kms) {
      runtime = await resolveRuntime(runtimeChoice(o));
      run = new RunDir();
      certs = await makeCerts(run.dir);
      log(`run dir ${run.dir}, ${runtime} runtime`);
    }
    const { ca, caPath } = await caBundle(run, certs);
    const startServer = async (
      inProcess: typeof startMinioProcess,
      inContainer: typeof startMinioContainer,
    ): Promise<StartedServer> => {
      const server =
        runtime === 'container'
          ? await inContainer({ ...o, run: run!, certs: certs!, log })
          : await inProcess(run!, certs!, log);
      stoppers.push(() => server.stop());
      return server;
    };

    let s3: TestEnv['s3'];
    if (external.s3) s3 = externalS3();
    else {
      const minio = await startServer(startMinioProcess, startMinioContainer);
      s3 = {
        endpoint: minio.endpoint,
        region: LOCAL_REGION,
        credentials: { accessKeyId: MINIO_ROOT_USER, secretAccessKey: MINIO_ROOT_PASSWORD },
        forcePathStyle: true,
      };
    }
    let kms: TestEnv['kms'];
    let kmsKeys: TestEnv['kmsKeys'];
    if (external.kms) ({ kms, kmsKeys } = await externalKms(external.s3 ? s3 : undefined, ca));
    else {
      const local = await startServer(startKmsProcess, startKmsContainer);
      kms = { endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_KMS_CREDENTIALS };
      kmsKeys = LOCAL_KMS_KEYS;
    }

    const env: TestEnv = {
      s3,
      kms,
      ca,
      caPath,
      kmsKeys,
      external: external.s3 || external.kms,
      runtime,
    };
    const buckets: string[] = [];
    for (const b of o.buckets ?? []) {
      const bucket = await createTestBucket(env, b);
      buckets.push(bucket.name);
      stoppers.push(() => bucket.cleanup());
      log(`bucket ${bucket.name} created`);
    }
    const kit: TestKit = {
      env,
      runtime,
      buckets,
      clientOptions: (opts) => encryptedClientOptions(env, opts),
      cliEnv: () => cliEnvironment(env),
      createBucket: (opts) => createTestBucket(env, opts),
      stop: async () => {
        if (current === kit) current = undefined;
        await stopAll();
      },
    };
    current = kit;
    return kit;
  } catch (err) {
    await stopAll().catch(() => {});
    throw err;
  }
}

/** Stops the environment the last `start()` returned (no-op when none is running). */
export async function stop(): Promise<void> {
  await current?.stop();
}
