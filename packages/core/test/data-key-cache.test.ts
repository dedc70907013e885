/**
 * The data-key cache (docs/transfer.md, "Data-key cache: the trade-off"): limits by age,
 * messages, bytes and capacity; isolation by partition, encryption context and keyring;
 * zeroing on eviction and close; no key bytes in inspect; a reused data key still gives every
 * message its own message id, commitment and frame key; the decrypt side still checks all.
 *
 * Reuse is observed through the header: a raw AES keyring wraps each new data key with a
 * fresh IV, so two messages list the same encrypted data key bytes only when they share the
 * data key.
 */
import { inspect } from 'node:util';
import { buildClient, CommitmentPolicy } from '@aws-crypto/client-node';
import { unwrapDataKey } from '@aws-crypto/material-management-node';
import { describe, expect, it, vi } from 'vitest';
import { beginEncryption } from '../src/encrypt-session.js';
import { encryptStream } from '../src/encrypt-stream.js';
import {
  createDataKeyCache,
  type DataKeyCache,
  type DataKeyCacheOptions,
} from '../src/data-key-cache/data-key-cache.js';
import { bytes, collectUntilError, keyring as makeKeyring } from './helpers.js';
import { cacheOf, F, materials, open, seal } from './data-key-cache-helpers.js';

const oracle = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

describe('data-key cache: reuse keeps messages apart', () => {
  it('a cached data key gives each message its own message id, commitment and frame key', async () => {
    const k = makeKeyring();
    const cache = cacheOf();
    const p = bytes(3 * F + 5);
    const a = await seal(k, p, { cache });
    const b = await seal(k, p, { cache });
    expect([a.fromCache, b.fromCache]).toEqual([false, true]);
    expect(b.edk).toBe(a.edk); // one data key
    expect(b.messageId).not.toBe(a.messageId);
    expect(b.commitment).not.toBe(a.commitment);
    // Same plaintext, same data key, different frame keys: the frames differ entirely.
    const bodyA = a.message.subarray(a.message.length - (3 * (F + 32) + 45));
    const bodyB = b.message.subarray(b.message.length - (3 * (F + 32) + 45));
    // (Frame sequence numbers and IVs are equal by design: compare the ciphertext of each frame.)
    let same = 0;
    for (let f = 0; f < 3; f++) {
      const at = f * (F + 32) + 16;
      for (let i = at; i < at + F; i++) if (bodyA[i] === bodyB[i]) same++;
    }
    expect(same).toBeLessThan((3 * F) / 64); // about 1/256 match by chance
    // Frames of one message under the other's header do not authenticate.
    const swapped = Buffer.concat([b.message.subarray(0, b.message.length - bodyB.length), bodyA]);
    await expect(open(k, swapped)).rejects.toMatchObject({ code: 'ERR_S3ENC_TAG_MISMATCH' });
    // Both read back with our reader and with @aws-crypto/client-node.
    for (const m of [a, b]) {
      expect((await open(k, m.message)).plaintext.equals(p)).toBe(true);
      const { plaintext } = await oracle.decrypt(k, m.message);
      expect(Buffer.from(plaintext).equals(p)).toBe(true);
    }
  });

  it('without a cache, and for a plaintext of unknown length, every message gets a new data key', async () => {
    const k = makeKeyring();
    const p = bytes(100);
    const a = await seal(k, p);
    const b = await seal(k, p);
    expect(b.edk).not.toBe(a.edk);
    const cache = cacheOf();
    const c = await seal(k, p, { cache, length: null });
    const d = await seal(k, p, { cache, length: null });
    expect([c.fromCache, d.fromCache]).toEqual([false, false]);
    expect(d.edk).not.toBe(c.edk);
    expect(cache.stats.entries).toBe(0);
  });

  it('parallel misses for one entry make one data key', async () => {
    const k = makeKeyring();
    const cache = cacheOf();
    const all = await Promise.all(Array.from({ length: 8 }, () => seal(k, bytes(10), { cache })));
    expect(new Set(all.map((s) => s.edk)).size).toBe(1);
    expect(all.filter((s) => s.fromCache)).toHaveLength(7);
    expect(cache.stats).toMatchObject({ hits: 7, misses: 1, entries: 1 });
  });
});

describe('data-key cache: limits', () => {
  it('maxMessages: a data key encrypts at most that many messages', async () => {
    const k = makeKeyring();
    const cache = cacheOf({ maxMessages: 3 });
    const s = [];
    for (let i = 0; i < 7; i++) s.push(await seal(k, bytes(10, i), { cache }));
    const edks = s.map((x) => x.edk);
    expect(new Set(edks.slice(0, 3)).size).toBe(1);
    expect(new Set(edks.slice(3, 6)).size).toBe(1);
    expect(edks[3]).not.toBe(edks[0]);
    expect(edks[6]).not.toBe(edks[3]);
  });

  it('maxBytes: plaintext per data key is bounded; a first message over it is never cached', async () => {
    const k = makeKeyring();
    const cache = cacheOf({ maxBytes: 10_000 });
    const a = await seal(k, bytes(4000), { cache });
    const b = await seal(k, bytes(4000), { cache }); // 8000
    const c = await seal(k, bytes(4000), { cache }); // 12000 > 10000: new key
    expect(b.edk).toBe(a.edk);
    expect(c.edk).not.toBe(a.edk);
    expect(c.fromCache).toBe(false);
    const big = cacheOf({ maxBytes: 100 });
    const d = await seal(k, bytes(101), { cache: big });
    expect(big.stats.entries).toBe(0);
    const e = await seal(k, bytes(101), { cache: big });
    expect(e.edk).not.toBe(d.edk);
  });

  it('maxAgeMs: an entry expires, and is zeroed by a timer even when nobody asks again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const k = makeKeyring();
    const cache = cacheOf({ maxAgeMs: 1000 });
    const a = await seal(k, bytes(10), { cache });
    vi.advanceTimersByTime(500);
    const b = await seal(k, bytes(10), { cache });
    expect(b.edk).toBe(a.edk);
    const [held] = materials(cache);
    expect(held!.hasUnencryptedDataKey).toBe(true);
    vi.advanceTimersByTime(600); // 1100 ms since the key was made
    expect(cache.stats.entries).toBe(0);
    expect(held!.hasUnencryptedDataKey).toBe(false);
    expect(() => held!.getUnencryptedDataKey()).toThrow();
    const c = await seal(k, bytes(10), { cache });
    expect(c.edk).not.toBe(a.edk);
  });

  it('an expired entry is not served even before its timer runs', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] }); // timers stay real: the clock alone moves
    const k = makeKeyring();
    const cache = cacheOf({ maxAgeMs: 1000 });
    const a = await seal(k, bytes(10), { cache });
    vi.advanceTimersByTime(1000);
    const b = await seal(k, bytes(10), { cache });
    expect(b.edk).not.toBe(a.edk);
  });

  it('capacity: the least recently used entry leaves first, zeroed', async () => {
    const k = makeKeyring();
    const cache = cacheOf({ capacity: 2 });
    const a = await seal(k, bytes(10), { cache, ec: { n: 'a' } });
    const [heldA] = materials(cache);
    const b = await seal(k, bytes(10), { cache, ec: { n: 'b' } });
    await seal(k, bytes(10), { cache, ec: { n: 'a' } }); // a is now the most recent
    const c = await seal(k, bytes(10), { cache, ec: { n: 'c' } }); // evicts b
    expect(cache.stats.entries).toBe(2);
    expect(heldA!.hasUnencryptedDataKey).toBe(true);
    expect((await seal(k, bytes(10), { cache, ec: { n: 'a' } })).edk).toBe(a.edk);
    expect((await seal(k, bytes(10), { cache, ec: { n: 'c' } })).edk).toBe(c.edk);
    expect((await seal(k, bytes(10), { cache, ec: { n: 'b' } })).edk).not.toBe(b.edk);
    expect(cache.stats.evictions).toBeGreaterThanOrEqual(2);
    expect(heldA!.hasUnencryptedDataKey).toBe(false); // b's return evicted a
  });
});

describe('data-key cache: isolation', () => {
  it('partitions never share a data key; two views of one partition do', async () => {
    const k = makeKeyring();
    const root = cacheOf({ partition: 'tenant-a' });
    const other = root.withPartition('tenant-b');
    const again = root.withPartition('tenant-a');
    const a = await seal(k, bytes(10), { cache: root });
    const b = await seal(k, bytes(10), { cache: other });
    const c = await seal(k, bytes(10), { cache: again });
    expect(b.edk).not.toBe(a.edk);
    expect(c.edk).toBe(a.edk);
    expect(root.stats.entries).toBe(2); // one store
    const separate = cacheOf({ partition: 'tenant-a' });
    expect((await seal(k, bytes(10), { cache: separate })).edk).not.toBe(a.edk);
  });

  it('different encryption contexts never share; the same pairs in another order do', async () => {
    const k = makeKeyring();
    const cache = cacheOf();
    const a = await seal(k, bytes(10), { cache, ec: { tenant: 'a', env: 'prod' } });
    const b = await seal(k, bytes(10), { cache, ec: { tenant: 'b', env: 'prod' } });
    const c = await seal(k, bytes(10), { cache, ec: { env: 'prod', tenant: 'a' } });
    const d = await seal(k, bytes(10), { cache, ec: { tenant: 'a', env: 'prod', x: '' } });
    // A pair split differently must not collide either ("ab"+"c" vs "a"+"bc").
    const e = await seal(k, bytes(10), { cache, ec: { ab: 'c' } });
    const f = await seal(k, bytes(10), { cache, ec: { a: 'bc' } });
    expect(b.edk).not.toBe(a.edk);
    expect(c.edk).toBe(a.edk);
    expect(d.edk).not.toBe(a.edk);
    expect(f.edk).not.toBe(e.edk);
  });

  it('two keyrings never share, even with the same key and name', async () => {
    const cache = cacheOf();
    const a = await seal(makeKeyring(), bytes(10), { cache });
    const b = await seal(makeKeyring(), bytes(10), { cache });
    expect(b.edk).not.toBe(a.edk);
  });
});

describe('data-key cache: key hygiene', () => {
  it('close() zeroes every cached key; sessions already made keep working; later use is uncached', async () => {
    const k = makeKeyring();
    const cache = cacheOf();
    await seal(k, bytes(10), { cache, ec: { n: '1' } });
    await open(k, (await seal(k, bytes(10), { cache, ec: { n: '2' } })).message, cache);
    const held = materials(cache);
    expect(held).toHaveLength(3); // two encrypt entries, one decrypt entry
    const live = await beginEncryption({
      keyring: k,
      frameLength: F,
      encryptionContext: { n: '1' },
      dataKeyCache: cache,
      plaintextLength: 10,
    });
    expect(live.dataKeyFromCache).toBe(true);
    cache.close();
    cache.close();
    for (const m of held) expect(m.hasUnencryptedDataKey).toBe(false);
    const sealed = Buffer.concat([live.header, live.sealFrames(1, bytes(10), true)]);
    live.destroy();
    expect((await open(k, sealed)).plaintext.equals(bytes(10))).toBe(true);
    expect(cache.stats).toMatchObject({ entries: 0, closed: true });
    const a = await seal(k, bytes(10), { cache, ec: { n: '1' } });
    const b = await seal(k, bytes(10), { cache, ec: { n: '1' } });
    expect([a.fromCache, b.fromCache, b.edk === a.edk]).toEqual([false, false, false]);
    expect(cache.stats.entries).toBe(0);
  });

  it('inspect and JSON show limits and counts, never key bytes', async () => {
    const k = makeKeyring();
    const cache = cacheOf({ partition: 'p1', maxMessages: 5 });
    await seal(k, bytes(10), { cache });
    const m = materials(cache)[0]!;
    const key = Buffer.from(unwrapDataKey(m.getUnencryptedDataKey()));
    const shown = [inspect(cache, { depth: 10, showHidden: true }), JSON.stringify(cache)];
    for (const text of shown) {
      expect(text).toContain('p1');
      expect(text).not.toContain(key.toString('hex'));
      expect(text).not.toContain(key.toString('base64'));
      expect(text).not.toMatch(/material|unencrypted/i);
    }
    expect(shown[0]).toMatch(
      /^DataKeyCache \{ partition: 'p1', entries: 1, capacity: 100, maxAgeMs: 60000, maxMessages: 5/,
    );
    key.fill(0);
  });
});

describe('data-key cache: options', () => {
  it('refuses a missing maxAgeMs and limits out of range, and objects not made by createDataKeyCache', async () => {
    const code = { code: 'ERR_S3ENC_INVALID_DATA_KEY_CACHE' };
    const bad: unknown[] = [
      {},
      { maxAgeMs: 0 },
      { maxAgeMs: 1.5 },
      { maxAgeMs: 24 * 3600 * 1000 + 1 },
      { maxAgeMs: 1000, maxMessages: 0 },
      { maxAgeMs: 1000, maxMessages: 2 ** 32 + 1 },
      { maxAgeMs: 1000, maxBytes: -1 },
      { maxAgeMs: 1000, maxBytes: 2 ** 53 },
      { maxAgeMs: 1000, capacity: 0 },
      { maxAgeMs: 1000, partition: '' },
    ];
    for (const o of bad) {
      expect(() => createDataKeyCache(o as DataKeyCacheOptions), JSON.stringify(o)).toThrow(
        expect.objectContaining(code),
      );
    }
    const c = cacheOf({ maxAgeMs: 1 });
    expect(c.limits).toEqual({ maxAgeMs: 1, maxMessages: 1000, maxBytes: 2 ** 30, capacity: 100 });
    expect(() => c.withPartition('')).toThrow(expect.objectContaining(code));
    await expect(
      beginEncryption({
        keyring: makeKeyring(),
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- a foreign object, on purpose
        dataKeyCache: {} as DataKeyCache,
        plaintextLength: 1,
      }),
    ).rejects.toMatchObject(code);
    await expect(
      beginEncryption({ keyring: makeKeyring(), plaintextLength: -1 }),
    ).rejects.toMatchObject({ code: 'ERR_S3ENC_INVALID_ARGUMENT' });
  });

  it('encryptStream holds the source to the plaintextLength the cache counted', async () => {
    const cache = cacheOf();
    const r = await collectUntilError(
      encryptStream([bytes(3000)], {
        keyring: makeKeyring(),
        frameLength: F,
        dataKeyCache: cache,
        plaintextLength: 2000,
      }),
    );
    expect(r.error).toMatchObject({ code: 'ERR_S3ENC_SIZE_MISMATCH' });
  });
});
