/**
 * Byte compatibility in both directions with @aws-crypto/client-node 5.0.2 (the oracle).
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  AlgorithmSuiteIdentifier,
} from '@aws-crypto/client-node';
import {
  beginDecryption,
  beginEncryption,
  ciphertextSize,
  decryptStream,
  describeMessage,
  encryptStream,
  plaintextSize,
  FormatError,
  IntegrityError,
} from '../src/index.js';
import { bytes, collect, collectUntilError, keyring, KEY } from './helpers.js';

const oracle = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const legacyOracle = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const oracleKeyring = () =>
  new RawAesKeyringNode({
    keyName: 'test-key',
    keyNamespace: 's3enc-test',
    unencryptedMasterKey: new Uint8Array(KEY),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

const MiB = 1024 * 1024;
const contexts = [undefined, { tenant: 'acme', purpose: 'compat test' }];

function sizesFor(F: number): number[] {
  return [0, 1, F - 1, F, F + 1, 2 * F, 2 * F + 1];
}

async function ours(p: Buffer, F: number, ec?: Record<string, string>): Promise<Buffer> {
  const s = await beginEncryption({
    keyring: keyring(),
    frameLength: F,
    ...(ec ? { encryptionContext: ec } : {}),
  });
  try {
    return Buffer.concat([s.header, s.sealFrames(1, p, true)]);
  } finally {
    s.destroy();
  }
}

async function oursOpen(msg: Buffer): Promise<Buffer> {
  const d = await beginDecryption({ keyring: keyring(), header: msg });
  try {
    const r = d.openFrames(1, msg.subarray(d.headerLength));
    expect(r.final).toBe(true);
    return r.plaintext;
  } finally {
    d.destroy();
  }
}

describe('compatibility with @aws-crypto/client-node', () => {
  for (const F of [4096, 1000, 64 * 1024]) {
    for (const ec of contexts) {
      const label = `F=${F} ${ec ? 'with' : 'without'} context`;
      it(`ours -> oracle, ${label}`, async () => {
        for (const n of [...sizesFor(F), 3 * MiB + 7]) {
          const p = bytes(n, n);
          const msg = await ours(p, F, ec);
          expect(msg.length).toBe(ciphertextSize(n, F, describeHeaderLength(msg)));
          const r = await oracle.decrypt(oracleKeyring(), msg);
          expect(Buffer.from(r.plaintext).equals(p), `size ${n}`).toBe(true);
          expect(r.messageHeader.encryptionContext).toEqual(ec ?? {});
          expect(r.messageHeader.frameLength).toBe(F);
          expect(r.messageHeader.suiteId).toBe(0x0478);
        }
      });

      it(`oracle -> ours, ${label}`, async () => {
        for (const n of [...sizesFor(F), 3 * MiB + 7]) {
          const p = bytes(n, n + 1);
          const { result } = await oracle.encrypt(oracleKeyring(), p, {
            frameLength: F,
            suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
            ...(ec ? { encryptionContext: ec } : {}),
          });
          const msg = Buffer.from(result);
          const headerLength = describeHeaderLength(msg);
          // The oracle's sizes follow the same formulas (empty final frame at multiples of F).
          expect(msg.length, `size ${n}`).toBe(ciphertextSize(n, F, headerLength));
          expect(plaintextSize(msg.length, F, headerLength)).toBe(n);
          expect((await oursOpen(msg)).equals(p), `size ${n}`).toBe(true);
          expect((await collect(decryptStream(msg, { keyring: keyring() }))).equals(p)).toBe(true);
          expect(describeMessage(msg).encryptionContext).toEqual(ec ?? {});
        }
      });
    }
  }

  it('our encryptStream output is read by the oracle decryptUnsignedMessageStream', async () => {
    const p = bytes(5 * MiB + 3, 42);
    const ct = await collect(
      encryptStream(Readable.from([p.subarray(0, 1000), p.subarray(1000)]), {
        keyring: keyring(),
        frameLength: 65536,
      }),
    );
    const out = await collect(oracle.decryptUnsignedMessageStream(oracleKeyring()).end(ct));
    expect(out.equals(p)).toBe(true);
  });

  it('reads signed 0x0578 messages, releasing plaintext only after the signature verifies', async () => {
    const F = 512;
    const p = bytes(3 * F + 5, 5);
    const { result } = await oracle.encrypt(oracleKeyring(), p, {
      frameLength: F,
      encryptionContext: { a: 'b' },
    });
    const msg = Buffer.from(result);
    const info = describeMessage(msg);
    expect(info.suiteId).toBe(0x0578);
    expect(info.signed).toBe(true);
    expect((await collect(decryptStream(msg, { keyring: keyring() }))).equals(p)).toBe(true);

    // Frame-by-frame reading refuses unless explicitly allowed.
    const d = await beginDecryption({ keyring: keyring(), header: msg });
    expect(() => d.openFrames(1, msg.subarray(d.headerLength, d.headerLength + F + 32))).toThrow(
      FormatError,
    );
    const d2 = await beginDecryption({
      keyring: keyring(),
      header: msg,
      releaseUnverifiedPlaintext: true,
    });
    expect(
      d2
        .openFrames(1, msg.subarray(d2.headerLength, d2.headerLength + F + 32))
        .plaintext.equals(p.subarray(0, F)),
    ).toBe(true);

    // A bad signature: nothing is emitted at all.
    const bad = Buffer.from(msg);
    bad[bad.length - 1]! ^= 1;
    const r = await collectUntilError(decryptStream(bad, { keyring: keyring() }));
    expect(r.error).toBeInstanceOf(IntegrityError);
    expect((r.error as IntegrityError).code).toBe('ERR_S3ENC_SIGNATURE_MISMATCH');
    expect(r.out.length).toBe(0);
    // Truncated footer.
    const r2 = await collectUntilError(
      decryptStream(msg.subarray(0, msg.length - 3), { keyring: keyring() }),
    );
    expect(r2.error).toBeInstanceOf(IntegrityError);
    expect(r2.out.length).toBe(0);
    // Endless bytes after a signed message: the reader stops after the largest possible footer.
    let fed = 0;
    const endless = (async function* () {
      yield msg;
      for (; fed < 64 * 1024 * 1024; fed += 4096) yield Buffer.alloc(4096);
    })();
    const r4 = await collectUntilError(decryptStream(endless, { keyring: keyring() }));
    expect((r4.error as IntegrityError).code).toBe('ERR_S3ENC_SIGNATURE_MISMATCH');
    expect(r4.out.length).toBe(0);
    expect(fed).toBeLessThan(256 * 1024);
    // With the explicit option, frames are released as they verify, and the signature still checked.
    const r3 = await collectUntilError(
      decryptStream(bad, { keyring: keyring(), releaseUnverifiedPlaintext: true }),
    );
    expect(r3.error).toBeInstanceOf(IntegrityError);
    expect(r3.out.equals(p)).toBe(true);
  });

  it('reads legacy non-committing messages only when the commitment policy allows', async () => {
    const p = bytes(3000, 9);
    const { result } = await legacyOracle.encrypt(oracleKeyring(), p, {
      frameLength: 1024,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256,
    });
    const msg = Buffer.from(result);
    expect(describeMessage(msg).committing).toBe(false);
    expect(describeMessage(msg).version).toBe(1);
    const denied = await collectUntilError(decryptStream(msg, { keyring: keyring() }));
    expect((denied.error as FormatError).code).toBe('ERR_S3ENC_COMMITMENT_POLICY');
    expect(denied.out.length).toBe(0);
    const ok = await collect(
      decryptStream(msg, { keyring: keyring(), commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' }),
    );
    expect(ok.equals(p)).toBe(true);
    // Signed legacy suite too.
    const signed = await legacyOracle.encrypt(oracleKeyring(), p, { frameLength: 1024 });
    expect(describeMessage(signed.result).suiteId).toBe(0x0378);
    const ok2 = await collect(
      decryptStream(signed.result, {
        keyring: keyring(),
        commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT',
      }),
    );
    expect(ok2.equals(p)).toBe(true);
  });
});

function describeHeaderLength(msg: Buffer): number {
  // Header length is what parseHeader reports; the frame arithmetic relies on it.
  const s = describeMessage(msg);
  expect(s.frameLength).toBeGreaterThan(0);
  return headerLengthOf(msg);
}

import { parseHeader } from '../src/index.js';
function headerLengthOf(msg: Buffer): number {
  return parseHeader(msg)!.headerLength;
}
