// The one typed helper integration tests use: endpoints, CA, credentials, key ids, clients and
// per-file buckets. See docs/testing.md.
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { inject } from 'vitest';
import type { TestEnv } from './types.js';

export type { TestCredentials, TestEnv, TestKmsKey } from './types.js';
export { startTestServers, type TestServers } from './servers.js';

/**
 * The environment started by test/harness/global-setup.ts. Call it inside integration tests
 * (test files, hooks). Outside vitest it falls back to S3ENC_TEST_ENV_JSON.
 */
export function getTestEnv(): TestEnv {
  let env: TestEnv | undefined;
  try {
    env = inject('s3encTestEnv');
  } catch {
    env = undefined;
  }
  if (!env && process.env.S3ENC_TEST_ENV_JSON) {
    env = JSON.parse(process.env.S3ENC_TEST_ENV_JSON) as TestEnv;
  }
  if (!env) {
    throw new Error(
      'No s3enc test environment: run the test in the vitest "integration" project ' +
        '(its globalSetup starts the servers), or use startTestServers() in scripts.',
    );
  }
  return env;
}

/** An https.Agent that trusts the system roots plus env.ca, TLS 1.2 minimum. */
export function makeHttpsAgent(env: TestEnv, o: https.AgentOptions = {}): https.Agent {
  return new https.Agent({
    keepAlive: true,
    minVersion: 'TLSv1.2',
    ...(env.ca ? { ca: [...tls.rootCertificates, env.ca] } : {}),
    ...o,
  });
}

/** S3 client for the test S3 endpoint: trusts env.ca, path style, region and credentials set. */
export function makeS3Client(env: TestEnv, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    forcePathStyle: env.s3.forcePathStyle,
    requestHandler: { httpsAgent: makeHttpsAgent(env) },
    ...extra,
  });
}

/** KMS client for the test KMS endpoint (the TLS terminator in front of local-kms). */
export function makeKmsClient(env: TestEnv, extra: Partial<KMSClientConfig> = {}): KMSClient {
  return new KMSClient({
    endpoint: env.kms.endpoint,
    region: env.kms.region,
    credentials: env.kms.credentials,
    requestHandler: { httpsAgent: makeHttpsAgent(env) },
    ...extra,
  });
}

export interface TestBucket {
  name: string;
  /** Deletes every object version and delete marker (bypassing GOVERNANCE retention and
   * removing legal holds), aborts multipart uploads, then deletes the bucket. Versions under
   * COMPLIANCE retention cannot be deleted: the bucket is then left behind with a warning. */
  cleanup(): Promise<void>;
}

export interface TestBucketOptions {
  versioning?: boolean;
  objectLock?: boolean;
  /** Bucket name prefix (lowercase, digits, '-'); default 's3enc-test'. */
  prefix?: string;
}

/** Creates a uniquely named bucket: plain, versioned, or Object-Lock-enabled (implies versioning). */
export async function createTestBucket(
  env: TestEnv,
  o: TestBucketOptions = {},
): Promise<TestBucket> {
  const prefix = (o.prefix ?? 's3enc-test')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  const name = `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const s3 = makeS3Client(env);
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(o.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
      ...(env.s3.region !== 'us-east-1'
        ? { CreateBucketConfiguration: { LocationConstraint: env.s3.region as never } }
        : {}),
    }),
  );
  if (o.versioning && !o.objectLock) {
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: name,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
  }
  return {
    name,
    cleanup: async () => {
      try {
        await emptyAndDeleteBucket(s3, name);
      } finally {
        s3.destroy();
      }
    },
  };
}

async function emptyAndDeleteBucket(s3: S3Client, bucket: string): Promise<void> {
  // Multipart uploads in progress.
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const u of page.Uploads ?? []) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }))
        .catch(() => {});
    }
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
  // Every version and delete marker.
  const stuck: string[] = [];
  let vKeyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        KeyMarker: vKeyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    for (const v of entries) {
      const del = () =>
        s3.send(
          new DeleteObjectCommand({
            Bucket: bucket,
            Key: v.Key,
            VersionId: v.VersionId,
            BypassGovernanceRetention: true,
          }),
        );
      try {
        await del();
      } catch {
        try {
          await s3.send(
            new PutObjectLegalHoldCommand({
              Bucket: bucket,
              Key: v.Key,
              VersionId: v.VersionId,
              LegalHold: { Status: 'OFF' },
            }),
          );
          await del();
        } catch {
          stuck.push(`${v.Key ?? ''}@${v.VersionId ?? ''}`);
        }
      }
    }
    if (!page.IsTruncated) break;
    vKeyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
  if (stuck.length > 0) {
    console.warn(
      `[s3enc harness] bucket ${bucket} left behind: ${stuck.length} version(s) could not be ` +
        `deleted (COMPLIANCE retention?), e.g. ${stuck.slice(0, 3).join(', ')}`,
    );
    return;
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}
