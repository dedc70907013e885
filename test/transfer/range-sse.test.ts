import { HeadObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeS3Checksum,
  frameRangeFor,
  verifyFileChecksum,
  type ChecksumAlgorithm,
  type ChecksumType,
} from '@s3enc/core';
import {
  EncryptedS3Client,
  getObjectChecksumAttributes,
  SseCustomerKey,
  verifyObjectChecksum,
} from '@s3enc/node';
import { inspect } from 'node:util';
import { createTestBucket, getTestEnv, type TestBucket } from '../harness/env.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { data, F, makeClient, MiB, s3Settings, testKeyring } from './helpers.js';

const env = getTestEnv();
let bucket: TestBucket;
let client: EncryptedS3Client;
let proxy: FaultProxy;
let viaProxy: EncryptedS3Client;

beforeAll(async () => {
  bucket = await createTestBucket(env, { prefix: 'transfer-range' });
  client = makeClient(env);
  proxy = await startFaultProxy({ upstream: env.s3.endpoint, upstreamCa: env.ca });
  viaProxy = new EncryptedS3Client({
    s3: s3Settings(env, { endpoint: proxy.endpoint, ca: [env.ca, proxy.ca] }),
    keyring: testKeyring(),
    frameLength: F,
  });
});
afterAll(async () => {
  client.destroy();
  viaProxy.destroy();
  await proxy.close();
  await bucket.cleanup();
});

describe('ranged reads', () => {
  for (const P of [5 * F + 100, 4 * F]) {
    it(`every boundary case, fetching only the covering frames (P = ${P})`, async () => {
      const plain = data(P);
      const key = `range/${P}`;
      const put = await client.put(bucket.name, key, plain);
      const layout = {
        frameLength: F,
        headerLength: put.headerLength,
        plaintextSize: P,
        ciphertextSize: put.ciphertextSize,
      };
      const ranges = [
        [0, 0],
        [0, 1],
        [0, F],
        [F - 1, F + 1],
        [F, 2 * F],
        [F, F + 1],
        [2 * F + 5, 3 * F - 5],
        [P - 1, P],
        [P, P],
        [0, P],
        [4 * F, P],
        [3, P - 3],
        [F * 2, F * 2],
      ];
      for (const [start, end] of ranges) {
        proxy.setFaults([]);
        const got = await viaProxy.get(bucket.name, key, { range: { start: start!, end: end! } });
        const bytes = await got.bytes();
        expect(bytes.equals(plain.subarray(start, end)), `range ${start}-${end}`).toBe(true);
        const fr = frameRangeFor({ start: start!, end: end! }, layout);
        const cipherEnd = end === P ? put.ciphertextSize : fr.cipherEnd;
        const gets = proxy.requests.filter((r) => r.method === 'GET');
        expect(gets[0]!.range).toBe('bytes=0-4095');
        for (const r of gets.slice(1)) {
          const [a, b] = r.range!.replace('bytes=', '').split('-').map(Number);
          expect(a).toBeGreaterThanOrEqual(fr.cipherStart);
          expect(b! + 1).toBeLessThanOrEqual(cipherEnd);
        }
        const total = gets.reduce((s, r) => s + r.responseBytes, 0);
        expect(total, `bytes for ${start}-${end}`).toBeLessThanOrEqual(
          Math.min(4096, put.ciphertextSize) + (cipherEnd - fr.cipherStart),
        );
      }
    });
  }
  it('invalid ranges are refused before any frame is fetched', async () => {
    await client.put(bucket.name, 'range/small', data(100));
    await expect(
      client.get(bucket.name, 'range/small', { range: { start: 5, end: 3 } }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_RANGE' });
    await expect(
      client.get(bucket.name, 'range/small', { range: { start: 0, end: 101 } }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_RANGE' });
  });
  it('a ranged read of a multipart object with parallel chunks; file target', async () => {
    const plain = data(12 * MiB + 3);
    await client.put(bucket.name, 'range/big', plain);
    const r = { start: 3 * MiB + 17, end: 11 * MiB - 5 };
    const got = await client.get(bucket.name, 'range/big', {
      range: r,
      chunkSize: 256 * 1024,
      concurrency: 6,
    });
    expect((await got.bytes()).equals(plain.subarray(r.start, r.end))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 's3enc-range-'));
    const f = await client.getToFile(bucket.name, 'range/big', join(dir, 'out'), { range: r });
    expect(f.bytesWritten).toBe(r.end - r.start);
  });
  it('versionId reads an older version', async () => {
    const vb = await createTestBucket(env, { prefix: 'transfer-ver', versioning: true });
    try {
      const a = await client.put(vb.name, 'k', 'first');
      await client.put(vb.name, 'k', 'second');
      expect(a.versionId).toBeTruthy();
      expect(
        (await (await client.get(vb.name, 'k', { versionId: a.versionId })).bytes()).toString(),
      ).toBe('first');
      expect((await (await client.get(vb.name, 'k')).bytes()).toString()).toBe('second');
      expect((await client.head(vb.name, 'k', { versionId: a.versionId })).versionId).toBe(
        a.versionId,
      );
    } finally {
      await vb.cleanup();
    }
  });
});

describe('server-side encryption layers', () => {
  it('SSE-KMS and SSE-S3 are visible in HeadObject and in head()', async () => {
    await client.put(bucket.name, 'sse/kms', data(100), { sse: { type: 'SSE-KMS' } });
    await client.put(bucket.name, 'sse/s3', data(6 * MiB), { sse: { type: 'SSE-S3' } });
    expect(
      (await client.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'sse/kms' })))
        .ServerSideEncryption,
    ).toBe('aws:kms');
    expect(
      (await client.s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'sse/s3' })))
        .ServerSideEncryption,
    ).toBe('AES256');
    expect((await client.head(bucket.name, 'sse/kms')).sse?.type).toBe('SSE-KMS');
    expect((await client.head(bucket.name, 'sse/s3')).sse?.type).toBe('SSE-S3');
    expect((await (await client.get(bucket.name, 'sse/s3')).bytes()).length).toBe(6 * MiB);
  });
  it('SSE-C: key from buffer, file and environment; wrong key fails; key never printed', async () => {
    const key = Buffer.alloc(32, 0x42);
    const dir = mkdtempSync(join(tmpdir(), 's3enc-ssec-'));
    writeFileSync(join(dir, 'k'), key.toString('base64'));
    process.env.S3ENC_TEST_SSEC = key.toString('base64');
    const plain = data(6 * MiB + 5);
    await client.put(bucket.name, 'sse/c', plain, { sse: { type: 'SSE-C', key } });
    const h = await client.s3.send(
      new HeadObjectCommand({
        Bucket: bucket.name,
        Key: 'sse/c',
        ...new SseCustomerKey(key).requestParams(),
      }),
    );
    expect(h.SSECustomerAlgorithm).toBe('AES256');
    for (const k of [key, { file: join(dir, 'k') }, { env: 'S3ENC_TEST_SSEC' }]) {
      expect(
        (await (await client.get(bucket.name, 'sse/c', { sseCustomerKey: k })).bytes()).equals(
          plain,
        ),
      ).toBe(true);
    }
    expect((await client.head(bucket.name, 'sse/c', { sseCustomerKey: key })).sse?.type).toBe(
      'SSE-C',
    );
    await expect(
      client.get(bucket.name, 'sse/c', { sseCustomerKey: Buffer.alloc(32, 1) }),
    ).rejects.toMatchObject({ name: 'S3RequestError' });
    await expect(client.get(bucket.name, 'sse/c')).rejects.toMatchObject({
      name: 'S3RequestError',
    });
    const k = new SseCustomerKey(key);
    expect(inspect(k)).not.toContain(key.toString('base64'));
    expect(JSON.stringify({ k })).not.toContain(key.toString('base64'));
    await expect(
      client.put(bucket.name, 'sse/bad', 'x', { sse: { type: 'SSE-C', key: Buffer.alloc(16) } }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_SSE_C_KEY' });
  });
});

describe('checksums', () => {
  const cases: [ChecksumAlgorithm, ChecksumType | undefined][] = [
    ['CRC32C', undefined],
    ['CRC32', undefined],
    ['CRC64NVME', undefined],
    ['SHA256', undefined],
    ['SHA1', undefined],
    ['CRC32C', 'COMPOSITE'],
  ];
  for (const [alg, type] of cases) {
    it(`${alg}${type ? ` ${type}` : ''}: what we computed equals what MinIO reports, single part and multipart`, async () => {
      for (const n of [1000, 11 * MiB]) {
        const key = `ck/${alg}-${type ?? 'default'}-${n}`;
        const put = await client.put(bucket.name, key, data(n), {
          checksumAlgorithm: alg,
          checksumType: type,
        });
        const attrs = await getObjectChecksumAttributes(client.s3, bucket.name, key);
        const reported = (attrs.Checksum as Record<string, string | undefined> | undefined)?.[
          `Checksum${alg}`
        ];
        // GetObjectAttributes leaves out the -N suffix of composite checksums.
        expect(reported, JSON.stringify(attrs.Checksum)).toBe(
          put.checksum.value.replace(/-\d+$/, ''),
        );
        // and a local copy of the stored bytes verifies against the attributes
        const raw = await client.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
        const dir = mkdtempSync(join(tmpdir(), 's3enc-ck-'));
        writeFileSync(join(dir, 'c'), await raw.Body!.transformToByteArray());
        expect((await verifyObjectChecksum(client.s3, bucket.name, key, join(dir, 'c'))).ok).toBe(
          true,
        );
        writeFileSync(join(dir, 'd'), Buffer.alloc(n));
        expect((await verifyFileChecksum(join(dir, 'd'), attrs)).ok).toBe(false);
        const again = await computeS3Checksum(
          { path: join(dir, 'c') },
          {
            algorithm: alg,
            ...(put.multipart
              ? { partSizes: attrs.ObjectParts?.Parts?.map((p) => p.Size!) ?? [] }
              : {}),
            type: put.checksum.type,
          },
        );
        expect(again.value).toBe(put.checksum.value);
      }
    });
  }
});
