import { describe, expect, it } from 'vitest';
import { copyRangesFor, copySourceOf, type SourceRange } from './copy-ranges.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/** S3's multipart rules, checked on a plan of [0, size). */
function checkPlan(ranges: readonly SourceRange[], size: number): void {
  expect(ranges.length).toBeGreaterThan(0);
  expect(ranges.length).toBeLessThanOrEqual(10_000);
  expect(ranges[0]!.start).toBe(0);
  expect(ranges.at(-1)!.end).toBe(size);
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (i > 0) expect(r.start).toBe(ranges[i - 1]!.end);
    const len = r.end - r.start;
    expect(len).toBeGreaterThan(0);
    expect(len).toBeLessThanOrEqual(5 * GiB);
    if (i < ranges.length - 1) expect(len).toBeGreaterThanOrEqual(5 * MiB);
  }
}

describe('copyRangesFor', () => {
  it('6 GiB (just over CopyObject): 512 MiB parts, 12 of them', () => {
    const r = copyRangesFor(0, 6 * GiB);
    checkPlan(r, 6 * GiB);
    expect(r.length).toBe(12);
    expect(r[0]!.end).toBe(512 * MiB);
  });
  it('5 TiB (S3 maximum): parts grown in 512 MiB steps to fit 10,000', () => {
    const r = copyRangesFor(0, 5 * TiB);
    checkPlan(r, 5 * TiB);
    expect(r[0]!.end % (512 * MiB)).toBe(0);
    expect(r.length).toBe(5120);
  });
  it('an odd size and an explicit part size: the last part takes the remainder', () => {
    const size = 6 * GiB + 12_345;
    const r = copyRangesFor(0, size, 10_000, 5 * MiB + 1);
    checkPlan(r, size);
    expect(r.at(-1)!.end - r.at(-1)!.start).toBe(size % (5 * MiB + 1));
  });
  it('starts at an offset, and fits a smaller part budget (rewrap keeps part 1 for itself)', () => {
    const r = copyRangesFor(1000, 1000 + 5 * TiB - 1000, 9_999);
    expect(r.length).toBeLessThanOrEqual(9_999);
    expect(r[0]!.start).toBe(1000);
  });
  it('refuses part sizes outside 5 MiB..5 GiB and plans that need more than the parts allowed', () => {
    expect(() => copyRangesFor(0, 6 * GiB, 10_000, 5 * MiB - 1)).toThrow(/copyPartSize/);
    expect(() => copyRangesFor(0, 6 * GiB, 10_000, 5 * GiB + 1)).toThrow(/copyPartSize/);
    expect(() => copyRangesFor(0, 5 * TiB, 10_000, 5 * MiB)).toThrow(/parts/);
    expect(copyRangesFor(10, 10)).toEqual([]);
    expect(() => copyRangesFor(10, 5)).toThrow();
  });
});

describe('copySourceOf', () => {
  it('encodes the key (its slashes kept) and names the version', () => {
    expect(copySourceOf('b', 'a dir/ü+x', undefined)).toBe('b/a%20dir/%C3%BC%2Bx');
    expect(copySourceOf('b', 'k', 'v/1')).toBe('b/k?versionId=v%2F1');
  });
});
