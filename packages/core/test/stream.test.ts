import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  beginDecryption,
  beginEncryption,
  ciphertextSize,
  decryptStream,
  encryptStream,
  InvalidArgumentError,
  rawAesKeyring,
  type EncryptionSession,
} from '../src/index.js';
import { bytes, chunked, collect, keyring, KEY } from './helpers.js';

function sources(b: Buffer, chunk: number) {
  return {
    buffer: () => b,
    uint8array: () => new Uint8Array(b),
    readable: () => Readable.from(chunked(b, chunk)),
    web: () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (const x of chunked(b, chunk)) c.enqueue(new Uint8Array(x));
          c.close();
        },
      }),
    asyncIterable: () =>
      (async function* () {
        yield* chunked(b, chunk);
      })(),
    iterable: () => [...chunked(b, chunk)],
  };
}

describe('streams', () => {
  it('round trips every source type whole, chunked and one byte at a time', async () => {
    const F = 64;
    for (const n of [0, 1, 63, 64, 65, 128, 129, 1000]) {
      const p = bytes(n, n);
      for (const chunk of [1, 7, 64, 100_000]) {
        for (const [name, make] of Object.entries(sources(p, chunk))) {
          const ct = await collect(encryptStream(make(), { keyring: keyring(), frameLength: F }));
          const H = ct.length - (ciphertextSize(n, F, 0) - 0);
          expect(H, `${name} ${n}/${chunk}`).toBeGreaterThan(100);
          for (const [dname, dmake] of Object.entries(sources(ct, chunk))) {
            const out = await collect(decryptStream(dmake(), { keyring: keyring() }));
            expect(out.equals(p), `${name}->${dname} n=${n} chunk=${chunk}`).toBe(true);
          }
        }
      }
    }
  });

  it('emits the session and header events', async () => {
    const s = encryptStream(bytes(10), {
      keyring: keyring(),
      frameLength: 4,
      encryptionContext: { k: 'v' },
    });
    let session: EncryptionSession | undefined;
    s.on('session', (x: EncryptionSession) => (session = x));
    const ct = await collect(s);
    expect(session?.header.equals(ct.subarray(0, session.headerLength))).toBe(true);
    const d = decryptStream(ct, { keyring: keyring() });
    let ec: unknown;
    d.on('header', (info: { encryptionContext: unknown }) => (ec = info.encryptionContext));
    await collect(d);
    expect(ec).toEqual({ k: 'v' });
  });

  it('fails the stream (not a sync throw) on bad input', async () => {
    await expect(
      collect(encryptStream('text' as unknown as Buffer, { keyring: keyring() })),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      collect(encryptStream(Readable.from(['str']), { keyring: keyring() })),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      collect(encryptStream(bytes(1), { keyring: keyring(), frameLength: 0 })),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('destroys a Node Readable source when the stream fails', async () => {
    const src = Readable.from(chunked(bytes(1000), 10));
    const r = decryptStream(src, { keyring: keyring() });
    await expect(collect(r)).rejects.toBeInstanceOf(Error);
    expect(src.destroyed).toBe(true);
    const src2 = Readable.from(chunked(bytes(1000), 10));
    await expect(
      collect(
        encryptStream(src2, { keyring: keyring(), encryptionContext: { 'aws-crypto-x': 'y' } }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(src2.destroyed).toBe(true);
  });

  it('property: round trip across sizes, chunkings and frame lengths (stream and session APIs agree)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
        async (n, F, cuts) => {
          const p = bytes(n, n * 31 + F);
          const pieces: Buffer[] = [];
          for (let o = 0, i = 0; o < n; i++) {
            const len = cuts[i % cuts.length]!;
            pieces.push(p.subarray(o, o + len));
            o += len;
          }
          const ct = await collect(
            encryptStream(Readable.from(pieces), { keyring: keyring(), frameLength: F }),
          );
          const d = await beginDecryption({ keyring: keyring(), header: ct });
          expect(ct.length).toBe(ciphertextSize(n, F, d.headerLength));
          const r = d.openFrames(1, ct.subarray(d.headerLength));
          expect(r.plaintext.equals(p)).toBe(true);
          expect(r.finalLength).toBe(n % F);
          // Re-chunk the ciphertext differently for the stream reader.
          const cpieces = [...chunked(ct, cuts[0]!)];
          const out = await collect(decryptStream(Readable.from(cpieces), { keyring: keyring() }));
          expect(out.equals(p)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('sessions', () => {
  it('sealFrames is deterministic and frames can be sealed in any order', async () => {
    const F = 16;
    const p = bytes(5 * F + 3);
    const s = await beginEncryption({ keyring: keyring(), frameLength: F });
    const whole = s.sealFrames(1, p, true);
    const a = s.sealFrames(1, p.subarray(0, 2 * F), false);
    const c = s.sealFrames(5, p.subarray(4 * F), true);
    const b = s.sealFrames(3, p.subarray(2 * F, 4 * F), false);
    expect(Buffer.concat([a, b, c]).equals(whole)).toBe(true);
    expect(s.sealFrames(1, p, true).equals(whole)).toBe(true);
    const out = Buffer.alloc(whole.length + 10, 0xee);
    expect(s.sealFramesInto(out, 3, 1, p.subarray(0, 2 * F), false)).toBe(a.length);
    expect(s.sealFramesInto(out, 3 + a.length, 3, p.subarray(2 * F), true)).toBe(
      whole.length - a.length,
    );
    expect(out.subarray(3, 3 + whole.length).equals(whole)).toBe(true);
    expect(out[2]).toBe(0xee);
    expect(out[3 + whole.length]).toBe(0xee);
    expect(() => s.sealFramesInto(Buffer.alloc(10), 0, 1, p, true)).toThrow(InvalidArgumentError);
    expect(() => s.sealFrames(1, p.subarray(0, F + 1), false)).toThrow(InvalidArgumentError);
    expect(() => s.sealFrames(1, Buffer.alloc(0), false)).toThrow(InvalidArgumentError);
    expect(() => s.sealFrames(0, p, true)).toThrow(InvalidArgumentError);
    s.destroy();
    expect(() => s.sealFrames(1, p, true)).toThrow(InvalidArgumentError);
    s.destroy();
  });

  it('openFrames opens frames in any slice and reports final', async () => {
    const F = 16;
    const p = bytes(5 * F + 3);
    const s = await beginEncryption({ keyring: keyring(), frameLength: F });
    const msg = Buffer.concat([s.header, s.sealFrames(1, p, true)]);
    const d = await beginDecryption({
      keyring: keyring(),
      header: msg.subarray(0, s.headerLength),
    });
    const H = d.headerLength;
    const mid = d.openFrames(2, msg.subarray(H + 48, H + 3 * 48));
    expect(mid).toMatchObject({ frames: 2, final: false });
    expect(mid.plaintext.equals(p.subarray(F, 3 * F))).toBe(true);
    const last = d.openFrames(6, msg.subarray(H + 5 * 48));
    expect(last).toMatchObject({ frames: 1, final: true, finalLength: 3 });
    expect(d.openFrames(3, Buffer.alloc(0))).toMatchObject({ frames: 0, final: false });
    const into = Buffer.alloc(p.length + 4, 0xaa);
    expect(d.openFramesInto(into, 2, 1, msg.subarray(H))).toMatchObject({
      bytes: p.length,
      frames: 6,
      final: true,
      finalLength: 3,
    });
    expect(into.subarray(2, 2 + p.length).equals(p)).toBe(true);
    expect(into[1]).toBe(0xaa);
    expect(() => d.openFramesInto(Buffer.alloc(10), 0, 1, msg.subarray(H))).toThrow(
      InvalidArgumentError,
    );
    const bad = Buffer.from(msg.subarray(H));
    bad[bad.length - 1]! ^= 1;
    // Frames 1–5 verify and are written, the final frame fails: what was written is zeroed,
    // the rest of the buffer is untouched.
    const untouched = Buffer.alloc(p.length + 2, 0x55);
    expect(() => d.openFramesInto(untouched, 1, 1, bad)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_TAG_MISMATCH' }),
    );
    expect(untouched[0]).toBe(0x55);
    expect(untouched.subarray(1, 1 + 5 * F).every((b) => b === 0)).toBe(true);
    expect(untouched.subarray(1 + 5 * F).every((b) => b === 0x55)).toBe(true);
    // A bad first frame: nothing written at all.
    const badFirst = Buffer.from(msg.subarray(H));
    badFirst[20]! ^= 1;
    const clean = Buffer.alloc(p.length, 0x55);
    expect(() => d.openFramesInto(clean, 0, 1, badFirst)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_TAG_MISMATCH' }),
    );
    expect(clean.every((b) => b === 0x55)).toBe(true);
    d.destroy();
    expect(() => d.openFrames(1, msg.subarray(H))).toThrow(InvalidArgumentError);
  });

  it('openFrameChunks opens frames from unjoined chunks at every split, and fails as openFrames', async () => {
    const F = 16;
    const p = bytes(4 * F + 5);
    const s = await beginEncryption({ keyring: keyring(), frameLength: F });
    const body = s.sealFrames(1, p, true);
    const d = await beginDecryption({ keyring: keyring(), header: s.header });
    // Every pair of cut points: three chunks (some empty) that straddle heads, bodies and tags.
    for (let a = 0; a <= body.length; a += 3) {
      for (let b = a; b <= body.length; b += 5) {
        const chunks = [body.subarray(0, a), body.subarray(a, b), body.subarray(b)];
        const r = d.openFrameChunks(1, chunks);
        expect(r).toMatchObject({ frames: 5, final: true, finalLength: 5, plainLength: p.length });
        expect(r.plaintext.every((x) => x.length > 0)).toBe(true);
        expect(Buffer.concat(r.plaintext).equals(p)).toBe(true);
      }
    }
    // The same errors as openFrames, for a flipped tag bit, a cut and a byte too many.
    const cases: Buffer[] = [Buffer.from(body), body.subarray(0, body.length - 1)];
    cases[0]![F + 20]! ^= 1;
    cases.push(Buffer.concat([body, Buffer.alloc(1)]));
    for (const bad of cases) {
      let want: unknown;
      try {
        d.openFrames(1, bad);
      } catch (e) {
        want = e;
      }
      expect(want).toBeInstanceOf(Error);
      expect(() => d.openFrameChunks(1, [bad.subarray(0, 7), bad.subarray(7)])).toThrow(
        expect.objectContaining({ code: (want as { code: string }).code }) as Error,
      );
    }
    expect(() => d.openFrameChunks(1, 'nope' as unknown as Buffer[])).toThrow(InvalidArgumentError);
    d.destroy();
    expect(() => d.openFrameChunks(1, [body])).toThrow(InvalidArgumentError);
  });

  it('opens frames above the gather limit (4 MiB) piece by piece, with the same checks', async () => {
    // Frames of F <= 4 MiB that straddle chunks are copied into one buffer first; larger ones
    // are fed to the decipher chunk by chunk. Both paths must agree, tampering included.
    const F = 4 * 1024 * 1024 + 16;
    const p = bytes(2 * F + 100);
    const s = await beginEncryption({ keyring: keyring(), frameLength: F });
    const body = s.sealFrames(1, p, true);
    const d = await beginDecryption({ keyring: keyring(), header: s.header });
    const chunks = [...chunked(body, 1 << 20)];
    const r = d.openFrameChunks(1, chunks);
    expect(r).toMatchObject({ frames: 3, final: true, finalLength: 100, plainLength: p.length });
    expect(r.plaintext.length).toBeGreaterThan(3); // one piece per chunk a frame spans
    expect(Buffer.concat(r.plaintext).equals(p)).toBe(true);
    const bad = Buffer.from(body);
    bad[F + 32 + 100]! ^= 1; // a content byte of frame 2
    expect(() => d.openFrameChunks(1, [...chunked(bad, 1 << 20)])).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_TAG_MISMATCH' }),
    );
    expect(() =>
      d.openFrameChunks(1, [...chunked(body.subarray(0, body.length - 1), 1 << 20)]),
    ).toThrow(expect.objectContaining({ code: 'ERR_S3ENC_TRUNCATED' }));
    const streamed = await collect(
      decryptStream(Readable.from(chunked(Buffer.concat([s.header, body]), 1 << 20)), {
        keyring: keyring(),
      }),
    );
    expect(streamed.equals(p)).toBe(true);
    s.destroy();
    d.destroy();
  });

  it('keeps keys out of inspect and JSON', async () => {
    const s = await beginEncryption({ keyring: keyring(), frameLength: 16 });
    const text = inspect(s, { depth: 10, showHidden: true }) + JSON.stringify(s);
    expect(text).toContain(s.messageId.toString('hex'));
    expect(text).not.toContain('derived');
    const d = await beginDecryption({ keyring: keyring(), header: s.header });
    expect(inspect(d, { depth: 10 })).toContain('DecryptionSession');
    const k = keyring();
    // The raw key never appears in the keyring's inspect output as hex or bytes.
    expect(inspect(k, { depth: 10 })).not.toContain(KEY.toString('hex'));
  });

  it('rawAesKeyring reads key files (raw, hex, base64) and refuses bad keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3enc-key-'));
    const files = {
      raw: KEY,
      hex: Buffer.from(KEY.toString('hex') + '\n'),
      b64: Buffer.from(KEY.toString('base64')),
    };
    const s = await beginEncryption({ keyring: keyring(), frameLength: 16 });
    const msg = Buffer.concat([s.header, s.sealFrames(1, bytes(20), true)]);
    for (const [name, content] of Object.entries(files)) {
      const f = join(dir, name);
      writeFileSync(f, content);
      const k = rawAesKeyring({ keyFile: f, keyName: 'test-key', keyNamespace: 's3enc-test' });
      const d = await beginDecryption({ keyring: k, header: msg });
      expect(d.openFrames(1, msg.subarray(d.headerLength)).plaintext.equals(bytes(20))).toBe(true);
    }
    writeFileSync(join(dir, 'short'), Buffer.alloc(16));
    expect(() =>
      rawAesKeyring({ keyFile: join(dir, 'short'), keyName: 'a', keyNamespace: 'b' }),
    ).toThrow(InvalidArgumentError);
    expect(() => rawAesKeyring({ key: Buffer.alloc(16), keyName: 'a', keyNamespace: 'b' })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      rawAesKeyring({ key: KEY, keyFile: 'x', keyName: 'a', keyNamespace: 'b' }),
    ).toThrow(InvalidArgumentError);
  });

  it('the caller key buffer is not zeroed or kept: zeroing it afterwards does not break the keyring', async () => {
    const key = Buffer.from(KEY);
    const k = rawAesKeyring({ key, keyName: 'test-key', keyNamespace: 's3enc-test' });
    expect(key.equals(KEY)).toBe(true);
    key.fill(0);
    const s = await beginEncryption({ keyring: k, frameLength: 16 });
    const msg = Buffer.concat([s.header, s.sealFrames(1, bytes(5), true)]);
    const d = await beginDecryption({ keyring: keyring(), header: msg });
    expect(d.openFrames(1, msg.subarray(d.headerLength)).plaintext.equals(bytes(5))).toBe(true);
  });
});
