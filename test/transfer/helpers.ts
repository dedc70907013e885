// Shared setup of the transfer tests: clients over the hardened transport, against the
// harness's MinIO + local-kms (TLS).
import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { rawAesKeyring } from '@s3enc/core';
import { EncryptedS3Client, type EncryptedS3ClientOptions } from '@s3enc/node';
import type { TestEnv } from '../harness/env.js';

export const MiB = 1024 * 1024;
/** Small frames keep the tests fast and put many frames in a part. */
export const F = 4096;

export function s3Settings(env: TestEnv, extra: { endpoint?: string; ca?: string[] } = {}) {
  return {
    endpoint: extra.endpoint ?? env.s3.endpoint,
    region: env.s3.region,
    credentials: env.s3.credentials,
    forcePathStyle: env.s3.forcePathStyle,
    ca: extra.ca ?? env.ca,
  };
}

export function kmsSettings(env: TestEnv, extra: { endpoint?: string; ca?: string[] } = {}) {
  return {
    endpoint: extra.endpoint ?? env.kms.endpoint,
    region: env.kms.region,
    credentials: env.kms.credentials,
    ca: extra.ca ?? env.ca,
    maxAttempts: 2,
  };
}

export const testKeyring = () =>
  rawAesKeyring({
    key: Buffer.alloc(32, 7),
    keyName: 'transfer-test',
    keyNamespace: 's3enc-tests',
  });

/** A client with a raw AES keyring (no KMS traffic) unless kms: true. */
export function makeClient(
  env: TestEnv,
  o: Partial<EncryptedS3ClientOptions> & { kms?: boolean } = {},
): EncryptedS3Client {
  const { kms, ...rest } = o;
  const base: EncryptedS3ClientOptions = kms
    ? { s3: s3Settings(env), kmsKeyIds: [env.kmsKeys.primary.arn], kms: kmsSettings(env) }
    : { s3: s3Settings(env), keyring: testKeyring() };
  return new EncryptedS3Client({ frameLength: F, partSize: 5 * MiB, ...base, ...rest });
}

export function data(n: number): Buffer {
  return randomBytes(n);
}

export async function openUploads(s3: S3Client, bucket: string): Promise<number> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return r.Uploads?.length ?? 0;
}
