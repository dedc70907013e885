import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createS3ecBodyDecryptor,
  detectS3ec,
  instructionFileKey,
  parseS3ecMetadata,
  s3ecCiphertextSize,
  s3ecPlaintextBounds,
} from '../../src/index.js';

const b64 = (n: number) => randomBytes(n).toString('base64');

describe('detection', () => {
  it('places the metadata as the specification says', () => {
    expect(detectS3ec({ 'x-amz-key-v2': b64(40), 'x-amz-iv': b64(12) })).toEqual({
      kind: 'object',
      format: 's3ec-v1',
    });
    expect(
      detectS3ec({
        'x-amz-key-v2': b64(40),
        'x-amz-iv': b64(12),
        'x-amz-wrap-alg': 'kms+context',
        'x-amz-cek-alg': 'AES/GCM/NoPadding',
      }),
    ).toEqual({ kind: 'object', format: 's3ec-v2' });
    expect(
      detectS3ec({ 'x-amz-c': '115', 'x-amz-d': b64(28), 'x-amz-i': b64(28), 'x-amz-3': b64(40) }),
    ).toEqual({
      kind: 'object',
      format: 's3ec-v3',
    });
    expect(detectS3ec({ 'x-amz-c': '115', 'x-amz-d': b64(28), 'x-amz-i': b64(28) })).toEqual({
      kind: 'instruction-file-v3',
    });
    expect(detectS3ec({ 'content-owner': 'x' })).toEqual({ kind: 'instruction-file-maybe' });
    expect(detectS3ec({})).toEqual({ kind: 'instruction-file-maybe' });
  });

  it('refuses keys of two versions and partial V3 sets', () => {
    const code = (md: Record<string, string>) => {
      try {
        detectS3ec(md);
        return 'none';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code({ 'x-amz-key': 'a', 'x-amz-key-v2': 'b' })).toBe(
      'ERR_S3ENC_S3EC_METADATA_CONFLICT',
    );
    expect(code({ 'x-amz-key-v2': 'a', 'x-amz-3': 'b' })).toBe('ERR_S3ENC_S3EC_METADATA_CONFLICT');
    expect(code({ 'x-amz-c': '115' })).toBe('ERR_S3ENC_S3EC_BAD_METADATA');
    expect(code({ 'x-amz-iv': 'a' })).toBe('ERR_S3ENC_S3EC_BAD_METADATA');
  });

  it('names the instruction file', () => {
    expect(instructionFileKey('a/b.eml')).toBe('a/b.eml.instruction');
    expect(instructionFileKey('k', '.kek')).toBe('k.kek');
    expect(() => instructionFileKey('k', '')).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_ARGUMENT' }),
    );
  });
});

describe('parsed shapes (docs/s3ec.md)', () => {
  it('V3 KMS as the Python client spells its context', () => {
    const m = parseS3ecMetadata({
      'x-amz-c': '115',
      'x-amz-3': b64(184),
      'x-amz-d': b64(28),
      'x-amz-i': b64(28),
      'x-amz-w': '12',
      'x-amz-t': '{"tenant": "a", "aws:x-amz-cek-alg": "115"}',
    });
    expect(m).toMatchObject({
      format: 's3ec-v3',
      metadataVersion: 3,
      wrapAlgorithm: 'kms+context',
      location: 'object',
    });
    expect({ ...m.encryptionContext }).toEqual({ tenant: 'a', 'aws:x-amz-cek-alg': '115' });
  });

  it('true V1: AES or RSA inferred from the wrapped key length', () => {
    const base = { 'x-amz-iv': b64(16), 'x-amz-matdesc': '{}' };
    expect(parseS3ecMetadata({ ...base, 'x-amz-key': b64(48) }).wrapAlgorithm).toBe('AES');
    expect(parseS3ecMetadata({ ...base, 'x-amz-key': b64(256) }).wrapAlgorithm).toBe('RSA');
    expect(() =>
      parseS3ecMetadata({ ...base, 'x-amz-key': b64(48), 'x-amz-wrap-alg': 'kms' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_S3EC_METADATA_CONFLICT' }));
    expect(() => parseS3ecMetadata({ 'x-amz-iv': b64(16), 'x-amz-key': b64(48) })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_METADATA' }),
    );
  });

  it('bounds IV lengths and values', () => {
    const v2 = {
      'x-amz-key-v2': b64(60),
      'x-amz-wrap-alg': 'AES/GCM',
      'x-amz-cek-alg': 'AES/GCM/NoPadding',
      'x-amz-tag-len': '128',
      'x-amz-matdesc': '{}',
    };
    expect(() => parseS3ecMetadata({ ...v2, 'x-amz-iv': b64(16) })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_METADATA' }),
    );
    expect(() =>
      parseS3ecMetadata({ ...v2, 'x-amz-iv': b64(12), 'x-amz-key-v2': b64(7000) }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_METADATA' }));
    expect(() =>
      parseS3ecMetadata({ ...v2, 'x-amz-iv': b64(12), 'x-amz-unencrypted-content-length': '-1' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_METADATA' }));
    expect(() =>
      parseS3ecMetadata({ ...v2, 'x-amz-iv': b64(12), 'x-amz-cek-alg': 'AES/CTR/NoPadding' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM' }));
    expect(() => parseS3ecMetadata({ ...v2, 'x-amz-iv': `${b64(12)}\n` })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_METADATA' }),
    );
  });
});

describe('sizes and the decryptor contract', () => {
  it('pairs the size functions', () => {
    for (const n of [0, 1, 15, 16, 17, 1000]) {
      expect(s3ecPlaintextBounds('115', s3ecCiphertextSize('115', n))).toEqual({ min: n, max: n });
      const c = s3ecCiphertextSize('AES/CBC/PKCS5Padding', n);
      expect(c).toBe(16 * (Math.floor(n / 16) + 1));
      const b = s3ecPlaintextBounds('AES/CBC/PKCS5Padding', c);
      expect(n >= b.min && n <= b.max).toBe(true);
    }
    expect(() => s3ecPlaintextBounds('AES/CBC/PKCS5Padding', 17)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_BODY_SIZE' }),
    );
    expect(() => s3ecPlaintextBounds('AES/GCM/NoPadding', 2 ** 36 + 16)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_BODY_SIZE' }),
    );
  });

  it('refuses bytes past the declared size, a short body, a failing sink, and use after failure', async () => {
    const metadata = parseS3ecMetadata({
      'x-amz-key-v2': b64(60),
      'x-amz-wrap-alg': 'AES/GCM',
      'x-amz-cek-alg': 'AES/GCM/NoPadding',
      'x-amz-tag-len': '128',
      'x-amz-matdesc': '{}',
      'x-amz-iv': b64(12),
    });
    const mk = (sink = (_: Buffer) => {}) =>
      createS3ecBodyDecryptor({ metadata, dataKey: randomBytes(32), ciphertextSize: 20, sink });
    const a = mk();
    await expect(a.write(Buffer.alloc(21))).rejects.toMatchObject({
      code: 'ERR_S3ENC_TRAILING_DATA',
    });
    await expect(a.final()).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_ARGUMENT' });
    const b = mk();
    await b.write(Buffer.alloc(19));
    await expect(b.final()).rejects.toMatchObject({ code: 'ERR_S3ENC_TRUNCATED' });
    const boom = new Error('disk full');
    const c = mk(() => {
      throw boom;
    });
    await expect(c.write(Buffer.alloc(20))).rejects.toBe(boom);
    expect(() =>
      createS3ecBodyDecryptor({
        metadata,
        dataKey: randomBytes(16),
        ciphertextSize: 20,
        sink: () => {},
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_INVALID_KEY' }));
  });
});
