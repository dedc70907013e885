// The engine's side of the object-format contract (formats/object-format.ts): a format added
// by registration alone is detected from metadata, gets the leading bytes it asks for, and
// cannot make the engine loop or over-fetch — each `more` must grow the bytes held, within
// MAX_HEADER_BYTES.
import { MAX_HEADER_BYTES, rawAesKeyring } from '@s3enc/core';
import { describe, expect, it } from 'vitest';
import { stubS3, type Answer } from '../../../test/s3-stub.js';
import { awsEncryptionSdkFormat } from '../formats/aws-encryption-sdk/index.js';
import type { DetectedObject, Detection, ObjectFormat } from '../formats/object-format.js';
import { openObject } from './open.js';

const keyring = rawAesKeyring({ key: Buffer.alloc(32, 1), keyName: 'o', keyNamespace: 't' });
const object = Buffer.alloc(10_000, 0x5a);

function serve(metadata: Record<string, string>) {
  return (start: number, end: number): Answer => {
    const to = Math.min(end, object.length);
    return {
      body: object.subarray(start, to),
      contentRange: `bytes ${start}-${to - 1}/${object.length}`,
      metadata,
    };
  };
}

/** A format recognised from metadata that wants `wanted` leading bytes. */
function testFormat(wanted: (held: number) => number | 'yes'): ObjectFormat & { probes: number[] } {
  const probes: number[] = [];
  return {
    name: 'test-format',
    probes,
    async detect(p): Promise<Detection> {
      if (p.metadata['test-format'] !== '1') return { kind: 'no' };
      probes.push(p.head.length);
      const w = wanted(p.head.length);
      if (w !== 'yes') return { kind: 'more', bytes: w };
      return { kind: 'yes', object: { format: 'test-format' } as unknown as DetectedObject };
    },
  };
}

describe('format detection', () => {
  it('a registered format is asked first, from metadata, and gets the leading bytes it asks for', async () => {
    const f = testFormat((held) => (held < 3000 ? 3000 : 'yes'));
    const { ctx, seen } = stubS3(keyring, serve({ 'test-format': '1' }));
    const o = await openObject(ctx, 'b', 'k', {}, 100, 3, [f, awsEncryptionSdkFormat]);
    expect(o.detected?.format).toBe('test-format');
    expect(f.probes).toEqual([100, 3000]);
    expect(o.reader.head.equals(object.subarray(0, 3000))).toBe(true);
    expect(seen.requests).toBe(2);
    // Without its metadata the same bytes are no format's: plaintext.
    const plain = await openObject(stubS3(keyring, serve({})).ctx, 'b', 'k', {}, 100, 3, [
      f,
      awsEncryptionSdkFormat,
    ]);
    expect(plain.detected).toBeUndefined();
  });

  it('a format that asks for no more than it holds cannot make the engine loop', async () => {
    const f = testFormat(() => 50);
    const { ctx, seen } = stubS3(keyring, serve({ 'test-format': '1' }));
    await expect(openObject(ctx, 'b', 'k', {}, 100, 3, [f])).rejects.toMatchObject({
      name: 'FormatError',
      code: 'ERR_S3ENC_BAD_HEADER',
    });
    expect(seen.requests).toBe(1);
  });

  it('nor fetch past the header cap', async () => {
    const f = testFormat(() => MAX_HEADER_BYTES + 1);
    const { ctx, seen } = stubS3(keyring, serve({ 'test-format': '1' }));
    await expect(openObject(ctx, 'b', 'k', {}, 100, 3, [f])).rejects.toMatchObject({
      code: 'ERR_S3ENC_BAD_HEADER',
    });
    expect(seen.requests).toBe(1);
  });
});
