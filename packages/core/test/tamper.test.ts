/**
 * The tamper matrix, with tiny frames. Every case must fail with the right typed error, and
 * whatever the stream emitted before failing must be whole, authenticated frames only.
 */
import { describe, expect, it } from 'vitest';
import {
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import {
  beginDecryption,
  beginEncryption,
  decryptStream,
  FormatError,
  IntegrityError,
  KeyUnwrapError,
  multiKeyring,
  parseHeader,
  rawAesKeyring,
  S3EncError,
} from '../src/index.js';
import { parseHeaderFull } from '../src/header.js';
import { bytes, collectUntilError, keyring, wrongKeyring } from './helpers.js';

const F = 8;
const P = 21; // two regular frames and a final frame of 5 bytes
const FRAME = F + 32;

async function make(p: Buffer, ec: Record<string, string> = { a: 'b' }) {
  const s = await beginEncryption({ keyring: keyring(), frameLength: F, encryptionContext: ec });
  const msg = Buffer.concat([s.header, s.sealFrames(1, p, true)]);
  const H = s.headerLength;
  s.destroy();
  return { msg, H };
}

/** Emitted output must be the plaintext of whole frames, all before `limitFrames`. */
function assertOnlyAuthenticated(out: Buffer, p: Buffer, limitFrames: number) {
  expect(out.length % F === 0 || out.equals(p)).toBe(true);
  expect(out.equals(p.subarray(0, out.length))).toBe(true);
  expect(out.length).toBeLessThanOrEqual(Math.min(p.length, limitFrames * F));
}

async function run(
  msg: Buffer,
  opts: Parameters<typeof decryptStream>[1] = { keyring: keyring() },
) {
  return collectUntilError(decryptStream(msg, opts));
}

class SpyKeyring extends KeyringNode {
  calls = 0;
  async _onEncrypt(m: NodeEncryptionMaterial) {
    return m;
  }
  async _onDecrypt(m: NodeDecryptionMaterial) {
    this.calls++;
    return m;
  }
}

describe('tamper matrix', () => {
  const p = bytes(P, 77);

  it('the untampered message decrypts', async () => {
    const { msg } = await make(p);
    const r = await run(msg);
    expect(r.error).toBeUndefined();
    expect(r.out.equals(p)).toBe(true);
  });

  it('flipping any bit of the header or body fails with a typed error, emitting only earlier frames', async () => {
    const { msg, H } = await make(p);
    let headerFlips = 0;
    for (let i = 0; i < msg.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const t = Buffer.from(msg);
        t[i]! ^= 1 << bit;
        const r = await run(t);
        expect(r.error, `byte ${i} bit ${bit}`).toBeInstanceOf(S3EncError);
        if (i < H) {
          headerFlips++;
          const ok =
            r.error instanceof FormatError ||
            r.error instanceof KeyUnwrapError ||
            r.error instanceof IntegrityError;
          expect(ok, `byte ${i} bit ${bit}: ${String(r.error)}`).toBe(true);
          expect(r.out.length).toBe(0);
        } else {
          expect(r.error, `byte ${i} bit ${bit}`).toBeInstanceOf(IntegrityError);
          const frame = Math.floor((i - H) / FRAME); // 0-based frame holding the flipped byte
          assertOnlyAuthenticated(r.out, p, frame);
        }
      }
    }
    expect(headerFlips).toBe(H * 8);
  });

  it('openFrames returns nothing when any body bit is flipped', async () => {
    const { msg, H } = await make(p);
    const d = await beginDecryption({ keyring: keyring(), header: msg });
    for (let i = H; i < msg.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const t = Buffer.from(msg.subarray(H));
        t[i - H]! ^= 1 << bit;
        expect(() => d.openFrames(1, t)).toThrow(IntegrityError);
      }
    }
  });

  it('truncation at every length fails, emitting only the frames wholly present', async () => {
    const { msg, H } = await make(p);
    for (let L = 0; L < msg.length; L++) {
      const r = await run(msg.subarray(0, L));
      expect(r.error, `L=${L}`).toBeInstanceOf(IntegrityError);
      expect((r.error as IntegrityError).code).toBe('ERR_S3ENC_TRUNCATED');
      const whole = L < H ? 0 : Math.floor((L - H) / FRAME);
      assertOnlyAuthenticated(r.out, p, whole);
      if (L >= H && (L - H) % FRAME === 0 && whole <= 2) expect(r.out.length).toBe(whole * F);
    }
  });

  it('a message cut at a frame boundary where the plaintext is a multiple of F still needs its empty final frame', async () => {
    const q = bytes(2 * F, 3);
    const { msg } = await make(q);
    const r = await run(msg.subarray(0, msg.length - 40));
    expect((r.error as IntegrityError).code).toBe('ERR_S3ENC_TRUNCATED');
    expect(r.out.equals(q)).toBe(true);
  });

  it('dropping, duplicating and swapping frames fail with a sequence error', async () => {
    const { msg, H } = await make(p);
    const hdr = msg.subarray(0, H);
    const f1 = msg.subarray(H, H + FRAME);
    const f2 = msg.subarray(H + FRAME, H + 2 * FRAME);
    const fin = msg.subarray(H + 2 * FRAME);
    const cases: [string, Buffer, number][] = [
      ['drop 1', Buffer.concat([hdr, f2, fin]), 0],
      ['drop 2', Buffer.concat([hdr, f1, fin]), 1],
      ['drop final', Buffer.concat([hdr, f1, f2]), 2],
      ['duplicate 1', Buffer.concat([hdr, f1, f1, f2, fin]), 1],
      ['duplicate 2', Buffer.concat([hdr, f1, f2, f2, fin]), 2],
      ['swap 1 2', Buffer.concat([hdr, f2, f1, fin]), 0],
      ['final first', Buffer.concat([hdr, fin, f1, f2]), 0],
    ];
    for (const [name, t, before] of cases) {
      const r = await run(t);
      expect(r.error, name).toBeInstanceOf(IntegrityError);
      expect(['ERR_S3ENC_FRAME_SEQUENCE', 'ERR_S3ENC_TRUNCATED']).toContain(
        (r.error as IntegrityError).code,
      );
      assertOnlyAuthenticated(r.out, p, before);
    }
  });

  it('bytes appended after the final frame are refused', async () => {
    const { msg } = await make(p);
    for (const extra of [Buffer.from([0]), Buffer.alloc(40), msg.subarray(0, 10)]) {
      const r = await run(Buffer.concat([msg, extra]));
      expect((r.error as IntegrityError).code).toBe('ERR_S3ENC_TRAILING_DATA');
    }
    const d = await beginDecryption({ keyring: keyring(), header: msg });
    expect(() =>
      d.openFrames(1, Buffer.concat([msg.subarray(d.headerLength), Buffer.from([1])])),
    ).toThrow(IntegrityError);
  });

  it("another message's header grafted on the body fails before any plaintext", async () => {
    const a = await make(p);
    const b = await make(p);
    const grafted = Buffer.concat([b.msg.subarray(0, b.H), a.msg.subarray(a.H)]);
    const r = await run(grafted);
    expect((r.error as IntegrityError).code).toBe('ERR_S3ENC_TAG_MISMATCH');
    expect(r.out.length).toBe(0);
  });

  it('a wrong key is a KeyUnwrapError', async () => {
    const { msg } = await make(p);
    const r = await run(msg, { keyring: wrongKeyring() });
    expect(r.error).toBeInstanceOf(KeyUnwrapError);
    expect((r.error as KeyUnwrapError).code).toBe('ERR_S3ENC_NO_DATA_KEY');
    const other = rawAesKeyring({
      key: Buffer.alloc(32, 7),
      keyName: 'other-name',
      keyNamespace: 's3enc-test',
    });
    expect(((await run(msg, { keyring: other })).error as KeyUnwrapError).code).toBe(
      'ERR_S3ENC_NO_DATA_KEY',
    );
  });

  it('a wrong required context fails before the keyring is asked', async () => {
    const { msg } = await make(p);
    const spy = new SpyKeyring();
    const contexts: Record<string, string>[] = [{ a: 'c' }, { z: 'b' }, { a: 'b', extra: 'x' }];
    for (const required of contexts) {
      const r = await run(msg, { keyring: spy, requiredEncryptionContext: required });
      expect((r.error as KeyUnwrapError).code).toBe('ERR_S3ENC_CONTEXT_MISMATCH');
      expect((r.error as Error).message).not.toContain('b');
    }
    expect(spy.calls).toBe(0);
    const ok = await run(msg, { keyring: keyring(), requiredEncryptionContext: { a: 'b' } });
    expect(ok.out.equals(p)).toBe(true);
  });

  it('a bad key commitment is detected before the header tag', async () => {
    const { msg, H } = await make(p);
    const t = Buffer.from(msg);
    t[H - 16 - 32 + 5]! ^= 0x10; // inside the 32-byte commitment, just before the header tag
    const r = await run(t);
    expect((r.error as IntegrityError).code).toBe('ERR_S3ENC_COMMITMENT_MISMATCH');
    expect(r.out.length).toBe(0);
    const t2 = Buffer.from(msg);
    t2[H - 1]! ^= 1; // the header tag itself
    expect(((await run(t2)).error as IntegrityError).code).toBe('ERR_S3ENC_HEADER_TAG_MISMATCH');
  });

  /** Four raw keys and a session whose data key all four wrap (above the default cap of 3). */
  async function fourKeyMessage() {
    const ks = [1, 2, 3, 4].map((i) =>
      rawAesKeyring({ key: Buffer.alloc(32, i), keyName: `k${i}`, keyNamespace: 'ns' }),
    );
    const s = await beginEncryption({
      keyring: multiKeyring({ generator: ks[0]!, children: ks.slice(1) }),
      frameLength: F,
      maxEncryptedDataKeys: 4,
    });
    return { ks, s };
  }

  it('too many encrypted data keys are refused before any keyring call', async () => {
    const { ks, s } = await fourKeyMessage();
    const msg = Buffer.concat([s.header, s.sealFrames(1, p, true)]);
    const spy = new SpyKeyring();
    await expect(beginDecryption({ keyring: spy, header: msg })).rejects.toMatchObject({
      code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS',
    });
    expect(spy.calls).toBe(0);
    // The default cap also applies on encrypt.
    await expect(
      beginEncryption({ keyring: multiKeyring({ generator: ks[0]!, children: ks.slice(1) }) }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS',
    });
    // Any one of the keys decrypts when the cap allows.
    const d = await beginDecryption({ keyring: ks[3]!, header: msg, maxEncryptedDataKeys: 4 });
    expect(d.openFrames(1, msg.subarray(d.headerLength)).plaintext.equals(p)).toBe(true);
  });

  it('the data-key cap is applied from the count field, before any data key is parsed', async () => {
    const { s } = await fourKeyMessage();
    const aadLength = s.header.readUInt16BE(35);
    const countEnd = 35 + 2 + aadLength + 2;
    expect(s.header.readUInt16BE(countEnd - 2)).toBe(4);
    // Only the bytes up to the count: no data key is there to parse, yet the cap already applies.
    const upToCount = s.header.subarray(0, countEnd);
    expect(() => parseHeaderFull(upToCount, 3)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS' }),
    );
    expect(parseHeaderFull(upToCount, 4)).toBeUndefined(); // within the cap: read on
    expect(() => parseHeader(s.header, { maxEncryptedDataKeys: 3 })).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_TOO_MANY_DATA_KEYS' }),
    );
    expect(parseHeader(s.header)?.info.encryptedDataKeys).toHaveLength(4); // describing: no cap
  });

  it('reserved context keys are refused on encrypt', async () => {
    await expect(
      beginEncryption({ keyring: keyring(), encryptionContext: { 'aws-crypto-public-key': 'x' } }),
    ).rejects.toMatchObject({
      code: 'ERR_S3ENC_RESERVED_CONTEXT_KEY',
    });
  });

  it('a stream stops reading a header with too many data keys, and a huge frame length, early', async () => {
    const { s } = await fourKeyMessage();
    // Feed the header one byte at a time and count how far the reader got.
    let fed = 0;
    const src = (async function* () {
      for (const b of s.header) {
        fed++;
        yield Buffer.from([b]);
      }
    })();
    const r = await collectUntilError(decryptStream(src, { keyring: new SpyKeyring() }));
    expect((r.error as FormatError).code).toBe('ERR_S3ENC_TOO_MANY_DATA_KEYS');
    expect(fed).toBeLessThan(s.header.length);

    // A header announcing F = 2^32 - 1 is refused before any key is unwrapped.
    const spy = new SpyKeyring();
    const { msg, H } = await make(p);
    const t = Buffer.from(msg);
    t.writeUInt32BE(0xffffffff, H - 16 - 32 - 4);
    const r2 = await collectUntilError(decryptStream(t, { keyring: spy }));
    expect((r2.error as FormatError).code).toBe('ERR_S3ENC_FRAME_TOO_LARGE');
    expect(spy.calls).toBe(0);
  });

  it('an endless header is cut off', async () => {
    // Version 2, suite 0x0478, message id, then a context of 65535 bytes that never ends.
    const start = Buffer.concat([
      Buffer.from([2, 0x04, 0x78]),
      Buffer.alloc(32),
      Buffer.from([0xff, 0xff]),
    ]);
    let fed = 0;
    const src = (async function* () {
      yield start;
      for (;;) {
        fed += 65536;
        yield Buffer.alloc(65536, 1);
        if (fed > 64 * 1024 * 1024) return;
      }
    })();
    const r = await collectUntilError(decryptStream(src, { keyring: keyring() }));
    expect(r.error).toBeInstanceOf(FormatError);
    expect(fed).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('garbage is a FormatError', async () => {
    const r = await run(Buffer.from('hello world, this is not a message'));
    expect(r.error).toBeInstanceOf(FormatError);
  });
});
