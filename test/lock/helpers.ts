// Helpers for the Object Lock / versioning integration tests.
import { randomBytes } from 'node:crypto';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';

/** A unique bucket name (for buckets the code under test creates itself). */
export function uniqueBucketName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Puts bytes (the SDK adds a CRC32 checksum, which S3 requires for Object Lock puts). */
export async function put(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array | string,
  extra: Partial<PutObjectCommandInput> = {},
): Promise<string> {
  const out = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }),
  );
  if (out.VersionId === undefined) throw new Error('expected a versioned bucket');
  return out.VersionId;
}

/** The current (or given) version's bytes. */
export async function read(
  s3: S3Client,
  bucket: string,
  key: string,
  extra: { VersionId?: string; SSECustomerAlgorithm?: string; SSECustomerKey?: string } = {},
): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

/** Deletes every version (bypassing GOVERNANCE) and the bucket; tolerant of leftovers. */
export async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      await s3.send(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: v.Key,
          VersionId: v.VersionId,
          BypassGovernanceRetention: true,
        }),
      );
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (e) {
    console.warn(`[test/lock] bucket ${bucket} left behind: ${String(e)}`);
  }
}
