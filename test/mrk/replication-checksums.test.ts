// Which checksum settings of an s3enc put replicate between two MinIO servers (real bucket
// replication over TLS). The pinned MinIO does not replicate a multipart object whose
// checksum is a FULL_OBJECT CRC32C or CRC32 (s3enc's default is FULL_OBJECT CRC32C): its
// source status ends FAILED. docs/cross-region.md quotes this table; when a MinIO upgrade
// changes an outcome, this test says so and the document must follow.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm, ChecksumType } from '@s3enc/core';
import { rawAesKeyring } from '@s3enc/core';
import { EncryptedS3Client } from '@s3enc/node';
import { makeCerts } from '@s3enc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestEnv, type TestBucket } from '../harness/env.js';
import { startMinioPair, type MinioPair } from '../harness/minio-replication.js';
import { MiB, s3Settings } from '../transfer/helpers.js';

let dir: string;
let pair: MinioPair;
let source: TestBucket;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3enc-repl-sums-'));
  pair = await startMinioPair(await makeCerts(dir), getTestEnv(), 'us-east-1', 'us-west-2');
  source = await pair.a.bucket('sums-east');
  const replica = await pair.b.bucket('sums-west');
  await pair.replicate(source.name, replica.name);
});
afterAll(async () => {
  await pair?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The source's replication status once it is final (COMPLETED or FAILED); bounded poll. */
async function finalStatus(key: string): Promise<string | undefined> {
  let status: string | undefined;
  for (let i = 0; i < 240; i++) {
    status = (await pair.a.s3.send(new HeadObjectCommand({ Bucket: source.name, Key: key })))
      .ReplicationStatus;
    if (status === 'COMPLETED' || status === 'FAILED') return status;
    await new Promise((r) => setTimeout(r, 250));
  }
  return status;
}

describe('MinIO replication by checksum setting (multipart: 6 MiB in 5 MiB parts)', () => {
  interface Case {
    name: string;
    algorithm?: ChecksumAlgorithm;
    type?: ChecksumType;
    size: number;
    want: 'COMPLETED' | 'FAILED';
  }
  const multipart = 6 * MiB + 11;
  const cases: Case[] = [
    { name: 'default (CRC32C FULL_OBJECT)', size: multipart, want: 'FAILED' },
    {
      name: 'CRC32 FULL_OBJECT',
      algorithm: 'CRC32',
      type: 'FULL_OBJECT',
      size: multipart,
      want: 'FAILED',
    },
    {
      name: 'CRC64NVME FULL_OBJECT',
      algorithm: 'CRC64NVME',
      type: 'FULL_OBJECT',
      size: multipart,
      want: 'COMPLETED',
    },
    {
      name: 'CRC32C COMPOSITE',
      algorithm: 'CRC32C',
      type: 'COMPOSITE',
      size: multipart,
      want: 'COMPLETED',
    },
    {
      name: 'CRC32 COMPOSITE',
      algorithm: 'CRC32',
      type: 'COMPOSITE',
      size: multipart,
      want: 'COMPLETED',
    },
    {
      name: 'SHA256 COMPOSITE',
      algorithm: 'SHA256',
      type: 'COMPOSITE',
      size: multipart,
      want: 'COMPLETED',
    },
    { name: 'default, single part', size: 1000, want: 'COMPLETED' },
  ];
  it.each(cases)('$name → $want', async ({ name, algorithm, type, size, want }) => {
    const c = new EncryptedS3Client({
      s3: s3Settings(pair.a.env),
      keyring: rawAesKeyring({ key: randomBytes(32), keyName: 'k', keyNamespace: 'repl-test' }),
      partSize: 5 * MiB,
    });
    const key = `sums/${name.replace(/[^A-Za-z0-9]+/g, '-')}`;
    await c.put(source.name, key, randomBytes(size), {
      ...(algorithm !== undefined ? { checksumAlgorithm: algorithm } : {}),
      ...(type !== undefined ? { checksumType: type } : {}),
    });
    c.destroy();
    expect(await finalStatus(key)).toBe(want);
  });
});
