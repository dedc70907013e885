import { describe, expect, it } from 'vitest';
import {
  FINAL_FRAME_OVERHEAD,
  FRAME_OVERHEAD,
  ciphertextSize,
  frameOffset,
  frameRangeFor,
  planParts,
  plaintextSize,
} from '../src/sizes.js';
import { FormatError, InvalidArgumentError } from '../src/errors.js';

/** Lay out a message frame by frame, as a reference independent of the formulas. */
function layout(P: number, F: number, H: number, fullFinal = false) {
  const frames: {
    seq: number;
    start: number;
    end: number;
    plainStart: number;
    plainEnd: number;
  }[] = [];
  let off = H;
  let plain = 0;
  let seq = 1;
  const regular = fullFinal && P > 0 && P % F === 0 ? P / F - 1 : Math.floor(P / F);
  for (let i = 0; i < regular; i++, seq++) {
    frames.push({ seq, start: off, end: off + F + 32, plainStart: plain, plainEnd: plain + F });
    off += F + 32;
    plain += F;
  }
  const len = P - plain;
  frames.push({ seq, start: off, end: off + len + 40, plainStart: plain, plainEnd: P });
  return { frames, size: off + len + 40 };
}

describe('sizes', () => {
  it('has the documented overheads', () => {
    expect(FRAME_OVERHEAD).toBe(32);
    expect(FINAL_FRAME_OVERHEAD).toBe(40);
  });

  it('ciphertextSize and plaintextSize agree with a frame-by-frame layout', () => {
    for (const H of [0, 7, 177]) {
      for (let F = 1; F <= 9; F++) {
        for (let P = 0; P <= 60; P++) {
          const ours = layout(P, F, H);
          expect(ciphertextSize(P, F, H)).toBe(ours.size);
          expect(plaintextSize(ours.size, F, H)).toBe(P);
          // Other writers put a full final frame; the size maps back to the same plaintext.
          const full = layout(P, F, H, true);
          expect(plaintextSize(full.size, F, H)).toBe(P);
          for (const fr of ours.frames) expect(frameOffset(fr.seq, F, H)).toBe(fr.start);
        }
      }
    }
  });

  it('plaintextSize rejects every impossible size', () => {
    for (const H of [0, 3]) {
      for (let F = 1; F <= 6; F++) {
        const possible = new Set<number>();
        for (let P = 0; P <= 80; P++) {
          possible.add(layout(P, F, H).size);
          possible.add(layout(P, F, H, true).size);
        }
        const max = layout(60, F, H).size;
        for (let C = 0; C <= max; C++) {
          if (possible.has(C)) expect(() => plaintextSize(C, F, H)).not.toThrow();
          else {
            expect(() => plaintextSize(C, F, H)).toThrow(FormatError);
          }
        }
      }
    }
  });

  it('matches the known 4096-byte case of @aws-crypto/client-node', () => {
    // 4096 bytes at F = 4096: one regular frame and an empty final frame.
    expect(ciphertextSize(4096, 4096, 177)).toBe(177 + 4096 + 32 + 40);
  });

  it('rejects bad arguments', () => {
    expect(() => ciphertextSize(-1, 4, 0)).toThrow(InvalidArgumentError);
    expect(() => ciphertextSize(1.5, 4, 0)).toThrow(InvalidArgumentError);
    expect(() => ciphertextSize(1, 0, 0)).toThrow(InvalidArgumentError);
    expect(() => frameOffset(0, 4, 0)).toThrow(InvalidArgumentError);
    expect(() => ciphertextSize(Number.MAX_SAFE_INTEGER, 1, 0)).toThrow(FormatError);
  });

  it('frameRangeFor covers exactly the frames a range touches, for every range', () => {
    for (const fullFinal of [false, true]) {
      for (let F = 1; F <= 6; F++) {
        for (let P = 0; P <= 25; P++) {
          const H = 11;
          const l = layout(P, F, H, fullFinal);
          const lay = {
            frameLength: F,
            headerLength: H,
            plaintextSize: P,
            ...(fullFinal ? { ciphertextSize: l.size } : {}),
          };
          for (let s = 0; s <= P; s++) {
            for (let e = s; e <= P; e++) {
              const r = frameRangeFor({ start: s, end: e }, lay);
              const touched = l.frames.filter((f) =>
                e > s
                  ? f.plainStart < e && f.plainEnd > s
                  : f.plainStart <= s && (s < f.plainEnd || f === l.frames.at(-1)),
              );
              const first = touched[0]!;
              const last = touched.at(-1)!;
              // An empty range maps to the single frame that holds its position.
              expect(r.firstFrame).toBe(first.seq);
              expect(r.lastFrame).toBe(e > s ? last.seq : first.seq);
              expect(r.cipherStart).toBe(first.start);
              expect(r.cipherEnd).toBe((e > s ? last : first).end);
            }
          }
        }
      }
    }
  });

  it('frameRangeFor rejects ranges outside the plaintext', () => {
    const lay = { frameLength: 4, headerLength: 0, plaintextSize: 10 };
    expect(() => frameRangeFor({ start: 3, end: 2 }, lay)).toThrow(InvalidArgumentError);
    expect(() => frameRangeFor({ start: 0, end: 11 }, lay)).toThrow(InvalidArgumentError);
    expect(() => frameRangeFor({ start: -1, end: 1 }, lay)).toThrow(InvalidArgumentError);
    expect(() => frameRangeFor({ start: 0, end: 10 }, { ...lay, ciphertextSize: 9 })).toThrow(
      FormatError,
    );
  });

  it('planParts produces contiguous parts of whole frames within the limits', () => {
    for (const F of [1, 3, 16]) {
      for (const P of [0, 1, 2, 15, 16, 17, 47, 48, 49, 200]) {
        for (const partSize of [1, 20, 48, 100, 1000]) {
          for (const minPartSize of [0, 50]) {
            for (const maxParts of [1, 3, 10_000]) {
              const H = 5;
              const parts = planParts({
                plaintextSize: P,
                frameLength: F,
                headerLength: H,
                partSize,
                minPartSize,
                maxParts,
              });
              const total = ciphertextSize(P, F, H);
              const totalFrames = Math.floor(P / F) + 1;
              expect(parts.length).toBeGreaterThanOrEqual(1);
              expect(parts.length).toBeLessThanOrEqual(maxParts);
              let cipher = 0;
              let plain = 0;
              let frame = 1;
              parts.forEach((p, i) => {
                expect(p.partNumber).toBe(i + 1);
                expect(p.cipherStart).toBe(cipher);
                expect(p.plainStart).toBe(plain);
                expect(p.firstFrame).toBe(frame);
                expect(p.includesHeader).toBe(i === 0);
                const isLast = i === parts.length - 1;
                expect(p.includesFinalFrame).toBe(isLast);
                // Parts end on frame boundaries.
                expect(p.cipherEnd).toBe(
                  isLast ? total : frameOffset(p.firstFrame + p.frameCount, F, H),
                );
                expect(p.plainEnd - p.plainStart).toBe(isLast ? P - plain : p.frameCount * F);
                if (!isLast) {
                  expect(p.cipherEnd - p.cipherStart).toBeGreaterThanOrEqual(minPartSize);
                  expect(p.frameCount).toBe(parts[0]!.frameCount);
                }
                cipher = p.cipherEnd;
                plain = p.plainEnd;
                frame += p.frameCount;
              });
              expect(cipher).toBe(total);
              expect(plain).toBe(P);
              expect(frame - 1).toBe(totalFrames);
            }
          }
        }
      }
    }
  });

  it('planParts uses partSize / (F + 32) frames per part by default', () => {
    const F = 1024 * 1024;
    const parts = planParts({
      plaintextSize: 100 * F,
      frameLength: F,
      headerLength: 177,
      partSize: 8 * (F + 32),
    });
    expect(parts[0]!.frameCount).toBe(8);
    expect(parts).toHaveLength(13);
    expect(parts[12]!.frameCount).toBe(101 - 96);
  });
});
