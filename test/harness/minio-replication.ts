// Two MinIO servers acting as two AWS Regions, with real server-side bucket replication between
// them over TLS: versioned buckets, a remote target registered through MinIO's admin API
// (test/tools/minio-remote-target, built by scripts/bootstrap.sh) and a PutBucketReplication
// rule naming its ARN. Started by the replication tests themselves, on free loopback ports, in
// one run dir whose watchdog stops them even when the test process dies.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  HeadObjectCommand,
  PutBucketReplicationCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  cacheDir,
  createTestBucket,
  MINIO_ROOT_PASSWORD,
  MINIO_ROOT_USER,
  SERVERS_BUILD,
  type TestBucket,
  type TestCerts,
  type TestEnv,
} from '@s3enc/testing';
import { startMinioProcess } from '../../packages/testing/src/process-runtime.js';
import { RunDir } from '../../packages/testing/src/run-dir.js';
import { makeS3Client } from './env.js';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/**
 * Path of the admin tool: S3ENC_MINIO_REMOTE_TARGET_BIN, else where scripts/bootstrap.sh caches
 * it (keyed on a hash of its sources, as scripts/lib.sh computes it).
 */
export function remoteTargetBinary(): string {
  const fromEnv = process.env.S3ENC_MINIO_REMOTE_TARGET_BIN;
  if (fromEnv) return fromEnv;
  const src = join(repoRoot, 'test', 'tools', 'minio-remote-target');
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(src, f)));
  const p = join(
    cacheDir(),
    'servers',
    `minio-remote-target-${hash.digest('hex').slice(0, 16)}-${SERVERS_BUILD}`,
    'minio-remote-target',
  );
  if (!existsSync(p)) {
    throw new Error(
      `minio-remote-target not found at ${p}: run scripts/bootstrap.sh (it builds ` +
        'test/tools/minio-remote-target with Go), or set S3ENC_MINIO_REMOTE_TARGET_BIN',
    );
  }
  return p;
}

/** One MinIO server acting as one Region. */
export interface RegionS3 {
  readonly region: string;
  /** The environment of this server alone (for createTestBucket, makeS3Client). */
  readonly env: TestEnv;
  /** A client of this server (destroyed by the pair's stop). */
  readonly s3: S3Client;
  /** A versioned bucket on this server (gone with the server's data dir at the pair's stop). */
  bucket(prefix: string): Promise<TestBucket>;
}

export interface MinioPair {
  readonly a: RegionS3;
  readonly b: RegionS3;
  /**
   * Replicates `source` (on a) to `target` (on b): remote target through the admin API, then
   * PutBucketReplication with its ARN as the destination. Returns the ARN.
   */
  replicate(source: string, target: string): Promise<string>;
  /** Stops both servers and removes the run dir (buckets go with it). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts two MinIO servers (Regions `regionA`, `regionB`) with the run's certificate, each
 * trusting the run's CA (so a can replicate to b over TLS). `kitEnv` gives the fields other
 * than S3 (KMS) to the per-server environments.
 */
export async function startMinioPair(
  certs: TestCerts,
  kitEnv: TestEnv,
  regionA: string,
  regionB: string,
): Promise<MinioPair> {
  const runDir = new RunDir();
  const clients: S3Client[] = [];
  let stopped: Promise<void> | undefined;
  const halt = async () => {
    for (const c of clients) c.destroy();
    await runDir.stop(); // the data dirs, and so the buckets, are in the run dir
  };
  const stop = () => (stopped ??= halt());
  try {
    const started = await Promise.all(
      [regionA, regionB].map((region, i) =>
        startMinioProcess(runDir, certs, () => undefined, {
          name: i === 0 ? 'minio-a' : 'minio-b',
          region,
        }),
      ),
    );
    const side = (i: 0 | 1, region: string): RegionS3 => {
      const env: TestEnv = {
        ...kitEnv,
        s3: {
          endpoint: started[i]!.endpoint,
          region,
          credentials: { accessKeyId: MINIO_ROOT_USER, secretAccessKey: MINIO_ROOT_PASSWORD },
          forcePathStyle: true,
        },
        ca: certs.ca,
        caPath: certs.caPath,
      };
      const s3 = makeS3Client(env);
      clients.push(s3);
      return {
        region,
        env,
        s3,
        bucket: (prefix) => createTestBucket(env, { versioning: true, prefix }),
      };
    };
    const a = side(0, regionA);
    const b = side(1, regionB);
    const replicate = async (source: string, target: string): Promise<string> => {
      const hostPort = (e: string) => new URL(e).host;
      const { stdout } = await run(remoteTargetBinary(), [], {
        timeout: 90_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          S3ENC_ADMIN_ENDPOINT: hostPort(a.env.s3.endpoint),
          S3ENC_ADMIN_ACCESS_KEY: MINIO_ROOT_USER,
          S3ENC_ADMIN_SECRET_KEY: MINIO_ROOT_PASSWORD,
          S3ENC_ADMIN_CA_FILE: certs.caPath,
          S3ENC_SOURCE_BUCKET: source,
          S3ENC_TARGET_ENDPOINT: hostPort(b.env.s3.endpoint),
          S3ENC_TARGET_ACCESS_KEY: MINIO_ROOT_USER,
          S3ENC_TARGET_SECRET_KEY: MINIO_ROOT_PASSWORD,
          S3ENC_TARGET_BUCKET: target,
          S3ENC_TARGET_REGION: regionB,
        },
      });
      const arn = stdout.trim();
      if (!arn.startsWith('arn:minio:replication:'))
        throw new Error(`minio-remote-target printed no ARN: ${JSON.stringify(stdout)}`);
      await a.s3.send(
        new PutBucketReplicationCommand({
          Bucket: source,
          ReplicationConfiguration: {
            Role: '',
            Rules: [
              {
                ID: 's3enc-test-replication',
                Status: 'Enabled',
                Priority: 1,
                Filter: { Prefix: '' },
                DeleteMarkerReplication: { Status: 'Disabled' },
                Destination: { Bucket: arn },
              },
            ],
          },
        }),
      );
      return arn;
    };
    return { a, b, replicate, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Waits until `key` is on `s3`/`bucket` as a replica (x-amz-replication-status REPLICA), polling
 * at most `attempts` times 250 ms apart; throws when it never arrives.
 */
export async function waitForReplica(
  s3: S3Client,
  bucket: string,
  key: string,
  attempts = 240,
): Promise<HeadObjectCommandOutput> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      if (h.ReplicationStatus === 'REPLICA') return h;
      last = `replication status ${String(h.ReplicationStatus)}`;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${bucket}/${key} was not replicated after ${attempts} polls`, { cause: last });
}
