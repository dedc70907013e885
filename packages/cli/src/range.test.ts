import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { parseRange, resolveRange } from './range.js';

describe('--range (HTTP inclusive) to library ranges (end exclusive)', () => {
  it('converts bytes=a-b to { start: a, end: b + 1 }', () => {
    expect(resolveRange(parseRange('bytes=0-0'), 100)).toEqual({ start: 0, end: 1 });
    expect(resolveRange(parseRange('bytes=10-19'), 100)).toEqual({ start: 10, end: 20 });
    expect(resolveRange(parseRange('bytes=0-99'), 100)).toEqual({ start: 0, end: 100 });
  });
  it('clamps the end to the object like HTTP', () => {
    expect(resolveRange(parseRange('bytes=90-1000'), 100)).toEqual({ start: 90, end: 100 });
  });
  it('supports open and suffix ranges', () => {
    expect(resolveRange(parseRange('bytes=95-'), 100)).toEqual({ start: 95, end: 100 });
    expect(resolveRange(parseRange('bytes=-10'), 100)).toEqual({ start: 90, end: 100 });
    expect(resolveRange(parseRange('bytes=-1000'), 100)).toEqual({ start: 0, end: 100 });
  });
  it('rejects unsatisfiable and malformed ranges', () => {
    expect(() => resolveRange(parseRange('bytes=100-200'), 100)).toThrow(UsageError);
    for (const bad of [
      '0-10',
      'bytes=',
      'bytes=-',
      'bytes=5-4',
      'bytes=a-b',
      'bytes=1-2,4-5',
      'bytes=-0',
      'items=0-1',
    ]) {
      expect(() => parseRange(bad), bad).toThrow(UsageError);
    }
  });
});
