// Shared machinery of the S3 Encryption Client matrices (issue #14): a peer writes one object per
// size in one run, s3enc reads each (get and getToFile), `head` names the format, and objects
// that need a legacy option are refused without it. Keys: the primary KMS key of the test
// environment, a random AES-256 key and an RSA-2048 key pair made per test file.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { S3EncError } from '@s3enc/core';
import { EncryptedS3Client, type EncryptedS3ClientOptions } from '@s3enc/node';
import type { TestEnv } from '../harness/env.js';
import {
  runJavaPeer,
  runPythonS3ecPeer,
  tempFile,
  type JavaClient,
  type S3ecPeerFlags,
} from '../peers/peers.js';

export const MiB = 1024 * 1024;
/** The peers' multipart part size and s3enc's part/download chunk size. */
export const P = 5 * MiB;
/** Small sizes around the AES block and GCM boundaries. */
export const SMALL = [0, 1, 15, 16, 17, 4099];
/** SMALL plus the part size ±1. */
export const WITH_PART = [0, 1, 15, 16, 17, P - 1, P, P + 1];
/** One multipart object: two full parts and a short last one. */
export const MULTIPART = [2 * P + 17];

/** Key material of one test file. */
export interface MatrixKeys {
  aesKey: Buffer;
  aesKeyFile: string;
  rsaPrivatePem: string;
  rsaKeyFile: string;
}

export function makeKeys(): MatrixKeys {
  const aesKey = randomBytes(32);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPrivatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    aesKey,
    aesKeyFile: tempFile('aes.key', aesKey),
    rsaPrivatePem,
    rsaKeyFile: tempFile('rsa.pem', rsaPrivatePem),
  };
}

export type Writer = JavaClient | 'python';

/** What s3enc needs to read a case: keys and the explicitly named legacy options. */
export interface ReadNeeds {
  aesKey?: boolean;
  rsa?: boolean;
  allowUnauthenticatedLegacyContent?: boolean;
  allowLegacyKeyWrapping?: boolean;
}

export interface MatrixCase {
  name: string;
  writer: Writer;
  /** The peer's flags, without bucket and key material (added from `key`). */
  flags: Omit<S3ecPeerFlags, 'bucket' | 'kmsKeyId' | 'aesKeyFile' | 'rsaKeyFile'>;
  key: 'kms' | 'aes' | 'rsa';
  sizes: readonly number[];
  format: 's3ec-v1' | 's3ec-v2' | 's3ec-v3';
  read?: ReadNeeds;
  /** Pairs to require on get (the context or material description the writer bound). */
  context?: Record<string, string>;
  /** The code s3enc refuses the object with when `read`'s legacy options are not set. */
  refusedWithout?: string;
}

export function s3ecClientOptions(
  env: TestEnv,
  keys: MatrixKeys,
  read: ReadNeeds = {},
  o: { kms?: boolean } = {},
): EncryptedS3ClientOptions {
  return {
    s3: {
      endpoint: env.s3.endpoint,
      region: env.s3.region,
      credentials: env.s3.credentials,
      forcePathStyle: env.s3.forcePathStyle,
      ca: env.ca,
    },
    ...(o.kms === false ? {} : { kmsKeyIds: [env.kmsKeys.primary.arn] }),
    kms: {
      endpoint: env.kms.endpoint,
      region: env.kms.region,
      credentials: env.kms.credentials,
      ca: env.ca,
      maxAttempts: 2,
    },
    partSize: P,
    downloadChunkSize: P,
    s3ec: {
      ...(read.aesKey ? { aesKey: new Uint8Array(keys.aesKey) } : {}),
      ...(read.rsa ? { rsaPrivateKey: keys.rsaPrivatePem } : {}),
      ...(read.allowUnauthenticatedLegacyContent
        ? { allowUnauthenticatedLegacyContent: true }
        : {}),
      ...(read.allowLegacyKeyWrapping ? { allowLegacyKeyWrapping: true } : {}),
    },
  };
}

export function peerFlags(
  env: TestEnv,
  keys: MatrixKeys,
  bucket: string,
  c: Pick<MatrixCase, 'flags' | 'key'>,
): S3ecPeerFlags {
  return {
    ...c.flags,
    bucket,
    ...(c.key === 'kms' ? { kmsKeyId: env.kmsKeys.primary.arn } : {}),
    ...(c.key === 'aes' ? { aesKeyFile: keys.aesKeyFile } : {}),
    ...(c.key === 'rsa' ? { rsaKeyFile: keys.rsaKeyFile } : {}),
  };
}

/** Runs a peer (Java client or the Python S3EC) over [S3 key, file] pairs; asserts success. */
export async function peerRun(
  env: TestEnv,
  writer: Writer,
  op: 'put' | 'get',
  flags: S3ecPeerFlags,
  objects: readonly (readonly [string, string])[],
): Promise<void> {
  const r =
    writer === 'python'
      ? await runPythonS3ecPeer(env, op, flags, objects)
      : await runJavaPeer(env, writer, op, flags, objects);
  expect(
    r.results.map((x) => `${x.key}: ${x.ok ? 'ok' : (x.error ?? '')}`),
    r.stderr,
  ).toEqual(objects.map(([k]) => `${k}: ok`));
  expect(r.code).toBe(0);
}

/** Deterministic-free plaintexts, kept in files for the peers. */
export function plaintexts(sizes: readonly number[]): { bytes: Buffer; file: string }[] {
  return sizes.map((n) => {
    const bytes = randomBytes(n);
    return { bytes, file: tempFile(`plain-${n}`, bytes) };
  });
}

/**
 * The case's peer writes every size; s3enc reads each with `get` and the largest with
 * `getToFile`, `head` reports the format, and without the legacy options the object is refused.
 */
export async function writeWithPeerReadWithS3enc(
  env: TestEnv,
  keys: MatrixKeys,
  bucket: string,
  c: MatrixCase,
): Promise<void> {
  const plains = plaintexts(c.sizes);
  const keyOf = (n: number) => `${c.name}/${n}`;
  await peerRun(
    env,
    c.writer,
    'put',
    peerFlags(env, keys, bucket, c),
    c.sizes.map((n, i) => [keyOf(n), plains[i]!.file] as const),
  );
  const client = new EncryptedS3Client(s3ecClientOptions(env, keys, c.read));
  try {
    const getOptions = c.context ? { encryptionContext: c.context } : {};
    for (const [i, n] of c.sizes.entries()) {
      const got = await client.get(bucket, keyOf(n), getOptions);
      const bytes = await got.bytes();
      expect(bytes.length, `${keyOf(n)} length`).toBe(n);
      expect(bytes.equals(plains[i]!.bytes), `${keyOf(n)} plaintext`).toBe(true);
    }
    const last = c.sizes.length - 1;
    const dir = mkdtempSync(join(tmpdir(), 's3ec-matrix-'));
    const target = join(dir, 'out');
    await client.getToFile(bucket, keyOf(c.sizes[last]!), target, getOptions);
    expect(readFileSync(target).equals(plains[last]!.bytes)).toBe(true);
    const head = await client.head(bucket, keyOf(c.sizes[last]!));
    expect(head.format).toBe(c.format);
    // The formats cannot authenticate a range: refused, pointing to convert.
    if (c.sizes[last]! > 1) {
      const ranged = await client
        .get(bucket, keyOf(c.sizes[last]!), { ...getOptions, range: { start: 0, end: 1 } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(ranged).toBeInstanceOf(S3EncError);
      expect((ranged as S3EncError).code).toBe('ERR_S3ENC_RANGE_UNSUPPORTED');
      expect((ranged as Error).message).toMatch(/convert/);
    }
  } finally {
    client.destroy();
  }
  if (c.refusedWithout !== undefined) {
    const strict = new EncryptedS3Client(
      s3ecClientOptions(env, keys, { aesKey: c.read?.aesKey, rsa: c.read?.rsa }),
    );
    try {
      const dir = mkdtempSync(join(tmpdir(), 's3ec-refused-'));
      const target = join(dir, 'out');
      const err = await strict
        .getToFile(
          bucket,
          keyOf(c.sizes[0]!),
          target,
          c.context ? { encryptionContext: c.context } : {},
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(S3EncError);
      expect((err as S3EncError).code).toBe(c.refusedWithout);
      expect((err as Error).message).toMatch(/allow[A-Z]\w+/);
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      strict.destroy();
    }
  }
}
