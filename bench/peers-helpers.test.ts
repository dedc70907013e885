// Pure helpers of bench/peers.ts: the seeded size mix, the paired statistics, the rotation and
// the data-key-cache flag detection. (The benchmark itself is not part of the test suite.)
import { describe, expect, it } from 'vitest';
import { cacheArgsFromHelp } from './peers-dkcache.js';
import { sizeMix, seededRandom } from './peers-size-mix.js';
import { median, pairedRatio, rotation, verdict } from './peers-stats.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('sizeMix', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = sizeMix({ count: 2000, totalBytes: 1024 * MiB });
    const b = sizeMix({ count: 2000, totalBytes: 1024 * MiB });
    const c = sizeMix({ count: 2000, totalBytes: 1024 * MiB, seed: 17 });
    expect(a).toEqual(b);
    expect(c.map((f) => f.size)).not.toEqual(a.map((f) => f.size));
  });

  it('hits the count, the bounds and the total (within 0.1 %)', () => {
    for (const [count, total] of [
      [2000, 1024 * MiB],
      [200, 100 * MiB],
    ] as const) {
      const files = sizeMix({ count, totalBytes: total });
      expect(files).toHaveLength(count);
      const sum = files.reduce((s, f) => s + f.size, 0);
      expect(Math.abs(sum - total) / total).toBeLessThanOrEqual(0.001);
      for (const f of files) {
        expect(Number.isInteger(f.size)).toBe(true);
        expect(f.size).toBeGreaterThanOrEqual(4 * KiB);
        expect(f.size).toBeLessThanOrEqual(1 * MiB);
      }
      expect(new Set(files.map((f) => f.path)).size).toBe(count);
    }
  });

  it('is a mix: small files and large ones, nested 0 to 3 directories deep', () => {
    const files = sizeMix({ count: 2000, totalBytes: 1024 * MiB });
    expect(files.filter((f) => f.size < 64 * KiB).length).toBeGreaterThan(200);
    expect(files.filter((f) => f.size > 512 * KiB).length).toBeGreaterThan(800);
    const depths = new Set(files.map((f) => f.path.split('/').length - 1));
    expect([...depths].sort()).toEqual([0, 1, 2, 3]);
  });

  it('refuses a total the bounds cannot reach', () => {
    expect(() => sizeMix({ count: 10, totalBytes: 20 * MiB })).toThrow(/out of reach/);
    expect(() => sizeMix({ count: 10, totalBytes: 10 * KiB })).toThrow(/out of reach/);
  });

  it('seededRandom yields numbers in [0, 1)', () => {
    const r = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe('paired statistics', () => {
  it('median of odd and even lengths', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('pairedRatio is the median of per-round ratios and skips failed rounds', () => {
    expect(pairedRatio([2, 4, 9], [1, 2, 3])).toBe(2);
    expect(pairedRatio([2, Number.NaN, 6], [1, 2, 2])).toBe(2.5);
  });

  it('verdicts against ≤ and ≥ targets', () => {
    expect(verdict(1.0, { max: 1.0 })).toBe('PASS');
    expect(verdict(1.01, { max: 1.0 })).toBe('MISS');
    expect(verdict(0.9, { min: 0.9 })).toBe('PASS');
    expect(verdict(0.89, { min: 0.9 })).toBe('MISS');
    expect(verdict(Number.NaN, { min: 0.9 })).toBe('n/a');
  });

  it('rotation moves the first contender by one each round', () => {
    expect(rotation(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotation(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotation(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
  });
});

describe('cacheArgsFromHelp', () => {
  it('finds no cache in a help without one', () => {
    expect(cacheArgsFromHelp('      --concurrency N   parallel requests\n')).toBeUndefined();
  });
  it('prefers a bare --data-key-cache flag', () => {
    const help =
      '      --data-key-cache              reuse data keys\n' +
      '      --data-key-cache-max-age SECONDS  how long\n';
    expect(cacheArgsFromHelp(help)).toEqual(['--data-key-cache']);
  });
  it('else gives --data-key-cache-max-age an age', () => {
    expect(cacheArgsFromHelp('      --data-key-cache-max-age SECONDS  how long\n')).toEqual([
      '--data-key-cache-max-age',
      '300',
    ]);
  });
});
