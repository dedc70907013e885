// Issue #14: s3enc writes V3 (`put` with `format: 's3ec-v3'`), KMS or a raw AES key, metadata on
// the object or in an instruction file, single puts and multipart; the official Java and Python
// S3 Encryption Clients read it.
import { readFileSync } from 'node:fs';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawAesKeyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { createTestBucket, getTestEnv, makeS3Client, type TestBucket } from '../harness/env.js';
import { tempFile } from '../peers/peers.js';
import {
  makeKeys,
  MULTIPART,
  P,
  peerFlags,
  peerRun,
  plaintexts,
  s3ecClientOptions,
  type Writer,
} from './s3ec-matrix.js';

const env = getTestEnv();
const keys = makeKeys();
const s3 = makeS3Client(env);
let bucket: TestBucket;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 's3ec-write' });
});
afterAll(async () => {
  await bucket.cleanup();
  s3.destroy();
});

const SIZES = [0, 1, 15, 16, 17, P - 1, P + 1, ...MULTIPART];
const context = { Project: 'writer', env: 'test' };

interface WriteCase {
  name: string;
  key: 'kms' | 'aes';
  instructionFile: boolean;
  readers: Writer[];
}

const CASES: WriteCase[] = [
  { name: 'kms', key: 'kms', instructionFile: false, readers: ['v4', 'python'] },
  { name: 'kms-instruction', key: 'kms', instructionFile: true, readers: ['v4', 'python'] },
  { name: 'aes', key: 'aes', instructionFile: false, readers: ['v4'] },
  { name: 'aes-instruction', key: 'aes', instructionFile: true, readers: ['v4'] },
];

describe('s3enc writes V3; the official clients read it', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    // A raw-key client: the same AES key as its keyring (s3enc objects) and as s3ec.aesKey
    // (the V3 wrap key when the client has no KMS key), as one key file gives both.
    const client = new EncryptedS3Client({
      ...s3ecClientOptions(env, keys, { aesKey: c.key === 'aes' }, { kms: c.key === 'kms' }),
      ...(c.key === 'aes'
        ? {
            keyring: rawAesKeyring({
              key: new Uint8Array(keys.aesKey),
              keyName: 's3ec-write-test',
              keyNamespace: 's3enc-tests',
            }),
          }
        : {}),
    });
    const plains = plaintexts(SIZES);
    const keyOf = (n: number) => `${c.name}/${n}`;
    const ctx = c.key === 'kms' ? context : undefined;
    try {
      for (const [i, n] of SIZES.entries()) {
        await client.put(bucket.name, keyOf(n), plains[i]!.bytes, {
          format: 's3ec-v3',
          instructionFile: c.instructionFile,
          ...(ctx ? { encryptionContext: ctx } : {}),
        } as never);
      }
    } finally {
      client.destroy();
    }
    // The shape the official clients write (docs: S3EC-NOTES).
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: keyOf(17) }));
    expect(h.Metadata?.['x-amz-c']).toBe('115');
    expect(h.ContentLength).toBe(17 + 16);
    if (c.instructionFile) expect(h.Metadata?.['x-amz-3']).toBeUndefined();
    else expect(h.Metadata?.['x-amz-w']).toBe(c.key === 'kms' ? '12' : '02');

    for (const reader of c.readers) {
      const outs = SIZES.map(() => tempFile('out', ''));
      await peerRun(
        env,
        reader,
        'get',
        peerFlags(env, keys, bucket.name, { key: c.key, flags: ctx ? { context: ctx } : {} }),
        SIZES.map((n, i) => [keyOf(n), outs[i]!] as const),
      );
      for (const [i, n] of SIZES.entries()) {
        expect(readFileSync(outs[i]!).equals(plains[i]!.bytes), `${reader} ${keyOf(n)}`).toBe(true);
      }
    }
  });
});
