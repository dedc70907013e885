// Restoring a previous version of an s3enc-encrypted object: the server-side copy keeps the
// self-contained message (header + frames) byte for byte, so EncryptedS3Client.get of the new
// current version decrypts to the OLD plaintext. Covers CopyObject and UploadPartCopy, and
// an object with an SSE-KMS second layer (carried over by the copy).
import { createHash, randomBytes } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { rawAesKeyring } from '@s3enc/core';
import {
  deleteVersion,
  EncryptedS3Client,
  getVersion,
  headVersion,
  listVersions,
  putLegalHold,
  restoreVersion,
} from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';

const env = getTestEnv();
const MiB = 1024 * 1024;
let bucket: TestBucket;
let client: EncryptedS3Client;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  bucket = await createTestBucket(env, { objectLock: true, prefix: 'lock-encrypted' });
  client = new EncryptedS3Client({
    s3: {
      endpoint: env.s3.endpoint,
      region: env.s3.region,
      credentials: env.s3.credentials,
      forcePathStyle: env.s3.forcePathStyle,
      ca: env.ca,
    },
    keyring: rawAesKeyring({
      key: randomBytes(32),
      keyName: 'lock-test',
      keyNamespace: 's3enc-tests',
    }),
    frameLength: 4096,
    partSize: 5 * MiB,
  });
});
afterAll(async () => {
  await bucket.cleanup();
  client.destroy();
});

describe('restore a previous encrypted version', () => {
  it('decrypts to the old plaintext after a CopyObject restore', async () => {
    const b = bucket.name;
    const oldPlain = randomBytes(100_000);
    const v1 = await client.put(b, 'enc', oldPlain);
    const v2 = await client.put(b, 'enc', randomBytes(5_000));
    expect(v1.versionId).toBeDefined();
    expect((await (await client.get(b, 'enc')).bytes()).length).toBe(5_000);
    await client.s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'enc' }));

    const out = await restoreVersion(client.s3, {
      bucket: b,
      key: 'enc',
      versionId: v1.versionId!,
    });
    expect(out.multipart).toBe(false);
    const current = await client.get(b, 'enc');
    expect(current.versionId).toBe(out.versionId);
    const plain = await current.bytes();
    expect(plain.equals(oldPlain)).toBe(true);

    // The stored bytes are the old version's bytes, unchanged.
    const oldCipher = await (
      await getVersion(client.s3, { bucket: b, key: 'enc', versionId: v1.versionId! })
    ).Body!.transformToByteArray();
    const newCipher = await (
      await getVersion(client.s3, { bucket: b, key: 'enc', versionId: out.versionId! })
    ).Body!.transformToByteArray();
    expect(sha(newCipher)).toBe(sha(oldCipher));
    // The newer version still decrypts to its own plaintext.
    expect((await (await client.get(b, 'enc', { versionId: v2.versionId! })).bytes()).length).toBe(
      5_000,
    );
    const versions = await listVersions(client.s3, { bucket: b, key: 'enc' });
    expect(versions.map((v) => v.isDeleteMarker)).toEqual([false, true, false, false]);
  });

  it('decrypts to the old plaintext after a multipart UploadPartCopy restore, with an SSE-KMS layer', async () => {
    const b = bucket.name;
    const oldPlain = randomBytes(11 * MiB + 777);
    const v1 = await client.put(b, 'enc-big', oldPlain, { sse: { type: 'SSE-KMS' } });
    expect(v1.multipart).toBe(true);
    await client.put(b, 'enc-big', randomBytes(10));

    const out = await restoreVersion(client.s3, {
      bucket: b,
      key: 'enc-big',
      versionId: v1.versionId!,
      multipartThreshold: 0,
      partSize: 5 * MiB,
    });
    expect(out.multipart).toBe(true);
    const head = await client.s3.send(new HeadObjectCommand({ Bucket: b, Key: 'enc-big' }));
    expect(head.VersionId).toBe(out.versionId);
    expect(head.ServerSideEncryption).toBe('aws:kms');
    const plain = await (await client.get(b, 'enc-big')).bytes();
    expect(plain.length).toBe(oldPlain.length);
    expect(sha(plain)).toBe(sha(oldPlain));
  });
});

describe('encrypted puts with Object Lock', () => {
  // EncryptedS3Client.put sends a checksum with every PutObject / UploadPart, which S3 requires
  // for puts that carry Object Lock settings.
  it('a locked encrypted version (single put and multipart) resists delete and still decrypts', async () => {
    const b = bucket.name;
    const retainUntil = new Date(Date.now() + 86_400_000);
    for (const [key, size] of [
      ['enc-locked', 20_000],
      ['enc-locked-big', 11 * MiB],
    ] as const) {
      const plain = randomBytes(size);
      const put = await client.put(b, key, plain, {
        objectLock: { mode: 'GOVERNANCE', retainUntil, legalHold: true },
      });
      expect(put.multipart).toBe(size > 5 * MiB);
      const head = await headVersion(client.s3, { bucket: b, key, versionId: put.versionId! });
      expect(head.lock).toMatchObject({ mode: 'GOVERNANCE', legalHold: true });
      expect(
        await deleteVersion(client.s3, {
          bucket: b,
          key,
          versionId: put.versionId!,
          bypassGovernanceRetention: true,
        }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ).toMatchObject({ code: 'ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE' });
      await putLegalHold(client.s3, {
        bucket: b,
        key,
        versionId: put.versionId!,
        legalHold: false,
      });
      expect(
        await deleteVersion(client.s3, { bucket: b, key, versionId: put.versionId! }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ).toMatchObject({ code: 'ERR_S3ENC_LOCK_GOVERNED_VERSION' });
      const got = await (await client.get(b, key, { versionId: put.versionId! })).bytes();
      expect(sha(got)).toBe(sha(plain));
    }
  });
});
