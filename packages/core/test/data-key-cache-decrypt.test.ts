/**
 * The data-key cache on the decrypt side: unwrapped data keys looked up by the header's
 * encrypted data keys; the key commitment, header tag and signature still checked per message.
 */
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy } from '@aws-crypto/client-node';
import { MessageFormat } from '@aws-crypto/material-management-node';
import { describe, expect, it } from 'vitest';
import { parseHeaderFull } from '../src/header.js';
import { decryptStream } from '../src/decrypt-stream.js';
import { bytes, collect, collectUntilError, keyring as makeKeyring } from './helpers.js';
import { cacheOf, F, open, seal } from './data-key-cache-helpers.js';

const oracle = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

describe('data-key cache: decrypt side', () => {
  it('messages sharing a wrapped data key unwrap it once; the checks still run on each', async () => {
    const k = makeKeyring();
    const writer = cacheOf();
    const a = await seal(k, bytes(100, 1), { cache: writer });
    const b = await seal(k, bytes(100, 2), { cache: writer });
    const other = await seal(k, bytes(100, 3));
    const reader = cacheOf();
    expect(await open(k, a.message, reader)).toMatchObject({ fromCache: false });
    const rb = await open(k, b.message, reader);
    expect(rb.fromCache).toBe(true);
    expect(rb.plaintext.equals(bytes(100, 2))).toBe(true);
    expect((await open(k, other.message, reader)).fromCache).toBe(false);
    // A header whose commitment was altered is refused even though its data key is cached.
    const { raw } = parseHeaderFull(b.message, 3)!;
    const h = raw.messageHeader;
    if (h.version !== MessageFormat.V2) throw new Error('expected a v2 header');
    const at = b.message.indexOf(Buffer.from(h.suiteData));
    const bad = Buffer.from(b.message);
    bad[at]! ^= 1;
    await expect(open(k, bad, reader)).rejects.toMatchObject({
      code: 'ERR_S3ENC_COMMITMENT_MISMATCH',
    });
    expect(reader.stats.hits).toBe(2);
  });

  it('a signed message read twice through the cache keeps its verification key', async () => {
    const k = makeKeyring();
    const p = bytes(5000);
    const { result } = await oracle.encrypt(k, p, {
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
      frameLength: F,
    });
    const reader = cacheOf();
    for (let i = 0; i < 2; i++) {
      const out = await collect(
        decryptStream([Buffer.from(result)], { keyring: k, dataKeyCache: reader }),
      );
      expect(out.equals(p)).toBe(true);
    }
    expect(reader.stats).toMatchObject({ hits: 1, misses: 1 });
    const bad = Buffer.from(result);
    bad[bad.length - 1]! ^= 1; // the signature
    const r = await collectUntilError(decryptStream([bad], { keyring: k, dataKeyCache: reader }));
    expect(r.error).toBeDefined();
    expect(reader.stats.hits).toBe(2);
  });

  it('maxMessages bounds the uses of an unwrapped key too', async () => {
    const k = makeKeyring();
    const writer = cacheOf();
    const msgs = [];
    for (let i = 0; i < 4; i++) msgs.push(await seal(k, bytes(10, i), { cache: writer }));
    const reader = cacheOf({ maxMessages: 2 });
    const from = [];
    for (const m of msgs) from.push((await open(k, m.message, reader)).fromCache);
    expect(from).toEqual([false, true, false, true]);
  });
});
