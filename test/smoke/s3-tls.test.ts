// Smoke: PutObject/GetObject to the test S3 over TLS with the generated CA; a client that does
// not trust that CA fails certificate verification.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';

const env = getTestEnv();
let bucket: TestBucket;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'smoke-tls' });
});
afterAll(async () => {
  await bucket.cleanup();
});

describe('S3 over TLS', () => {
  it('uses an https endpoint', () => {
    expect(new URL(env.s3.endpoint).protocol).toBe('https:');
  });

  it('puts and gets an object with the generated CA', async () => {
    const s3 = makeS3Client(env);
    const body = Buffer.from(`hello s3enc ${Date.now()}`);
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'a.txt', Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'a.txt' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
    s3.destroy();
  });

  it.skipIf(env.external && !env.ca)(
    'a client without the CA fails certificate verification',
    async () => {
      // Same endpoint and credentials, default trust store only.
      const s3 = new S3Client({
        endpoint: env.s3.endpoint,
        region: env.s3.region,
        credentials: env.s3.credentials,
        forcePathStyle: env.s3.forcePathStyle,
        maxAttempts: 1,
      });
      const err = await s3
        .send(new PutObjectCommand({ Bucket: bucket.name, Key: 'b.txt', Body: 'x' }))
        .then(
          () => undefined,
          (e: unknown) => e as NodeJS.ErrnoException,
        );
      s3.destroy();
      expect(err).toBeDefined();
      expect([
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        'SELF_SIGNED_CERT_IN_CHAIN',
        'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
        'DEPTH_ZERO_SELF_SIGNED_CERT',
      ]).toContain(err!.code);
    },
  );
});
