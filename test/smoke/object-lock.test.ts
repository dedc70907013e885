// Smoke: an Object-Lock bucket keeps a GOVERNANCE-retained version unless the caller sends
// x-amz-bypass-governance-retention.
import {
  DeleteObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';

const env = getTestEnv();
const s3 = makeS3Client(env, { maxAttempts: 1 });
let bucket: TestBucket;

beforeAll(async () => {
  bucket = await createTestBucket(env, { objectLock: true, prefix: 'smoke-lock' });
});
afterAll(async () => {
  await bucket.cleanup();
  s3.destroy();
});

describe('Object Lock (GOVERNANCE)', () => {
  it('a retained version cannot be deleted without the bypass header, can with it', async () => {
    const retainUntil = new Date(Date.now() + 24 * 3600 * 1000);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'locked',
        Body: 'keep me',
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: retainUntil,
      }),
    );
    const versionId = put.VersionId;
    expect(versionId).toBeTruthy();

    const retention = await s3.send(
      new GetObjectRetentionCommand({ Bucket: bucket.name, Key: 'locked', VersionId: versionId }),
    );
    expect(retention.Retention?.Mode).toBe('GOVERNANCE');

    const denied = await s3
      .send(new DeleteObjectCommand({ Bucket: bucket.name, Key: 'locked', VersionId: versionId }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(denied).toBeInstanceOf(S3ServiceException);
    // AWS answers 403 AccessDenied; MinIO 400 InvalidRequest ("Object is WORM protected").
    expect([400, 403]).toContain((denied as S3ServiceException).$metadata.httpStatusCode);
    // Still there.
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket.name, Key: 'locked', VersionId: versionId }),
    );
    expect(head.VersionId).toBe(versionId);

    await s3.send(
      new DeleteObjectCommand({
        Bucket: bucket.name,
        Key: 'locked',
        VersionId: versionId,
        BypassGovernanceRetention: true,
      }),
    );
    const gone = await s3
      .send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'locked', VersionId: versionId }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(gone).toBeInstanceOf(S3ServiceException);
    expect((gone as S3ServiceException).$metadata.httpStatusCode).toBe(404);
  });
});
