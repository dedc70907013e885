import { describe, expect, it } from 'vitest';
import { ciphertextSize, FRAME_OVERHEAD, S3_MAX_OBJECT_SIZE as MAX_OBJECT_SIZE } from '@s3enc/core';
import { MAX_PARTS, MIN_PART_SIZE } from '../../context.js';
import { framesPerPartFor } from './plan.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('part sizing', () => {
  const F = 256 * 1024;
  const H = 400;
  const stride = F + FRAME_OVERHEAD;
  it('whole frames, at least 5 MiB, near the target', () => {
    const k = framesPerPartFor({
      size: undefined,
      frameLength: F,
      headerLength: H,
      partSize: 8 * MiB,
    });
    expect(k * stride).toBeLessThanOrEqual(8 * MiB);
    expect(k * stride).toBeGreaterThanOrEqual(MIN_PART_SIZE);
    const tiny = framesPerPartFor({
      size: undefined,
      frameLength: 4096,
      headerLength: H,
      partSize: 5 * MiB,
    });
    expect(tiny * (4096 + FRAME_OVERHEAD)).toBeGreaterThanOrEqual(MIN_PART_SIZE);
  });
  for (const size of [100 * GiB, 1024 * GiB, 5 * 1024 * GiB - 64 * GiB]) {
    it(`a ${(size / GiB).toFixed(0)} GiB object fits in ${MAX_PARTS} parts (the part size grows)`, () => {
      const k = framesPerPartFor({ size, frameLength: F, headerLength: H, partSize: 8 * MiB });
      const parts = Math.ceil((Math.floor(size / F) + 1) / k);
      expect(parts).toBeLessThanOrEqual(MAX_PARTS);
      expect(k * stride).toBeLessThanOrEqual(5 * GiB); // S3's largest part
    });
  }
  it('refuses objects whose ciphertext exceeds 5 TiB', () => {
    const size = MAX_OBJECT_SIZE - 1000;
    expect(ciphertextSize(size, F, H)).toBeGreaterThan(MAX_OBJECT_SIZE);
    expect(() =>
      framesPerPartFor({ size, frameLength: F, headerLength: H, partSize: 8 * MiB }),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_OBJECT_TOO_LARGE' }));
  });
});
