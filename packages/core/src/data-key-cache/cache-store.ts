/**
 * The data-key cache's store: entries in least-recently-used order, each with its age and use
 * counts, held under the limits of the AWS Encryption SDK's caching CMM (max age, messages and
 * bytes per data key) plus a capacity. An entry that leaves — evicted for room, over a limit,
 * expired by age (a timer removes it even if nobody asks for it again) or at `close()` — has
 * its data key zeroed at once. @internal
 */
import type {
  NodeDecryptionMaterial,
  NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import { copyDecryptionMaterial, copyEncryptionMaterial } from './material-copy.js';

/** The limits a store enforces (checked by data-key-cache.ts). */
export interface StoreLimits {
  readonly maxAgeMs: number;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly capacity: number;
}

/** Counters since the store was made. */
export interface StoreStats {
  /** Requests served from the cache. */
  hits: number;
  /** Requests that went to the keyring. */
  misses: number;
  /** Entries removed: room, limits, age or close. */
  evictions: number;
}

type Entry =
  | {
      kind: 'encrypt';
      material: NodeEncryptionMaterial;
      born: number;
      messages: number;
      bytes: number;
    }
  | {
      kind: 'decrypt';
      material: NodeDecryptionMaterial;
      born: number;
      messages: number;
      bytes: number;
    };

/** A monotonic clock in ms (wall-clock changes neither extend nor cut an entry's life). */
const now = (): number => performance.now();

export class CacheStore {
  readonly limits: StoreLimits;
  readonly stats: StoreStats = { hits: 0, misses: 0, evictions: 0 };
  /** Generations in flight per entry id: concurrent misses wait for one instead of each asking KMS. */
  readonly inflight = new Map<string, Promise<unknown>>();
  #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(limits: StoreLimits) {
    this.limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A copy of the cached encryption material for one more message of `bytes` plaintext bytes,
   * or undefined. The use is counted first; an entry it takes over a limit is evicted (and
   * zeroed) and the request misses, as in the SDK.
   */
  takeEncryption(id: string, bytes: number): NodeEncryptionMaterial | undefined {
    const e = this.#live(id);
    if (e?.kind !== 'encrypt') return undefined;
    e.messages += 1;
    e.bytes += bytes;
    if (this.#overLimit(e)) {
      this.#evict(id);
      return undefined;
    }
    this.#touch(id, e);
    this.stats.hits += 1;
    return copyEncryptionMaterial(e.material);
  }

  /** A copy of the cached decryption material (one more use), or undefined. */
  takeDecryption(id: string): NodeDecryptionMaterial | undefined {
    const e = this.#live(id);
    if (e?.kind !== 'decrypt') return undefined;
    e.messages += 1;
    if (this.#overLimit(e)) {
      this.#evict(id);
      return undefined;
    }
    this.#touch(id, e);
    this.stats.hits += 1;
    return copyDecryptionMaterial(e.material);
  }

  /**
   * Caches `material` (fresh from the keyring, its first message of `bytes` counted) and returns
   * the material the caller uses: a copy when cached, else `material` itself — a first use over
   * the limits, or a closed store, is served but never cached (no copy of the key is made).
   */
  putEncryption(
    id: string,
    material: NodeEncryptionMaterial,
    bytes: number,
  ): NodeEncryptionMaterial {
    this.stats.misses += 1;
    const e: Entry = { kind: 'encrypt', material, born: now(), messages: 1, bytes };
    if (this.#closed || this.#overLimit(e)) return material;
    this.#insert(id, e);
    return copyEncryptionMaterial(material);
  }

  /** As {@link putEncryption}, for a data key the keyring unwrapped. */
  putDecryption(id: string, material: NodeDecryptionMaterial): NodeDecryptionMaterial {
    this.stats.misses += 1;
    const e: Entry = { kind: 'decrypt', material, born: now(), messages: 1, bytes: 0 };
    if (this.#closed || this.#overLimit(e)) return material;
    this.#insert(id, e);
    return copyDecryptionMaterial(material);
  }

  /** A miss that bypassed the cache (e.g. a plaintext of unknown length). */
  countBypass(): void {
    this.stats.misses += 1;
  }

  /** Zeroes and drops every entry; later requests are served by the keyring and never cached. */
  close(): void {
    this.#closed = true;
    for (const id of [...this.#entries.keys()]) this.#evict(id);
    this.#disarm();
  }

  /** The cached materials, for tests that check they are zeroed. @internal */
  materialsForTest(): (NodeEncryptionMaterial | NodeDecryptionMaterial)[] {
    return [...this.#entries.values()].map((e) => e.material);
  }

  /** Ages of the entries in ms, oldest first, for `inspect`. */
  entrySummary(): { kind: string; ageMs: number; messages: number; bytes: number }[] {
    const t = now();
    return [...this.#entries.values()].map((e) => ({
      kind: e.kind,
      ageMs: Math.round(t - e.born),
      messages: e.messages,
      bytes: e.bytes,
    }));
  }

  #live(id: string): Entry | undefined {
    const e = this.#entries.get(id);
    if (e === undefined) return undefined;
    if (now() - e.born >= this.limits.maxAgeMs) {
      this.#evict(id);
      return undefined;
    }
    return e;
  }

  #overLimit(e: Entry): boolean {
    return (
      now() - e.born >= this.limits.maxAgeMs ||
      e.messages > this.limits.maxMessages ||
      e.bytes > this.limits.maxBytes
    );
  }

  /** Most recently used last (Map keeps insertion order). */
  #touch(id: string, e: Entry): void {
    this.#entries.delete(id);
    this.#entries.set(id, e);
  }

  #insert(id: string, e: Entry): void {
    if (this.#entries.has(id)) this.#evict(id);
    this.#entries.set(id, e);
    while (this.#entries.size > this.limits.capacity) {
      const oldest = this.#entries.keys().next().value!;
      this.#evict(oldest);
    }
    this.#arm();
  }

  #evict(id: string): void {
    const e = this.#entries.get(id);
    if (e === undefined) return;
    this.#entries.delete(id);
    e.material.zeroUnencryptedDataKey();
    this.stats.evictions += 1;
    if (this.#entries.size === 0) this.#disarm();
  }

  /** Removes every entry at or past its age. */
  #expire(): void {
    const t = now();
    for (const [id, e] of [...this.#entries]) {
      if (t - e.born >= this.limits.maxAgeMs) this.#evict(id);
    }
  }

  /** One unref'd timer, due when the oldest entry expires; it never keeps the process alive. */
  #arm(): void {
    if (this.#timer !== undefined || this.#entries.size === 0) return;
    let oldest = Infinity;
    for (const e of this.#entries.values()) oldest = Math.min(oldest, e.born);
    const due = Math.max(0, oldest + this.limits.maxAgeMs - now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expire();
      this.#arm();
    }, Math.ceil(due));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
