import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Crc32, Crc32cJs, Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import { describe, expect, it } from 'vitest';
import {
  checksumOf,
  combinePartChecksums,
  computeS3Checksum,
  createChecksum,
  verifyFileChecksum,
  type ChecksumAlgorithm,
} from './checksum.js';
import { combineCrcDigests, crc32Js, crc32cJs, crcImplementations } from './checksum-crc.js';

const check = Buffer.from('123456789');

describe('check values', () => {
  it.each([
    ['CRC32', 'cbf43926'],
    ['CRC32C', 'e3069283'],
    ['CRC64NVME', 'ae8b14860a799888'],
    ['SHA1', 'f7c3bc1d808e04732adf679965ccc34ca7ae3441'],
    ['SHA256', '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225'],
  ] as const)('%s("123456789") = %s', (alg, hex) => {
    expect(checksumOf(alg, check).toString('hex')).toBe(hex);
  });
  it('JS fallbacks agree with the check values', () => {
    expect(crc32Js(check).toString(16)).toBe('cbf43926');
    expect(crc32cJs(check).toString(16)).toBe('e3069283');
    expect(crcImplementations.CRC32).toBe('zlib');
  });
  it('empty input', () => {
    expect(checksumOf('CRC32', Buffer.alloc(0)).toString('hex')).toBe('00000000');
    expect(checksumOf('CRC64NVME', Buffer.alloc(0)).toString('hex')).toBe('0000000000000000');
  });
});

async function sdkDigest(
  alg: 'CRC32' | 'CRC32C' | 'CRC64NVME',
  chunks: Uint8Array[],
): Promise<Buffer> {
  const h = alg === 'CRC32' ? new Crc32() : alg === 'CRC32C' ? new Crc32cJs() : new Crc64NvmeJs();
  for (const c of chunks) h.update(c);
  return Buffer.from(await h.digest());
}

describe('against the AWS SDK implementations', () => {
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    it(`${alg} at many lengths and chunkings`, async () => {
      for (const n of [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4097, 100_003]) {
        const data = randomBytes(n);
        const ours = createChecksum(alg);
        // Uneven chunks exercise the tail paths.
        for (let i = 0; i < n; i += 13) ours.update(data.subarray(i, i + 13));
        expect(ours.digest().toString('hex')).toBe((await sdkDigest(alg, [data])).toString('hex'));
        expect(checksumOf(alg, data).toString('hex')).toBe(
          (await sdkDigest(alg, [data])).toString('hex'),
        );
      }
    });
  }
});

describe('CRC combination', () => {
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    it(`${alg}: combine(crc(A), crc(B), |B|) = crc(A‖B)`, () => {
      for (const [a, b] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [5, 9],
        [1000, 1],
        [4096, 65_537],
        [3, 1_048_576],
      ] as const) {
        const A = randomBytes(a);
        const B = randomBytes(b);
        const combined = combineCrcDigests(alg, checksumOf(alg, A), checksumOf(alg, B), b);
        expect(combined.toString('hex')).toBe(
          checksumOf(alg, Buffer.concat([A, B])).toString('hex'),
        );
      }
    });
  }
});

describe('S3 object checksums', () => {
  const data = randomBytes(3 * 1000 + 123);
  it('single part: base64 of the whole-body digest', async () => {
    const r = await computeS3Checksum(data, { algorithm: 'CRC32C' });
    expect(r).toMatchObject({
      type: 'FULL_OBJECT',
      value: checksumOf('CRC32C', data).toString('base64'),
    });
  });
  it('multipart full-object equals the whole-body CRC', async () => {
    for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
      const r = await computeS3Checksum(data, { algorithm: alg, partSize: 1000 });
      expect(r.type).toBe('FULL_OBJECT');
      expect(r.value).toBe(checksumOf(alg, data).toString('base64'));
      expect(r.parts).toHaveLength(4);
    }
  });
  it('multipart composite is base64(hash(part digests))-N', async () => {
    for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as ChecksumAlgorithm[]) {
      const r = await computeS3Checksum([data.subarray(0, 500), data.subarray(500)], {
        algorithm: alg,
        partSize: 1000,
        type: 'COMPOSITE',
      });
      const parts = [0, 1000, 2000, 3000].map((o) => checksumOf(alg, data.subarray(o, o + 1000)));
      expect(r.value).toBe(`${checksumOf(alg, Buffer.concat(parts)).toString('base64')}-4`);
    }
    const sha = await computeS3Checksum(data, { algorithm: 'SHA256', partSize: 1000 });
    const parts = [0, 1000, 2000, 3000].map((o) =>
      createHash('sha256')
        .update(data.subarray(o, o + 1000))
        .digest(),
    );
    expect(sha.value).toBe(
      `${createHash('sha256').update(Buffer.concat(parts)).digest('base64')}-4`,
    );
  });
  it('explicit part sizes (last part takes the remainder)', async () => {
    const a = await computeS3Checksum(data, {
      algorithm: 'SHA1',
      partSizes: [2000, 1],
      type: 'COMPOSITE',
    });
    const p = [data.subarray(0, 2000), data.subarray(2000)].map((x) => checksumOf('SHA1', x));
    expect(a.value).toBe(`${checksumOf('SHA1', Buffer.concat(p)).toString('base64')}-2`);
  });
  it('refuses types S3 does not support', () => {
    expect(() =>
      combinePartChecksums('CRC64NVME', [{ digest: Buffer.alloc(8), size: 1 }], {
        multipart: true,
        type: 'COMPOSITE',
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_INVALID_CHECKSUM_TYPE' }));
    expect(() => createChecksum('MD5' as ChecksumAlgorithm)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_CHECKSUM_ALGORITHM' }),
    );
  });
  it('verifies a file against GetObjectAttributes output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3enc-ck-'));
    const f = join(dir, 'f');
    writeFileSync(f, data);
    const full = await verifyFileChecksum(f, {
      Checksum: {
        ChecksumCRC64NVME: checksumOf('CRC64NVME', data).toString('base64'),
        ChecksumType: 'FULL_OBJECT',
      },
      ObjectSize: data.length,
    });
    expect(full.ok).toBe(true);
    const comp = await computeS3Checksum(data, { algorithm: 'SHA256', partSize: 2000 });
    const ok = await verifyFileChecksum(f, {
      Checksum: { ChecksumSHA256: comp.value, ChecksumType: 'COMPOSITE' },
      ObjectParts: {
        TotalPartsCount: 2,
        Parts: [
          { PartNumber: 2, Size: data.length - 2000 },
          { PartNumber: 1, Size: 2000 },
        ],
      },
    });
    expect(ok.ok).toBe(true);
    const bad = await verifyFileChecksum(f, {
      Checksum: { ChecksumCRC32C: checksumOf('CRC32C', Buffer.from('x')).toString('base64') },
    });
    expect(bad.ok).toBe(false);
    await expect(verifyFileChecksum(f, {})).rejects.toMatchObject({
      code: 'ERR_S3ENC_NO_CHECKSUM',
    });
  });
});
