// Smoke: server-side encryption on the test S3 — SSE-C round trip (wrong key on GET fails) and
// SSE-KMS (HeadObject reports aws:kms).
import { createHash, randomBytes } from 'node:crypto';
import {
  GetObjectCommand,
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
  bucket = await createTestBucket(env, { prefix: 'smoke-sse' });
});
afterAll(async () => {
  await bucket.cleanup();
  s3.destroy();
});

function sseC(key: Buffer) {
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: key.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
  };
}

describe('SSE-C', () => {
  const key = randomBytes(32);
  const body = randomBytes(4096);

  it('round-trips over TLS with the same key', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'ssec', Body: body, ...sseC(key) }),
    );
    const got = await s3.send(
      new GetObjectCommand({ Bucket: bucket.name, Key: 'ssec', ...sseC(key) }),
    );
    expect(got.SSECustomerAlgorithm).toBe('AES256');
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
  });

  it('refuses a GET with a wrong key (403) and one without a key (400)', async () => {
    const wrong = await s3
      .send(new GetObjectCommand({ Bucket: bucket.name, Key: 'ssec', ...sseC(randomBytes(32)) }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(wrong).toBeInstanceOf(S3ServiceException);
    expect((wrong as S3ServiceException).$metadata.httpStatusCode).toBe(403);

    const none = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'ssec' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(none).toBeInstanceOf(S3ServiceException);
    expect((none as S3ServiceException).$metadata.httpStatusCode).toBe(400);
  });
});

describe('SSE-KMS', () => {
  it('HeadObject reports aws:kms', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'ssekms',
        Body: 'sse-kms body',
        ServerSideEncryption: 'aws:kms',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'ssekms' }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'ssekms' }));
    expect(await got.Body!.transformToString()).toBe('sse-kms body');
  });

  it('a plain PutObject is not reported as aws:kms', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'plain', Body: 'x' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'plain' }));
    expect(head.ServerSideEncryption).not.toBe('aws:kms');
  });
});
