// V3 writes when S3 fails: an instruction file that cannot be written takes the new object
// version back out (nothing unreadable stays), and a part that keeps failing aborts the
// multipart upload (no parts left). Through the hostile endpoint in front of MinIO.
import { randomBytes } from 'node:crypto';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { EncryptedS3Client } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorReply, startHostileS3, type HostileS3 } from '../harness/hostile-s3.js';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { MiB, openUploads } from '../transfer/helpers.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
let bucket: TestBucket;
let hostile: HostileS3;
let client: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 's3ec-hostile-write', versioning: true });
  hostile = await startHostileS3({ upstream: env.s3.endpoint, upstreamCa: env.ca });
  client = new EncryptedS3Client({
    s3: {
      endpoint: hostile.endpoint,
      region: env.s3.region,
      credentials: env.s3.credentials,
      forcePathStyle: env.s3.forcePathStyle,
      ca: [env.ca, hostile.ca],
      maxAttempts: 1,
    },
    s3ec: { aesKey: randomBytes(32) },
    partSize: 5 * MiB,
  });
});
afterAll(async () => {
  client.destroy();
  await hostile.close();
  await bucket.cleanup();
});

async function versionsOf(key: string): Promise<number> {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket.name, Prefix: key }));
  return (r.Versions ?? []).filter((v) => v.Key === key).length;
}

describe('V3 writes that S3 fails', () => {
  it('an instruction file that cannot be written: the new object version is removed again', async () => {
    hostile.program([
      {
        match: { method: 'PUT', url: /\.instruction(\?|$)/ },
        respond: () => errorReply(403, 'AccessDenied'),
      },
    ]);
    await expect(
      client.put(bucket.name, 'if-fails', randomBytes(100), {
        format: 's3ec-v3',
        instructionFile: true,
      }),
    ).rejects.toMatchObject({ name: 'S3RequestError' });
    expect(hostile.fired()[0]).toBeGreaterThan(0);
    expect(await versionsOf('if-fails')).toBe(0);
  });

  it('a part that keeps failing aborts the upload', async () => {
    hostile.program([
      {
        match: { method: 'PUT', url: /partNumber=2/ },
        respond: () => errorReply(403, 'AccessDenied'),
      },
    ]);
    const before = await openUploads(s3, bucket.name);
    await expect(
      client.put(bucket.name, 'mp-fails', randomBytes(11 * MiB), { format: 's3ec-v3' }),
    ).rejects.toMatchObject({ name: 'S3RequestError' });
    expect(await openUploads(s3, bucket.name)).toBe(before);
    expect(await versionsOf('mp-fails')).toBe(0);
  });
});
