import { describe, expect, it } from 'vitest';
import { planRewrap } from './copy-plan.js';

const MiB = 1024 * 1024;
const F = 4096;
const FRAME = F + 32;

describe('planRewrap', () => {
  it('a small object is one PutObject of everything after the old header', () => {
    expect(planRewrap(1000, 200, F)).toEqual({ uploaded: { start: 200, end: 1000 }, copied: [] });
    expect(planRewrap(200, 200, F)).toEqual({ uploaded: { start: 200, end: 200 }, copied: [] });
  });
  it('the uploaded slice is whole frames, at least 5 MiB; the rest is copied in ranges', () => {
    const size = 300 + 23 * MiB;
    const p = planRewrap(size, 300, F, 5 * MiB);
    const first = p.uploaded.end - p.uploaded.start;
    expect(first % FRAME).toBe(0);
    expect(first).toBeGreaterThanOrEqual(5 * MiB);
    expect(first).toBeLessThan(5 * MiB + FRAME);
    expect(p.copied[0]!.start).toBe(p.uploaded.end);
    expect(p.copied.at(-1)!.end).toBe(size);
    for (let i = 1; i < p.copied.length; i++) expect(p.copied[i]!.start).toBe(p.copied[i - 1]!.end);
    for (const r of p.copied.slice(0, -1)) expect(r.end - r.start).toBe(5 * MiB);
  });
  it('default copy parts are 512 MiB, grown to fit 10,000 parts', () => {
    expect(
      planRewrap(2 * 1024 * MiB, 300, F).copied[0]!.end -
        planRewrap(2 * 1024 * MiB, 300, F).copied[0]!.start,
    ).toBe(512 * MiB);
    const huge = planRewrap(5 * 1024 * 1024 * MiB, 300, F);
    expect(huge.copied.length).toBeLessThan(10_000);
    expect(() => planRewrap(100 * MiB, 300, F, 1024)).toThrow(/copyPartSize/);
    expect(() => planRewrap(100, 300, F)).toThrow(/shorter/);
  });
});
