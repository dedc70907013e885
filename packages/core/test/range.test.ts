import { describe, expect, it } from 'vitest';
import {
  beginDecryption,
  beginEncryption,
  decryptRange,
  frameRangeFor,
  IntegrityError,
  InvalidArgumentError,
} from '../src/index.js';
import type { DecryptionSession } from '../src/index.js';
import { bytes, keyring } from './helpers.js';

async function message(P: number, F: number) {
  const p = bytes(P, P + F);
  const s = await beginEncryption({ keyring: keyring(), frameLength: F });
  const msg = Buffer.concat([s.header, s.sealFrames(1, p, true)]);
  s.destroy();
  const d = await beginDecryption({ keyring: keyring(), header: msg });
  return { p, msg, d, layout: { frameLength: F, headerLength: d.headerLength, plaintextSize: P } };
}

function read(
  d: DecryptionSession,
  msg: Buffer,
  layout: { frameLength: number; headerLength: number; plaintextSize: number },
  start: number,
  end: number,
) {
  const fr = frameRangeFor({ start, end }, layout);
  return decryptRange(d, msg.subarray(fr.cipherStart, fr.cipherEnd), { start, end }, layout);
}

describe('random access', () => {
  it('every (start, end) pair of small messages with tiny frames equals slicing the plaintext', async () => {
    for (const [P, F] of [
      [0, 3],
      [1, 3],
      [12, 4],
      [37, 4],
      [40, 5],
      [23, 1],
    ] as const) {
      const { p, msg, d, layout } = await message(P, F);
      for (let start = 0; start <= P; start++) {
        for (let end = start; end <= P; end++) {
          const got = read(d, msg, layout, start, end);
          expect(got.equals(p.subarray(start, end)), `P=${P} F=${F} [${start},${end})`).toBe(true);
        }
      }
      d.destroy();
    }
  });

  it('random pairs on large messages', async () => {
    for (const [P, F] of [
      [4 * 1024 * 1024 + 17, 65536],
      [3 * 1024 * 1024, 256 * 1024],
    ] as const) {
      const { p, msg, d, layout } = await message(P, F);
      let seed = 12345;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      for (let i = 0; i < 200; i++) {
        const a = rnd(P + 1);
        const b = i % 4 === 0 ? Math.min(P, a + rnd(3)) : rnd(P + 1);
        const [start, end] = a <= b ? [a, b] : [b, a];
        expect(read(d, msg, layout, start, end).equals(p.subarray(start, end))).toBe(true);
      }
      // Whole message and last byte.
      expect(read(d, msg, layout, 0, P).equals(p)).toBe(true);
      expect(read(d, msg, layout, P - 1, P).equals(p.subarray(P - 1))).toBe(true);
      d.destroy();
    }
  });

  it('refuses wrong-sized input, tampered frames and a layout that hides the final frame', async () => {
    const { msg, d, layout } = await message(40, 8);
    const fr = frameRangeFor({ start: 9, end: 20 }, layout);
    expect(() =>
      decryptRange(
        d,
        msg.subarray(fr.cipherStart, fr.cipherEnd - 1),
        { start: 9, end: 20 },
        layout,
      ),
    ).toThrow(InvalidArgumentError);
    const t = Buffer.from(msg.subarray(fr.cipherStart, fr.cipherEnd));
    t[t.length - 1]! ^= 0x80;
    expect(() => decryptRange(d, t, { start: 9, end: 20 }, layout)).toThrow(IntegrityError);
    // Bytes of another position (frame 1 presented as frame 2) fail the sequence check.
    const f1 = msg.subarray(layout.headerLength, layout.headerLength + 40);
    expect(() => decryptRange(d, f1, { start: 8, end: 16 }, layout)).toThrow(IntegrityError);
    // A layout claiming a larger plaintext: the real final frame is where a regular frame was expected.
    const liar = { ...layout, plaintextSize: 48 };
    const fr2 = frameRangeFor({ start: 40, end: 41 }, { ...layout, plaintextSize: 41 });
    expect(() =>
      decryptRange(d, msg.subarray(fr2.cipherStart, fr2.cipherEnd), { start: 40, end: 40 }, liar),
    ).toThrow();
    // A layout claiming a smaller plaintext: the frame read is not final.
    const small = { ...layout, plaintextSize: 20 };
    const fr3 = frameRangeFor({ start: 16, end: 20 }, small);
    expect(() =>
      decryptRange(d, msg.subarray(fr3.cipherStart, fr3.cipherEnd), { start: 16, end: 20 }, small),
    ).toThrow(IntegrityError);
    // Exactly one regular frame where the layout expects the final one.
    const sixteen = { ...layout, plaintextSize: 16 };
    const fr4 = frameRangeFor({ start: 16, end: 16 }, sixteen);
    expect(fr4.cipherEnd - fr4.cipherStart).toBe(40);
    expect(() =>
      decryptRange(
        d,
        msg.subarray(fr4.cipherStart, fr4.cipherEnd),
        { start: 16, end: 16 },
        sixteen,
      ),
    ).toThrow(IntegrityError);
  });
});
