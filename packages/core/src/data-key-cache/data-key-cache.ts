/**
 * The data-key cache: reuse of one data key for several messages, as the AWS Encryption SDK's
 * caching cryptographic materials manager does. Off unless a caller makes one and passes it;
 * its trade-off (fewer KMS calls against a wider blast radius per data key and coarser KMS
 * audit) is written in docs/transfer.md, "Data-key cache: the trade-off".
 *
 * Reuse never weakens the message format: every message still has its own random message id,
 * and the frame key and key commitment are derived from data key *and* message id
 * (frame-key.ts), so no two messages share a frame key or an IV sequence.
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { InvalidArgumentError } from '../errors.js';
import {
  DEFAULT_CACHED_KEY_BYTES,
  DEFAULT_CACHED_KEY_MESSAGES,
  DEFAULT_DATA_KEY_CACHE_CAPACITY,
  MAX_CACHED_KEY_BYTES,
  MAX_CACHED_KEY_MESSAGES,
  MAX_DATA_KEY_CACHE_AGE_MS,
  MAX_DATA_KEY_CACHE_CAPACITY,
} from '../limits.js';
import { CacheStore, type StoreLimits } from './cache-store.js';

/** The limits a cache enforces (its options with the defaults filled in). */
export type DataKeyCacheLimits = StoreLimits;

/** Options of {@link createDataKeyCache}. Only `maxAgeMs` is required. */
export interface DataKeyCacheOptions {
  /**
   * How long a data key may be served from the cache, in ms (1 .. 24 h). An entry is removed
   * and zeroed at this age whether or not it is used again.
   */
  readonly maxAgeMs: number;
  /** Messages one data key may encrypt (or, on decrypt, be served for); default 1000, at most 2³². */
  readonly maxMessages?: number | undefined;
  /** Plaintext bytes one data key may encrypt; default 1 GiB, at most 2⁵³−1. */
  readonly maxBytes?: number | undefined;
  /** Entries held at once, encrypt and decrypt together (least recently used leave first); default 100. */
  readonly capacity?: number | undefined;
  /**
   * Entries made under one partition name are never served under another. Default: a random
   * name, so nothing is shared unless asked. See {@link DataKeyCache.withPartition}.
   */
  readonly partition?: string | undefined;
}

/** What a cache holds and has done, without any key material. */
export interface DataKeyCacheStats {
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly closed: boolean;
}

const internals = new WeakMap<DataKeyCache, { store: CacheStore; partition: string }>();

/** The store and partition of a cache, for the sessions (cached-materials.ts). @internal */
export function cacheInternals(cache: unknown): { store: CacheStore; partition: string } {
  const i =
    typeof cache === 'object' && cache !== null ? internals.get(cache as DataKeyCache) : undefined;
  if (i === undefined) {
    throw new InvalidArgumentError('dataKeyCache must come from createDataKeyCache()', {
      code: 'ERR_S3ENC_INVALID_DATA_KEY_CACHE',
    });
  }
  return i;
}

/**
 * A cache of data keys for `beginEncryption` / `beginDecryption` (option `dataKeyCache`) and
 * for `EncryptedS3Client`. Make one with {@link createDataKeyCache}; `close()` it when done
 * (it zeroes every cached key). `inspect` and `toJSON` show counts and limits, never keys.
 */
export class DataKeyCache {
  /** @internal use {@link createDataKeyCache}. */
  constructor(store: CacheStore, partition: string) {
    internals.set(this, { store, partition });
  }

  /** The limits in force. */
  get limits(): Readonly<DataKeyCacheLimits> {
    return { ...cacheInternals(this).store.limits };
  }

  /** The partition this view reads and writes. */
  get partition(): string {
    return cacheInternals(this).partition;
  }

  /** Counters and entry count. */
  get stats(): DataKeyCacheStats {
    const { store } = cacheInternals(this);
    return { entries: store.size, ...store.stats, closed: store.closed };
  }

  /**
   * A view of the same store (same entries, limits and `close()`) under another partition:
   * e.g. one per tenant, so that a data key made for one is never served to another.
   * Throws InvalidArgumentError (ERR_S3ENC_INVALID_DATA_KEY_CACHE) for an empty name.
   */
  withPartition(name: string): DataKeyCache {
    return new DataKeyCache(cacheInternals(this).store, checkPartition(name));
  }

  /** Zeroes and drops every cached data key; afterwards the cache stores nothing. Idempotent. */
  close(): void {
    cacheInternals(this).store.close();
  }

  [inspect.custom](): string {
    const { store, partition } = cacheInternals(this);
    const l = store.limits;
    return `DataKeyCache { partition: ${inspect(partition)}, entries: ${store.size}, capacity: ${l.capacity}, maxAgeMs: ${l.maxAgeMs}, maxMessages: ${l.maxMessages}, maxBytes: ${l.maxBytes}, hits: ${store.stats.hits}, misses: ${store.stats.misses}, evictions: ${store.stats.evictions}, closed: ${store.closed} }`;
  }

  toJSON(): Record<string, unknown> {
    return { partition: this.partition, ...this.limits, ...this.stats };
  }
}

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { code: 'ERR_S3ENC_INVALID_DATA_KEY_CACHE' });
}

function intIn(name: string, v: unknown, min: number, max: number, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw bad(`${name} must be an integer in ${min}..${max}`);
  }
  return v;
}

function checkPartition(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) {
    throw bad('partition must be a string of 1..256 characters');
  }
  return v;
}

/**
 * Makes a data-key cache. Throws InvalidArgumentError (ERR_S3ENC_INVALID_DATA_KEY_CACHE) when
 * `maxAgeMs` is missing or a limit is out of range (see {@link DataKeyCacheOptions}).
 */
export function createDataKeyCache(o: DataKeyCacheOptions): DataKeyCache {
  if (o === null || typeof o !== 'object') throw bad('data-key cache options are required');
  if (o.maxAgeMs === undefined) throw bad('a data-key cache needs maxAgeMs');
  const limits: StoreLimits = {
    maxAgeMs: intIn('maxAgeMs', o.maxAgeMs, 1, MAX_DATA_KEY_CACHE_AGE_MS),
    maxMessages: intIn(
      'maxMessages',
      o.maxMessages,
      1,
      MAX_CACHED_KEY_MESSAGES,
      DEFAULT_CACHED_KEY_MESSAGES,
    ),
    maxBytes: intIn('maxBytes', o.maxBytes, 1, MAX_CACHED_KEY_BYTES, DEFAULT_CACHED_KEY_BYTES),
    capacity: intIn(
      'capacity',
      o.capacity,
      1,
      MAX_DATA_KEY_CACHE_CAPACITY,
      DEFAULT_DATA_KEY_CACHE_CAPACITY,
    ),
  };
  const partition = o.partition === undefined ? randomUUID() : checkPartition(o.partition);
  return new DataKeyCache(new CacheStore(limits), partition);
}
