// Buckets for a run: uniquely named, plain, versioned or Object-Lock-enabled, and a cleanup that
// empties them completely (versions, delete markers, legal holds, multipart uploads).
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
} from '@aws-sdk/client-s3';
import type { TestEnv } from './types.js';

/** A bucket made for a test; `cleanup()` removes it with everything in it. */
export interface TestBucket {
  name: string;
  /** Deletes every object version and delete marker (bypassing GOVERNANCE retention and
   * removing legal holds), aborts multipart uploads, then deletes the bucket. Versions under
   * COMPLIANCE retention cannot be deleted: the bucket is then left behind with a warning. */
  cleanup(): Promise<void>;
}

export interface TestBucketOptions {
  /** Exact bucket name (default: `<prefix>-<time>-<random>`). */
  name?: string;
  versioning?: boolean;
  /** Object Lock (implies versioning). */
  objectLock?: boolean;
  /** Bucket name prefix (lowercase, digits, '-'); default 's3enc-test'. */
  prefix?: string;
}

/** An S3Client for the run's S3: the run's CA plus the system roots, TLS 1.2 minimum. */
export function kitS3Client(env: TestEnv): S3Client {
  return new S3Client({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    credentials: { ...env.s3.credentials }, // a copy: the SDK annotates it
    forcePathStyle: env.s3.forcePathStyle,
    requestHandler: {
      httpsAgent: new https.Agent({
        keepAlive: true,
        minVersion: 'TLSv1.2',
        ...(env.ca ? { ca: [...tls.rootCertificates, env.ca] } : {}),
      }),
    },
  });
}

/** Creates a bucket: plain, versioned, or Object-Lock-enabled (implies versioning). */
export async function createTestBucket(
  env: TestEnv,
  o: TestBucketOptions = {},
): Promise<TestBucket> {
  const prefix = (o.prefix ?? 's3enc-test')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  const name = o.name ?? `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const s3 = kitS3Client(env);
  try {
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
  } catch (err) {
    s3.destroy();
    throw err;
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

async function abortUploads(s3: S3Client, bucket: string): Promise<void> {
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
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** Empties a bucket (see {@link TestBucket.cleanup}) and deletes it. */
export async function emptyAndDeleteBucket(s3: S3Client, bucket: string): Promise<void> {
  await abortUploads(s3, bucket);
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
      `[s3enc testing] bucket ${bucket} left behind: ${stuck.length} version(s) could not be ` +
        `deleted (COMPLIANCE retention?), e.g. ${stuck.slice(0, 3).join(', ')}`,
    );
    return;
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}
