// The lazy read plan (framePlan) against a brute-force walk of the frames, at the size
// boundaries: the ranges cover exactly the frames the plaintext range needs, contiguously and
// in order, the final frame whenever the range reaches the end, the first range only the bytes
// already fetched — and nothing is built up front (a 2^32−2-frame plan answers in O(1)).
import { FRAME_OVERHEAD, MAX_FRAME_SEQ, ciphertextSize } from '@s3enc/core';
import { describe, expect, it } from 'vitest';
import { frameEnd, frameStart, storedLayout } from './layout.js';
import { framePlan } from './ranged-read.js';

const H = 100;

describe('framePlan', () => {
  it('covers the frames of every range, at frame-size boundaries', () => {
    for (const F of [1, 7, 64]) {
      for (const P of [0, 1, F - 1, F, F + 1, 5 * F + 3, 8 * F]) {
        const l = storedLayout(ciphertextSize(P, F, H), F, H);
        const ends = [0, 1, F - 1, F, F + 1, 2 * F, P - 1, P].filter((x) => x >= 0 && x <= P);
        for (const start of ends) {
          for (const end of ends.filter((e) => e >= start)) {
            for (const chunkSize of [1, F + FRAME_OVERHEAD, 3 * (F + FRAME_OVERHEAD) + 5]) {
              for (const preloaded of [H, H + F + FRAME_OVERHEAD, l.bodySize]) {
                const plan = framePlan(l, { start, end }, chunkSize, preloaded);
                const seqOf = (b: number) => Math.min(Math.floor(b / F) + 1, l.finalSeq);
                const first = seqOf(start);
                const last = end === P ? l.finalSeq : end > start ? seqOf(end - 1) : first;
                let next = first;
                for (let i = 0; i < plan.count; i++) {
                  const s = plan.framesAt(i);
                  const r = plan.rangeAt(i);
                  expect(s.first).toBe(next);
                  expect(s.last).toBeGreaterThanOrEqual(s.first);
                  expect(r).toEqual({ start: frameStart(l, s.first), end: frameEnd(l, s.last) });
                  if (i > 0) {
                    const perChunk = Math.max(1, Math.floor(chunkSize / (F + FRAME_OVERHEAD)));
                    expect(s.last - s.first + 1).toBeLessThanOrEqual(perChunk);
                  }
                  next = s.last + 1;
                }
                expect(next - 1).toBe(last);
                // A range read without a request only when its bytes were fetched already.
                const r0 = plan.rangeAt(0);
                if (r0.end <= preloaded && plan.count > 1)
                  expect(plan.rangeAt(1).start).toBe(r0.end);
              }
            }
          }
        }
      }
    }
  });

  it('plans the largest message the format allows without building it', () => {
    const F = 1;
    const n = MAX_FRAME_SEQ - 1; // regular frames; the final frame is number MAX_FRAME_SEQ
    const l = storedLayout(H + n * (F + FRAME_OVERHEAD) + 40, F, H);
    expect(l.finalSeq).toBe(MAX_FRAME_SEQ);
    const plan = framePlan(l, { start: 0, end: l.plaintextSize }, 8 * 1024 * 1024, 4096);
    expect(plan.count).toBeGreaterThan(1000);
    expect(plan.rangeAt(plan.count - 1).end).toBe(l.bodySize);
    expect(plan.framesAt(plan.count - 1).last).toBe(MAX_FRAME_SEQ);
    expect(() => plan.rangeAt(plan.count)).toThrow(RangeError);
  });
});
