import { describe, expect, it } from 'vitest';
import {
  RESUME_STATE_KIND,
  parseResumeState,
  planFileParts,
  serializeResumeState,
  type ResumeState,
} from './resume-state.js';

const F = 4096;
const STRIDE = F + 32;

describe('planFileParts', () => {
  it('cuts a file as the upload engine does: whole pieces, then a last piece of 0..piece-1 bytes', () => {
    const plan = planFileParts({
      size: 2 * 3 * F,
      frameLength: F,
      headerLength: 100,
      framesPerPart: 3,
    });
    expect(
      plan.map((p) => [
        p.partNumber,
        p.plaintextOffset,
        p.plaintextLength,
        p.firstFrame,
        p.frames,
        p.final,
        p.size,
      ]),
    ).toEqual([
      [1, 0, 3 * F, 1, 3, false, 100 + 3 * STRIDE],
      [2, 3 * F, 3 * F, 4, 3, false, 3 * STRIDE],
      // An exact multiple leaves an empty final frame in a part of its own.
      [3, 6 * F, 0, 7, 1, true, 40],
    ]);
    const odd = planFileParts({
      size: 3 * F + F + 5,
      frameLength: F,
      headerLength: 100,
      framesPerPart: 3,
    });
    expect(odd.at(-1)).toMatchObject({ plaintextLength: F + 5, frames: 2, size: STRIDE + 5 + 40 });
  });
});

function state(): ResumeState {
  const plan = planFileParts({ size: 7 * F, frameLength: F, headerLength: 4, framesPerPart: 3 });
  return {
    kind: RESUME_STATE_KIND,
    version: 1,
    bucket: 'b',
    key: 'k',
    uploadId: 'u',
    createdAt: '2026-12-01T00:00:00.000Z',
    source: { path: '/data/f', size: 7 * F, mtimeMs: 1700000000000.25 },
    frameLength: F,
    headerLength: 4,
    framesPerPart: 3,
    partCount: plan.length,
    checksumAlgorithm: 'CRC32C',
    checksumType: 'FULL_OBJECT',
    header: Buffer.from('abcd').toString('base64'),
    parts: plan.slice(0, 2).map((p) => ({
      partNumber: p.partNumber,
      etag: `"e${p.partNumber}"`,
      checksum: 'AAAAAA==',
      size: p.size,
      plaintextOffset: p.plaintextOffset,
      plaintextLength: p.plaintextLength,
      firstFrame: p.firstFrame,
      frames: p.frames,
    })),
  };
}

describe('resume state file', () => {
  it('round-trips', () => {
    const s = state();
    expect(parseResumeState(serializeResumeState(s))).toEqual(s);
  });

  it.each([
    ['not JSON', (t: string) => t.slice(1)],
    ['another kind', (t: string) => t.replace(RESUME_STATE_KIND, 'other')],
    [
      'a part out of the plan',
      (t: string) => t.replace('"plaintextOffset":12288', '"plaintextOffset":4096'),
    ],
    [
      'a part size that does not fit',
      (t: string) => t.replace(`"size":${3 * STRIDE}`, `"size":${3 * STRIDE + 1}`),
    ],
    [
      'parts out of order',
      (t: string) => {
        const d = JSON.parse(t) as { parts: unknown[] };
        d.parts.reverse();
        return JSON.stringify(d);
      },
    ],
    ['a part number past the plan', (t: string) => t.replace('"partNumber":2', '"partNumber":9')],
    ['a partCount that does not fit', (t: string) => t.replace('"partCount": 3', '"partCount": 4')],
    [
      'a header of another length',
      (t: string) => t.replace('"headerLength": 4', '"headerLength": 5'),
    ],
    ['an unknown checksum', (t: string) => t.replace('"CRC32C"', '"MD5"')],
  ])('refuses %s', (_, edit) => {
    const text = edit(serializeResumeState(state()));
    expect(() => parseResumeState(text)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_RESUME_STATE_INVALID' }),
    );
  });
});
