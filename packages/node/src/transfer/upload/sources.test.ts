import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveSource, type PutSource } from './sources.js';
import { resolveSse, SseCustomerKey } from '../../sse.js';

async function collect(source: PutSource, pieceSize: number, size?: number) {
  const src = await resolveSource(source, { size });
  const out: { index: number; offset: number; len: number; last: boolean; data: Buffer }[] = [];
  for await (const p of src.pieces(pieceSize))
    out.push({
      index: p.index,
      offset: p.offset,
      len: p.data.length,
      last: p.last,
      data: Buffer.from(p.data),
    });
  return { size: src.size, out };
}

describe('sources → pieces', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3enc-src-'));
  for (const n of [0, 1, 99, 100, 101, 250, 300]) {
    const data = randomBytes(n);
    const path = join(dir, `f${n}`);
    writeFileSync(path, data);
    const kinds: [string, () => PutSource, boolean][] = [
      ['buffer', () => data, true],
      [
        'Uint8Array view',
        () => {
          const ab = new ArrayBuffer(n + 3);
          new Uint8Array(ab, 3).set(data);
          return new Uint8Array(ab, 3, n);
        },
        true,
      ],
      ['file', () => ({ path }), true],
      [
        'Readable, odd chunks',
        () =>
          Readable.from(
            Array.from({ length: Math.ceil(n / 7) }, (_, i) => data.subarray(i * 7, i * 7 + 7)),
          ),
        false,
      ],
      ['Web stream', () => Readable.toWeb(Readable.from(n ? [data] : [])) as PutSource, false],
    ];
    for (const [kind, make, known] of kinds) {
      it(`${kind}, ${n} bytes: whole pieces of 100, then a last piece of 0..99`, async () => {
        const { size, out } = await collect(make(), 100);
        expect(size).toBe(known ? n : undefined);
        expect(out.map((p) => p.len)).toEqual([...Array(Math.floor(n / 100)).fill(100), n % 100]);
        expect(out.map((p) => p.last)).toEqual([...Array(Math.floor(n / 100)).fill(false), true]);
        expect(out.map((p) => p.offset)).toEqual(out.map((_, i) => i * 100));
        expect(Buffer.concat(out.map((p) => p.data)).equals(data)).toBe(true);
      });
    }
  }
  it('a string is UTF-8 content, not a path', async () => {
    const { out } = await collect('/etc/passwd', 100);
    expect(out[0]!.data.toString()).toBe('/etc/passwd');
  });
  it('an announced size must match', async () => {
    await expect(collect(Readable.from([Buffer.alloc(10)]), 100, 11)).rejects.toMatchObject({
      code: 'ERR_S3ENC_SIZE_MISMATCH',
    });
    await expect(resolveSource(Buffer.alloc(3), { size: 4 })).rejects.toMatchObject({
      code: 'ERR_S3ENC_SIZE_MISMATCH',
    });
  });
  it('unsupported sources and non-byte chunks are refused', async () => {
    await expect(resolveSource(42 as never)).rejects.toMatchObject({
      code: 'ERR_S3ENC_INVALID_SOURCE',
    });
    await expect(
      collect(Readable.from([{ a: 1 }], { objectMode: true }), 100),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_SOURCE' });
  });
  it('an aborted signal stops the generator', async () => {
    const ac = new AbortController();
    ac.abort();
    const src = await resolveSource(Buffer.alloc(1000));
    await expect(src.pieces(100, ac.signal).next()).rejects.toMatchObject({
      code: 'ERR_S3ENC_ABORTED',
    });
  });
});

describe('SSE options', () => {
  it('SSE-C keys are validated and never printed', () => {
    const key = randomBytes(32);
    const k = new SseCustomerKey(key);
    for (const s of [
      inspect(k),
      JSON.stringify(k),
      String(k),
      inspect(resolveSse({ type: 'SSE-C', key: k }).summary),
    ]) {
      expect(s).not.toContain(key.toString('base64'));
      expect(s).not.toContain(key.toString('hex'));
    }
    expect(k.requestParams().SSECustomerKeyMD5).toHaveLength(24);
    expect(() => new SseCustomerKey(Buffer.alloc(31))).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_SSE_C_KEY' }),
    );
    expect(() => new SseCustomerKey({ env: 'S3ENC_DEFINITELY_UNSET' })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_SSE_C_KEY' }),
    );
  });
  it('SSE-KMS and SSE-S3 request fields', () => {
    expect(resolveSse({ type: 'SSE-S3' }).create).toEqual({ ServerSideEncryption: 'AES256' });
    expect(
      resolveSse({ type: 'SSE-KMS', keyId: 'k', bucketKey: true, context: { a: 'b' } }).create,
    ).toEqual({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'k',
      BucketKeyEnabled: true,
      SSEKMSEncryptionContext: Buffer.from('{"a":"b"}').toString('base64'),
    });
    expect(() => resolveSse({ type: 'SSE-X' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_SSE' }),
    );
    expect(() => resolveSse({ type: 'SSE-KMS', keyId: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_SSE' }),
    );
  });
});
