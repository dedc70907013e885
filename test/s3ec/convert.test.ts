// convertObject against MinIO + local-kms: an S3EC object becomes a new version in the s3enc
// format (ranges then authenticated), metadata / content type / tags / SSE kept, the source
// version kept and still readable; dry run writes nothing; a tampered source writes nothing;
// the write is conditional on the source ETag; unversioned buckets are refused.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { EncryptedS3Client } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { makeClient } from '../transfer/helpers.js';

const env = getTestEnv();
const s3 = makeS3Client(env);
let bucket: TestBucket;
let plainBucket: TestBucket;
let lockBucket: TestBucket;
let client: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 's3ec-convert', versioning: true });
  plainBucket = await createTestBucket(env, { prefix: 's3ec-convert-unv' });
  lockBucket = await createTestBucket(env, { prefix: 's3ec-convert-lock', objectLock: true });
  client = makeClient(env, { kms: true });
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
  await plainBucket.cleanup();
  await lockBucket.cleanup();
});

async function versions(key: string): Promise<number> {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket.name, Prefix: key }));
  return (r.Versions ?? []).filter((v) => v.Key === key).length;
}

describe('convertObject', () => {
  it('rewrites a V3 object as s3enc, keeping metadata, content type, tags and SSE; the source stays', async () => {
    const p = randomBytes(200_000);
    const key = 'c/one';
    const src = await client.put(bucket.name, key, p, {
      format: 's3ec-v3',
      encryptionContext: { tenant: 'a' },
      metadata: { owner: 'team-x' },
      contentType: 'text/plain',
      tags: { project: 'p1' },
      sse: { type: 'SSE-S3' },
    });
    const dry = await client.convertObject(bucket.name, key, { dryRun: true });
    expect(dry).toMatchObject({ status: 'would-convert', sourceFormat: 's3ec-v3' });
    expect(await versions(key)).toBe(1);

    const r = await client.convertObject(bucket.name, key);
    expect(r).toMatchObject({
      status: 'converted',
      sourceFormat: 's3ec-v3',
      sourceVersionId: src.versionId,
      plaintextSize: p.length,
    });
    expect(r.newVersionId).not.toBe(src.versionId);
    expect(await versions(key)).toBe(2);

    const h = await client.head(bucket.name, key);
    expect(h.envelope?.format).toBe('aws-encryption-sdk');
    expect(h.envelope?.encryptionContext).toMatchObject({ tenant: 'a' });
    expect(h.contentType).toBe('text/plain');
    expect(h.sse?.type).toBe('SSE-S3');
    const raw = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
    expect(raw.Metadata?.owner).toBe('team-x');
    expect(Object.keys(raw.Metadata ?? {}).some((k) => k.startsWith('x-amz-'))).toBe(false);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket.name, Key: key }));
    expect(tags.TagSet).toEqual([{ Key: 'project', Value: 'p1' }]);

    // The s3enc format authenticates ranges now.
    const part = await client.get(bucket.name, key, { range: { start: 1000, end: 1100 } });
    expect((await part.bytes()).equals(p.subarray(1000, 1100))).toBe(true);
    // The source version is untouched and still reads.
    const old = await client.get(bucket.name, key, { versionId: src.versionId });
    expect((await old.bytes()).equals(p)).toBe(true);
    // Converting again is a no-op.
    expect(await client.convertObject(bucket.name, key)).toMatchObject({ status: 'skipped' });
  });

  it('a larger object goes through the private temporary file (removed afterwards)', async () => {
    const p = randomBytes(17 * 1024 * 1024 + 1);
    await client.put(bucket.name, 'c/large', p, { format: 's3ec-v3' });
    const tempDirectory = mkdtempSync(join(tmpdir(), 's3ec-convert-'));
    const r = await client.convertObject(bucket.name, 'c/large', { tempDirectory });
    expect(r).toMatchObject({ status: 'converted', plaintextSize: p.length });
    expect(readdirSync(tempDirectory)).toEqual([]);
    const back = await client.get(bucket.name, 'c/large', {
      range: { start: p.length - 10, end: p.length },
    });
    expect((await back.bytes()).equals(p.subarray(p.length - 10))).toBe(true);
  });

  it('a tampered source writes nothing', async () => {
    const key = 'c/tampered';
    await client.put(bucket.name, key, randomBytes(1000), { format: 's3ec-v3' });
    const g = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    const body = Buffer.from(await g.Body!.transformToByteArray());
    body[10]! ^= 1;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body, Metadata: g.Metadata }),
    );
    const before = await versions(key);
    await expect(client.convertObject(bucket.name, key)).rejects.toMatchObject({
      code: 'ERR_S3ENC_TAG_MISMATCH',
    });
    expect(await versions(key)).toBe(before);
  });

  it('a replacing put is conditional on the ETag read', async () => {
    const key = 'c/etag';
    await client.put(bucket.name, key, randomBytes(10), { format: 's3ec-v3' });
    await expect(
      client.put(bucket.name, key, randomBytes(10), {
        ifMatch: '"0123456789abcdef0123456789abcdef"',
      }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_OBJECT_CHANGED' });
    expect(await versions(key)).toBe(1);
  });

  it('refuses a bucket without versioning (the source would be replaced)', async () => {
    await client.put(plainBucket.name, 'k', randomBytes(10), { format: 's3ec-v3' });
    await expect(client.convertObject(plainBucket.name, 'k')).rejects.toMatchObject({
      code: 'ERR_S3ENC_CONVERT_UNVERSIONED',
    });
  });

  it('keeps Object Lock retention and legal hold on the new version', async () => {
    const until = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    await client.put(lockBucket.name, 'locked', randomBytes(100), {
      format: 's3ec-v3',
      objectLock: { mode: 'GOVERNANCE', retainUntil: until, legalHold: true },
    });
    const r = await client.convertObject(lockBucket.name, 'locked');
    expect(r.status).toBe('converted');
    const h = await client.head(lockBucket.name, 'locked');
    expect(h.format).toBe('s3enc');
    expect(h.lock?.mode).toBe('GOVERNANCE');
    expect(Math.abs(h.lock!.retainUntil!.getTime() - until.getTime())).toBeLessThan(2000);
    expect(h.lock?.legalHold).toBe(true);
  });
});
