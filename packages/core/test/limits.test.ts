/**
 * limits.ts mirrors the "Limits" table of docs/FORMAT.md, and the size functions apply the
 * format's and S3's limits to sizes a server claims (issue #13, finding 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ENCRYPTED_DATA_KEYS,
  MAX_FRAME_LENGTH,
  MAX_FRAME_SEQ,
  MAX_HEADER_BYTES,
  S3_MAX_OBJECT_SIZE,
} from '../src/limits.js';
import { ciphertextSize, frameRangeFor, plaintextSize } from '../src/sizes.js';
import { FormatError, InvalidArgumentError } from '../src/errors.js';

const H = 200;

describe('limits', () => {
  it('docs/FORMAT.md states the values limits.ts holds', () => {
    const doc = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'docs', 'FORMAT.md'),
      'utf8',
    );
    const table = doc.slice(doc.indexOf('## Limits'), doc.indexOf('## Reading: order of checks'));
    expect(MAX_FRAME_LENGTH).toBe(64 * 1024 * 1024);
    expect(table).toMatch(/frame length\s*\|\s*1 \.\. 64 MiB/);
    expect(MAX_FRAME_SEQ).toBe(2 ** 32 - 2);
    expect(table).toMatch(/≤ 2³² − 2/);
    expect(DEFAULT_MAX_ENCRYPTED_DATA_KEYS).toBe(3);
    expect(table).toMatch(/default 3/);
    expect(MAX_HEADER_BYTES).toBe(1024 * 1024);
    expect(table).toMatch(/header\s*\|\s*≤ 1 MiB/);
    expect(S3_MAX_OBJECT_SIZE).toBe(5 * 1024 ** 4);
    expect(table).toMatch(/≤ 5 TiB/);
  });

  it('plaintextSize applies the frame-count limit that ciphertextSize does', () => {
    // F = 1: one more frame than the format allows, laid out exactly.
    const F = 1;
    const n = MAX_FRAME_SEQ; // regular frames; with the final frame that is 2^32 - 1 frames
    const size = H + n * (F + 32) + 40;
    expect(() => plaintextSize(size, F, H)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_MESSAGE_TOO_LARGE' }),
    );
    expect(() => ciphertextSize(n * F, F, H)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_MESSAGE_TOO_LARGE' }),
    );
    // One frame fewer is the largest legal message and round-trips.
    const legal = H + (n - 1) * (F + 32) + 40;
    expect(ciphertextSize(plaintextSize(legal, F, H), F, H)).toBe(legal);
  });

  it('a size claimed for an S3 object is bounded by S3 and is a format error when bad', () => {
    const F = 4096;
    const over = H + Math.ceil(S3_MAX_OBJECT_SIZE / (F + 32)) * (F + 32) + 40;
    const t = (size: number) => () => plaintextSize(size, F, H, { source: 's3-object' });
    expect(t(over)).toThrow(FormatError);
    expect(t(over)).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_MESSAGE_TOO_LARGE' }));
    // A petabyte-scale Content-Range total consistent with the frame layout.
    const peta = H + 2 ** 38 * (F + 32) + 40;
    expect(t(peta)).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_MESSAGE_TOO_LARGE' }));
    expect(t(2 ** 53)).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_MESSAGE_TOO_LARGE' }));
    expect(t(1.5)).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_BAD_MESSAGE_SIZE' }));
    expect(t(-1)).toThrow(FormatError);
    expect(t(Number.NaN)).toThrow(FormatError);
    // The same numbers from the caller stay argument errors; sizes within S3's limit work.
    expect(() => plaintextSize(2 ** 53, F, H)).toThrow(InvalidArgumentError);
    expect(() => plaintextSize(over, F, H)).not.toThrow();
    expect(t(ciphertextSize(10 * F + 5, F, H))()).toBe(10 * F + 5);
  });

  it('a layout says where its ciphertext size came from', () => {
    const F = 1024 * 1024;
    const huge = H + 2 ** 23 * (F + 32) + 40; // 8 TiB: consistent with F, few frames, above S3's maximum
    const layout = {
      frameLength: F,
      headerLength: H,
      plaintextSize: 2 ** 23 * F,
      ciphertextSize: huge,
    };
    const range = { start: 0, end: 1 };
    expect(() => frameRangeFor(range, { ...layout, ciphertextSizeSource: 's3-object' })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_MESSAGE_TOO_LARGE' }),
    );
    expect(frameRangeFor(range, layout).firstFrame).toBe(1);
  });
});
