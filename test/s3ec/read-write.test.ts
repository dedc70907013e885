// S3 Encryption Client objects against MinIO + local-kms over TLS: our V3 writes (KMS and raw
// AES, metadata or instruction file, single and multipart) read back by get / getToFile /
// head; V1/V2 shapes laid out as the specification says (the real clients' objects are proven
// in test/peers); tampering refused with nothing released; ranges refused pointing to convert.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { EncryptCommand } from '@aws-sdk/client-kms';
import { kmsDiscoveryKeyring } from '@s3enc/core';
import type { EncryptedS3Client } from '@s3enc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestBucket,
  getTestEnv,
  makeKmsClient,
  makeS3Client,
  type TestBucket,
} from '../harness/env.js';
import { makeClient, MiB, openUploads } from '../transfer/helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let kmsClient: EncryptedS3Client;
let aesClient: EncryptedS3Client;
const aesKey = randomBytes(32);
const s3 = makeS3Client(env);
const kms = makeKmsClient(env);

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 's3ec', versioning: true });
  kmsClient = makeClient(env, { kms: true, s3ec: { aesKey } });
  aesClient = makeClient(env, { s3ec: { aesKey } });
});
afterAll(async () => {
  kmsClient.destroy();
  aesClient.destroy();
  await bucket.cleanup();
});

async function rawMetadata(key: string): Promise<Record<string, string>> {
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }));
  return h.Metadata ?? {};
}

async function readAll(c: EncryptedS3Client, key: string): Promise<Buffer> {
  return (await c.get(bucket.name, key)).bytes();
}

describe('V3 written by s3enc', () => {
  for (const size of [0, 1, 15, 16, 17, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 11 * MiB + 3]) {
    it(`KMS, metadata on the object, ${size} bytes`, async () => {
      const p = randomBytes(size);
      const key = `v3/kms-${size}`;
      const put = await kmsClient.put(bucket.name, key, p, {
        format: 's3ec-v3',
        encryptionContext: { tenant: 'a' },
      });
      expect(put.format).toBe('s3ec-v3');
      expect(put.ciphertextSize).toBe(size + 16);
      expect(put.multipart).toBe(size >= 5 * MiB); // exactly 5 MiB: the tag is a 16-byte last part
      const md = await rawMetadata(key);
      expect(Object.keys(md).sort()).toEqual([
        'x-amz-3',
        'x-amz-c',
        'x-amz-d',
        'x-amz-i',
        'x-amz-t',
        'x-amz-w',
      ]);
      expect(md['x-amz-w']).toBe('12');
      expect(JSON.parse(md['x-amz-t']!)).toEqual({ tenant: 'a', 'aws:x-amz-cek-alg': '115' });
      expect((await readAll(kmsClient, key)).equals(p)).toBe(true);
      if (size > 5 * MiB) {
        const dir = mkdtempSync(join(tmpdir(), 's3ec-'));
        const path = join(dir, 'out.bin');
        const r = await kmsClient.getToFile(bucket.name, key, path);
        expect(r.bytesWritten).toBe(size);
        expect(readFileSync(path).equals(p)).toBe(true);
      }
    });
  }

  it('raw AES key with an instruction file; head describes it without any key', async () => {
    const p = randomBytes(1000);
    const key = 'v3/aes-instruction';
    await aesClient.put(bucket.name, key, p, { format: 's3ec-v3', instructionFile: true });
    expect(Object.keys(await rawMetadata(key)).sort()).toEqual(['x-amz-c', 'x-amz-d', 'x-amz-i']);
    const file = await s3.send(
      new GetObjectCommand({ Bucket: bucket.name, Key: `${key}.instruction` }),
    );
    expect(file.Metadata).toEqual({ 'x-amz-crypto-instr-file': '' });
    const json = JSON.parse(await file.Body!.transformToString()) as Record<string, string>;
    expect(Object.keys(json).sort()).toEqual(['x-amz-3', 'x-amz-w']);
    expect(json['x-amz-w']).toBe('02');
    expect((await readAll(aesClient, key)).equals(p)).toBe(true);
    const h = await aesClient.head(bucket.name, key);
    expect(h.encrypted).toBe(true);
    expect(h.envelope).toMatchObject({
      format: 's3ec-v3',
      metadataLocation: 'instruction-file',
      instructionFileKey: `${key}.instruction`,
      wrapAlgorithm: 'AES/GCM',
      committing: true,
      plaintextSize: 1000,
      ciphertextSize: 1016,
    });
    const md = await rawMetadata(key);
    expect((h.envelope as { messageId?: string }).messageId).toBe(
      Buffer.from(md['x-amz-i']!, 'base64').toString('hex'),
    );
  });

  it('a discovery keyring reads a KMS V3 object when the account is allowed, not otherwise', async () => {
    const p = randomBytes(300);
    await kmsClient.put(bucket.name, 'v3/discovery', p, { format: 's3ec-v3' });
    const [, partition, , region, account] = env.kmsKeys.primary.arn.split(':');
    const reader = (accountIDs: string[]) =>
      makeClient(env, {
        keyring: kmsDiscoveryKeyring({
          regions: [region!],
          discoveryFilter: { accountIDs, partition: partition! },
          clientProvider: () => kms,
        }),
      });
    const ok = reader([account!]);
    expect((await readAll(ok, 'v3/discovery')).equals(p)).toBe(true);
    ok.destroy();
    const other = reader(['999999999999']);
    await expect(readAll(other, 'v3/discovery')).rejects.toMatchObject({
      code: 'ERR_S3ENC_S3EC_KMS_KEY_NOT_ALLOWED',
    });
    other.destroy();
  });

  it('a failed multipart V3 upload is aborted', async () => {
    const before = await openUploads(s3, bucket.name);
    async function* failing() {
      yield randomBytes(6 * MiB);
      throw new Error('source broke');
    }
    await expect(
      kmsClient.put(bucket.name, 'v3/broken', failing(), { format: 's3ec-v3' }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_SOURCE_FAILED' });
    expect(await openUploads(s3, bucket.name)).toBe(before);
  });
});

describe('reads are verified before release', () => {
  it('a changed body byte: get releases nothing, getToFile leaves no file', async () => {
    const p = randomBytes(70_000);
    const key = 'tamper/body';
    await kmsClient.put(bucket.name, key, p, { format: 's3ec-v3' });
    const md = await rawMetadata(key);
    const stored = Buffer.from(
      await (
        await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }))
      ).Body!.transformToByteArray(),
    );
    stored[stored.length - 100]! ^= 1;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: stored, Metadata: md }),
    );
    let seen = 0;
    const err = await (async () => {
      try {
        const r = await kmsClient.get(bucket.name, key);
        for await (const chunk of r.body) seen += (chunk as Buffer).length;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: 'ERR_S3ENC_TAG_MISMATCH' });
    expect(seen).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 's3ec-'));
    await expect(kmsClient.getToFile(bucket.name, key, join(dir, 'x'))).rejects.toMatchObject({
      code: 'ERR_S3ENC_TAG_MISMATCH',
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a changed commitment, a swapped instruction file, a wrong context', async () => {
    const key = 'tamper/meta';
    await kmsClient.put(bucket.name, key, randomBytes(100), {
      format: 's3ec-v3',
      encryptionContext: { a: 'b' },
    });
    const md = await rawMetadata(key);
    const d = Buffer.from(md['x-amz-d']!, 'base64');
    d[0]! ^= 1;
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket.name,
        Key: key,
        CopySource: `${bucket.name}/${key}`,
        MetadataDirective: 'REPLACE',
        Metadata: { ...md, 'x-amz-d': d.toString('base64') },
      }),
    );
    await expect(readAll(kmsClient, key)).rejects.toMatchObject({
      code: 'ERR_S3ENC_COMMITMENT_MISMATCH',
    });
    await expect(
      kmsClient.get(bucket.name, 'v3/kms-17', { encryptionContext: { tenant: 'z' } }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_CONTEXT_MISMATCH' });
    // The instruction file of another object: its data key does not match this commitment.
    await aesClient.put(bucket.name, 'tamper/if-a', randomBytes(10), {
      format: 's3ec-v3',
      instructionFile: true,
    });
    await aesClient.put(bucket.name, 'tamper/if-b', randomBytes(10), {
      format: 's3ec-v3',
      instructionFile: true,
    });
    const other = await s3.send(
      new GetObjectCommand({ Bucket: bucket.name, Key: 'tamper/if-b.instruction' }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'tamper/if-a.instruction',
        Body: await other.Body!.transformToString(),
      }),
    );
    await expect(readAll(aesClient, 'tamper/if-a')).rejects.toMatchObject({
      code: 'ERR_S3ENC_COMMITMENT_MISMATCH',
    });
  });

  it('a range is refused and points to convert', async () => {
    await expect(
      kmsClient.get(bucket.name, 'v3/kms-17', { range: { start: 0, end: 4 } }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_RANGE_UNSUPPORTED',
      message: expect.stringContaining('convert'),
    });
  });
});

describe('V1 / V2 shapes (KMS through local-kms)', () => {
  async function kmsWrap(dataKey: Buffer, context: Record<string, string>): Promise<Buffer> {
    const r = await kms.send(
      new EncryptCommand({
        KeyId: env.kmsKeys.primary.arn,
        Plaintext: dataKey,
        EncryptionContext: context,
      }),
    );
    return Buffer.from(r.CiphertextBlob!);
  }

  it('the SES shape (kms wrap, GCM, matdesc as context) reads with no option', async () => {
    const p = randomBytes(5000);
    const dk = randomBytes(32);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', dk, iv);
    const body = Buffer.concat([c.update(p), c.final(), c.getAuthTag()]);
    const matdesc = {
      kms_cmk_id: env.kmsKeys.primary.arn,
      'aws:ses:message-id': 'abc',
      'aws:ses:rule-name': 'r',
    };
    const md = {
      'x-amz-key-v2': (await kmsWrap(dk, matdesc)).toString('base64'),
      'x-amz-wrap-alg': 'kms',
      'x-amz-cek-alg': 'AES/GCM/NoPadding',
      'x-amz-iv': iv.toString('base64'),
      'x-amz-tag-len': '128',
      'x-amz-matdesc': JSON.stringify(matdesc),
    };
    await s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'ses/mail', Body: body, Metadata: md }),
    );
    expect((await readAll(kmsClient, 'ses/mail')).equals(p)).toBe(true);
    const h = await kmsClient.head(bucket.name, 'ses/mail');
    expect(h.envelope).toMatchObject({
      format: 's3ec-v1',
      wrapAlgorithm: 'kms',
      keyIds: [env.kmsKeys.primary.arn],
      plaintextSize: 5000,
    });
  });

  it('V2 kms+context in an instruction file; the CBC switch is refused before KMS', async () => {
    const p = randomBytes(33);
    const dk = randomBytes(32);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', dk, iv);
    const body = Buffer.concat([c.update(p), c.final(), c.getAuthTag()]);
    const ctx = { 'aws:x-amz-cek-alg': 'AES/GCM/NoPadding' };
    const file = {
      'x-amz-key-v2': (await kmsWrap(dk, ctx)).toString('base64'),
      'x-amz-wrap-alg': 'kms+context',
      'x-amz-cek-alg': 'AES/GCM/NoPadding',
      'x-amz-iv': iv.toString('base64'),
      'x-amz-tag-len': '128',
      'x-amz-matdesc': JSON.stringify(ctx),
    };
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'v2/if', Body: body }));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'v2/if.instruction',
        Body: JSON.stringify(file),
        Metadata: { 'x-amz-crypto-instr-file': '' },
      }),
    );
    expect((await readAll(kmsClient, 'v2/if')).equals(p)).toBe(true);
    const cbcIv = randomBytes(16);
    const cbc = createCipheriv('aes-256-cbc', dk, cbcIv);
    const cbcBody = Buffer.concat([cbc.update(p), cbc.final()]);
    const { 'x-amz-tag-len': _t, ...rest } = file;
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'v2/switched', Body: cbcBody }));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'v2/switched.instruction',
        Body: JSON.stringify({
          ...rest,
          'x-amz-cek-alg': 'AES/CBC/PKCS5Padding',
          'x-amz-iv': cbcIv.toString('base64'),
        }),
      }),
    );
    const loose = makeClient(env, {
      kms: true,
      s3ec: { allowUnauthenticatedLegacyContent: true, allowLegacyKeyWrapping: true },
    });
    await expect(readAll(loose, 'v2/switched')).rejects.toMatchObject({
      code: 'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH',
    });
    loose.destroy();
  });

  it('V1-era KMS CBC: refused by default, read with the option; exact size from the last block', async () => {
    const p = randomBytes(40);
    const dk = randomBytes(32);
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', dk, iv);
    const body = Buffer.concat([c.update(p), c.final()]);
    const matdesc = { kms_cmk_id: env.kmsKeys.primary.arn };
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: 'v1/cbc',
        Body: body,
        Metadata: {
          'x-amz-key-v2': (await kmsWrap(dk, matdesc)).toString('base64'),
          'x-amz-wrap-alg': 'kms',
          'x-amz-cek-alg': 'AES/CBC/PKCS5Padding',
          'x-amz-iv': iv.toString('base64'),
          'x-amz-matdesc': JSON.stringify(matdesc),
        },
      }),
    );
    await expect(readAll(kmsClient, 'v1/cbc')).rejects.toMatchObject({
      code: 'ERR_S3ENC_S3EC_LEGACY_CONTENT',
    });
    const loose = makeClient(env, { kms: true, s3ec: { allowUnauthenticatedLegacyContent: true } });
    const r = await loose.get(bucket.name, 'v1/cbc');
    expect(r.plaintextSize).toBe(40);
    expect((await r.bytes()).equals(p)).toBe(true);
    loose.destroy();
  });

  it('a plaintext object with no instruction file is still plaintext', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'plain', Body: 'hello' }));
    await expect(readAll(kmsClient, 'plain')).rejects.toMatchObject({
      code: 'ERR_S3ENC_NOT_ENCRYPTED',
    });
    expect((await kmsClient.head(bucket.name, 'plain')).encrypted).toBe(false);
    expect(existsSync('/nonexistent')).toBe(false);
  });
});
