/**
 * Materials through the data-key cache, for the sessions: look up, else wait for a generation
 * of the same entry already in flight (so N parallel puts that all miss make one KMS call, not
 * N), else ask the keyring and cache what it returns. Without a cache, or when an entry cannot
 * be cached (plaintext length unknown, as in the SDK: the byte limit could not be enforced),
 * the keyring is asked directly. @internal
 */
import type {
  EncryptedDataKey,
  NodeAlgorithmSuite,
  NodeDecryptionMaterial,
  NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import type { EncryptionContext, Keyring } from '../types.js';
import type { CacheStore } from './cache-store.js';
import { decryptEntryId, encryptEntryId } from './cache-entry-id.js';
import { cacheInternals, type DataKeyCache } from './data-key-cache.js';

/** Materials and whether their data key came from the cache. */
export interface Obtained<M> {
  readonly material: M;
  readonly fromCache: boolean;
}

const ignore = (): void => undefined;

async function through<M>(
  store: CacheStore,
  id: string,
  take: () => M | undefined,
  make: () => Promise<M>,
  put: (m: M) => M,
): Promise<Obtained<M>> {
  let hit = take();
  if (hit !== undefined) return { material: hit, fromCache: true };
  const pending = store.inflight.get(id);
  if (pending !== undefined) {
    // Wait once for the generation in flight; if it failed or was not cached, make our own.
    await pending.then(ignore, ignore);
    hit = take();
    if (hit !== undefined) return { material: hit, fromCache: true };
  }
  const p = make();
  store.inflight.set(id, p);
  try {
    return { material: put(await p), fromCache: false };
  } finally {
    if (store.inflight.get(id) === p) store.inflight.delete(id);
  }
}

/** Encryption materials for a message of `plaintextLength` bytes (undefined: not cached). */
export async function encryptionMaterialsVia(
  cache: DataKeyCache | undefined,
  keyring: Keyring,
  request: {
    readonly suite: NodeAlgorithmSuite;
    readonly encryptionContext: EncryptionContext;
    readonly plaintextLength: number | undefined;
  },
  generate: () => Promise<NodeEncryptionMaterial>,
): Promise<Obtained<NodeEncryptionMaterial>> {
  if (cache === undefined) return { material: await generate(), fromCache: false };
  const { store, partition } = cacheInternals(cache);
  const len = request.plaintextLength;
  if (store.closed || len === undefined || !request.suite.cacheSafe) {
    store.countBypass();
    return { material: await generate(), fromCache: false };
  }
  const id = encryptEntryId(partition, keyring, request.suite.id, request.encryptionContext);
  return through(
    store,
    id,
    () => store.takeEncryption(id, len),
    generate,
    (m) => store.putEncryption(id, m, len),
  );
}

/** Decryption materials for a header's suite, encrypted data keys and context. */
export async function decryptionMaterialsVia(
  cache: DataKeyCache | undefined,
  keyring: Keyring,
  request: {
    readonly suite: NodeAlgorithmSuite;
    readonly encryptionContext: EncryptionContext;
    readonly encryptedDataKeys: readonly EncryptedDataKey[];
  },
  unwrap: () => Promise<NodeDecryptionMaterial>,
): Promise<Obtained<NodeDecryptionMaterial>> {
  if (cache === undefined) return { material: await unwrap(), fromCache: false };
  const { store, partition } = cacheInternals(cache);
  if (store.closed || !request.suite.cacheSafe) {
    store.countBypass();
    return { material: await unwrap(), fromCache: false };
  }
  const id = decryptEntryId(
    partition,
    keyring,
    request.suite.id,
    request.encryptedDataKeys,
    request.encryptionContext,
  );
  return through(
    store,
    id,
    () => store.takeDecryption(id),
    unwrap,
    (m) => store.putDecryption(id, m),
  );
}
