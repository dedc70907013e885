import { describe, expect, it } from 'vitest';
import { needsTransfer } from './compare.js';

const s = (size: number, mtimeMs: number) => ({ size, mtimeMs });

describe('needsTransfer (aws s3 sync rules)', () => {
  it('a missing destination or a different size is always transferred', () => {
    expect(needsTransfer('upload', s(1, 0), undefined)).toBe(true);
    expect(needsTransfer('upload', s(1, 0), s(2, 5), { sizeOnly: true })).toBe(true);
    expect(needsTransfer('download', s(1, 0), s(2, 0))).toBe(true);
  });
  it('upload: only a newer source', () => {
    expect(needsTransfer('upload', s(1, 10), s(1, 10))).toBe(false);
    expect(needsTransfer('upload', s(1, 11), s(1, 10))).toBe(true);
    expect(needsTransfer('upload', s(1, 9), s(1, 10))).toBe(false);
  });
  it('download: only a newer local file, unless exact timestamps', () => {
    expect(needsTransfer('download', s(1, 10), s(1, 9))).toBe(false);
    expect(needsTransfer('download', s(1, 10), s(1, 11))).toBe(true);
    expect(needsTransfer('download', s(1, 10), s(1, 9), { exactTimestamps: true })).toBe(true);
    expect(needsTransfer('download', s(1, 10), s(1, 10), { exactTimestamps: true })).toBe(false);
  });
  it('size only ignores times', () => {
    expect(needsTransfer('upload', s(1, 99), s(1, 0), { sizeOnly: true })).toBe(false);
  });
});
