// Objects in a signed suite (0x0578, the @aws-crypto default) written by the official
// library: head reports their real plaintext size; get and getToFile read them whole, releasing
// nothing before the footer signature verifies; a byte range of them is refused
// (ERR_S3ENC_RANGE_UNSUPPORTED, a usage error: the signature covers the whole message).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { data, makeClient } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-signed' });
  client = makeClient(env);
});
afterAll(async () => {
  client.destroy();
  await bucket.cleanup();
});

const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const keyring = new RawAesKeyringNode({
  keyName: 'transfer-test',
  keyNamespace: 's3enc-tests',
  unencryptedMasterKey: Buffer.alloc(32, 7),
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});

describe('signed suites', () => {
  const cases: [number, number][] = [
    [1000, 4096],
    [4000, 4096],
    [0, 4096],
    [3 * 4096, 4096],
    [10_000, 1024],
    [70_000, 4096], // larger than what head fetches first
  ];
  for (const [P, F] of cases) {
    it(`P = ${P}, F = ${F}: head reports signed and the plaintext size; get and getToFile read it`, async () => {
      const plain = data(P);
      const { result } = await encrypt(keyring, plain, {
        frameLength: F,
        suiteId:
          AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
      });
      const key = `signed/${P}-${F}`;
      await client.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: result }));
      const h = await client.head(bucket.name, key);
      expect(h.encrypted).toBe(true);
      expect(h.envelope).toMatchObject({
        suiteId: 0x0578,
        signed: true,
        plaintextSize: P,
        ciphertextSize: result.length,
        frames: Math.floor(P / F) + 1,
      });
      const got = await client.get(bucket.name, key);
      expect(got.plaintextSize).toBe(P);
      expect((await got.bytes()).equals(plain)).toBe(true);
      const dir = mkdtempSync(join(tmpdir(), 's3enc-signed-'));
      const file = await client.getToFile(bucket.name, key, join(dir, 'out'));
      expect(file.bytesWritten).toBe(P);
      expect(readFileSync(join(dir, 'out')).equals(plain)).toBe(true);
      await expect(
        client.get(bucket.name, key, { range: { start: 0, end: 0 } }),
      ).rejects.toMatchObject({
        code: 'ERR_S3ENC_RANGE_UNSUPPORTED',
      });
    });
  }

  async function putSigned(key: string, plain: Buffer, F = 4096): Promise<Buffer> {
    const { result } = await encrypt(keyring, plain, {
      frameLength: F,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    });
    await client.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: result }));
    return result;
  }

  it('a bad signature releases no plaintext: get rejects, getToFile leaves no file', async () => {
    const plain = data(50_000);
    const good = await putSigned('signed/good', plain);
    // Flip a bit in the signature (the last byte of the footer): every frame still verifies.
    const bad = Buffer.from(good);
    bad[bad.length - 1]! ^= 1;
    await client.s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'signed/bad', Body: bad }),
    );
    const received: Buffer[] = [];
    const err = await (async () => {
      const got = await client.get(bucket.name, 'signed/bad');
      for await (const c of got.body) received.push(c as Buffer);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ERR_S3ENC_SIGNATURE_MISMATCH' });
    expect(Buffer.concat(received).length).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 's3enc-signed-'));
    await expect(
      client.getToFile(bucket.name, 'signed/bad', join(dir, 'out')),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_SIGNATURE_MISMATCH' });
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('get refuses a signed object larger than the in-memory cap before any key use; getToFile reads it', async () => {
    const plain = data(300_000);
    await putSigned('signed/large', plain);
    await expect(
      client.get(bucket.name, 'signed/large', { maxSignedPlaintextInMemory: 100_000 }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_SIGNED_MESSAGE_TOO_LARGE' });
    const dir = mkdtempSync(join(tmpdir(), 's3enc-signed-'));
    await client.getToFile(bucket.name, 'signed/large', join(dir, 'out'), {
      maxSignedPlaintextInMemory: 100_000,
    });
    expect(readFileSync(join(dir, 'out')).equals(plain)).toBe(true);
  });

  it('a wrong encryption context rejects get itself, before any body', async () => {
    const plain = data(1000);
    await putSigned('signed/ctx', plain);
    await expect(
      client.get(bucket.name, 'signed/ctx', { encryptionContext: { tenant: 'other' } }),
    ).rejects.toMatchObject({ name: 'KeyUnwrapError' });
  });
});
