/** Shared setup of the data-key cache tests: caches closed after each test, seal and open. */
import {
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
  MessageFormat,
} from '@aws-crypto/material-management-node';
import { afterEach, vi } from 'vitest';
import { parseHeaderFull } from '../src/header.js';
import { beginDecryption } from '../src/decrypt-session.js';
import { beginEncryption } from '../src/encrypt-session.js';
import {
  cacheInternals,
  createDataKeyCache,
  type DataKeyCache,
  type DataKeyCacheOptions,
} from '../src/data-key-cache/data-key-cache.js';
import type { EncryptionContext, Keyring } from '../src/types.js';

export const F = 1024;

const caches: DataKeyCache[] = [];
export function cacheOf(o: Partial<DataKeyCacheOptions> = {}): DataKeyCache {
  const c = createDataKeyCache({ maxAgeMs: 60_000, ...o });
  caches.push(c);
  return c;
}
afterEach(() => {
  for (const c of caches.splice(0)) c.close();
  vi.useRealTimers();
});

export interface Sealed {
  message: Buffer;
  edk: string;
  messageId: string;
  commitment: string;
  fromCache: boolean;
}

export async function seal(
  keyring: Keyring,
  plaintext: Buffer,
  o: { cache?: DataKeyCache | undefined; ec?: EncryptionContext; length?: number | null } = {},
): Promise<Sealed> {
  const s = await beginEncryption({
    keyring,
    frameLength: F,
    encryptionContext: o.ec ?? { purpose: 'dk-cache' },
    dataKeyCache: o.cache,
    ...(o.length === null ? {} : { plaintextLength: o.length ?? plaintext.length }),
  });
  try {
    const message = Buffer.concat([s.header, s.sealFrames(1, plaintext, true)]);
    const { raw } = parseHeaderFull(message, 3)!;
    const h = raw.messageHeader;
    return {
      message,
      edk: Buffer.from(h.encryptedDataKeys[0]!.encryptedDataKey).toString('hex'),
      messageId: Buffer.from(h.messageId).toString('hex'),
      commitment: h.version === MessageFormat.V2 ? Buffer.from(h.suiteData).toString('hex') : '',
      fromCache: s.dataKeyFromCache,
    };
  } finally {
    s.destroy();
  }
}

export async function open(keyring: Keyring, message: Buffer, cache?: DataKeyCache) {
  const d = await beginDecryption({ keyring, header: message, dataKeyCache: cache });
  try {
    return {
      plaintext: d.openFrames(1, message.subarray(d.headerLength)).plaintext,
      fromCache: d.dataKeyFromCache,
    };
  } finally {
    d.destroy();
  }
}

export const materials = (c: DataKeyCache): (NodeEncryptionMaterial | NodeDecryptionMaterial)[] =>
  cacheInternals(c).store.materialsForTest();
