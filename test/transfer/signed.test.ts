// Objects in a signed suite (0x0578, the @aws-crypto default) written by the official
// library: head reports their real plaintext size, get refuses them with
// ERR_S3ENC_SIGNED_MESSAGE (it cannot release frames before the footer signature is checked).
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
    it(`P = ${P}, F = ${F}: head reports signed and the plaintext size; get refuses`, async () => {
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
      await expect(client.get(bucket.name, key)).rejects.toMatchObject({
        name: 'FormatError',
        code: 'ERR_S3ENC_SIGNED_MESSAGE',
      });
      await expect(
        client.get(bucket.name, key, { range: { start: 0, end: 0 } }),
      ).rejects.toMatchObject({
        code: 'ERR_S3ENC_SIGNED_MESSAGE',
      });
    });
  }
});
