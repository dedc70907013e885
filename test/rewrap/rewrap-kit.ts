// What the rewrap integration tests share: the servers' clients, a raw AES key and the two KMS
// keys as keyrings, a client with small frames and parts, and three buckets (versioned, without
// versioning, with Object Lock) made before the tests and removed after them.
import { randomBytes } from 'node:crypto';
import { kmsKeyring, rawAesKeyring, type Keyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { afterAll, beforeAll } from 'vitest';
import {
  createTestBucket,
  getTestEnv,
  makeKmsClient,
  makeS3Client,
  type TestBucket,
} from '../harness/env.js';
import { MiB, s3Settings } from '../transfer/helpers.js';

export const F = 4096;

/** The kit; `name` prefixes the buckets and names the raw key (`s3enc-tests/<name>-a`). */
export function useRewrapKit(name: string) {
  const env = getTestEnv();
  const kms = makeKmsClient(env);
  const plain = makeS3Client(env);
  const rawKey = randomBytes(32);
  const keyA = () =>
    rawAesKeyring({ key: Buffer.from(rawKey), keyName: `${name}-a`, keyNamespace: 's3enc-tests' });
  const kmsPrimary = () =>
    kmsKeyring({ generatorKeyId: env.kmsKeys.primary.arn, clientProvider: () => kms });
  const kmsSecondary = () =>
    kmsKeyring({ generatorKeyId: env.kmsKeys.secondary.arn, clientProvider: () => kms });
  const client = (keyring: Keyring = keyA()): EncryptedS3Client =>
    new EncryptedS3Client({ s3: s3Settings(env), keyring, frameLength: F, partSize: 5 * MiB });
  const buckets = {} as { versioned: TestBucket; unversioned: TestBucket; locked: TestBucket };
  beforeAll(async () => {
    buckets.versioned = await createTestBucket(env, { versioning: true, prefix: name });
    buckets.unversioned = await createTestBucket(env, { prefix: `${name}-plain` });
    buckets.locked = await createTestBucket(env, { objectLock: true, prefix: `${name}-lock` });
  });
  afterAll(async () => {
    for (const b of Object.values(buckets)) await b.cleanup();
    kms.destroy();
    plain.destroy();
  });
  return { env, kms, plain, keyA, kmsPrimary, kmsSecondary, client, buckets };
}
