/**
 * Identifiers of data-key cache entries (docs/transfer.md, "Data-key cache: the trade-off").
 * An identifier is a SHA-512 digest over length-prefixed fields, so two requests share an entry
 * only when every field is equal: the partition, the keyring object, the algorithm suite, the
 * encryption context, and on decrypt the encrypted data keys. The formula follows the intent of
 * the AWS Encryption SDK's caching CMM (partition, suite, context, EDKs) and adds the keyring:
 * one cache may serve several keyrings, and a data key made by one must never be handed to a
 * message written for another. @internal
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { EncryptionContext } from '../types.js';

/** What an encrypted data key is, for the identifier (the wrapped bytes included). */
export interface EdkFields {
  readonly providerId: string;
  readonly providerInfo: string;
  readonly encryptedDataKey: Uint8Array;
}

const VERSION = 's3enc data-key cache v1';

/** A random token per keyring object: keyrings are told apart by identity, never by name. */
const keyringTokens = new WeakMap<object, string>();

function keyringToken(keyring: object): string {
  let t = keyringTokens.get(keyring);
  if (t === undefined) {
    t = randomBytes(16).toString('hex');
    keyringTokens.set(keyring, t);
  }
  return t;
}

function field(h: Hash, bytes: Uint8Array | string): void {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(b.byteLength);
  h.update(len);
  h.update(b);
}

/** The context's pairs in UTF-8 byte order of their keys (as the message header sorts them). */
function contextFields(h: Hash, ec: EncryptionContext): void {
  const pairs = Object.entries(ec).map(
    ([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const,
  );
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  field(h, String(pairs.length));
  for (const [k, v] of pairs) {
    field(h, k);
    field(h, v);
  }
}

function start(
  kind: 'encrypt' | 'decrypt',
  partition: string,
  keyring: object,
  suiteId: number,
): Hash {
  const h = createHash('sha512');
  field(h, VERSION);
  field(h, kind);
  field(h, partition);
  field(h, keyringToken(keyring));
  field(h, String(suiteId));
  return h;
}

/** The entry a message to encrypt may take its data key from. */
export function encryptEntryId(
  partition: string,
  keyring: object,
  suiteId: number,
  ec: EncryptionContext,
): string {
  const h = start('encrypt', partition, keyring, suiteId);
  contextFields(h, ec);
  return h.digest('hex');
}

/** The entry a message to decrypt may take its data key from: its EDKs, in any order, and context. */
export function decryptEntryId(
  partition: string,
  keyring: object,
  suiteId: number,
  edks: readonly EdkFields[],
  ec: EncryptionContext,
): string {
  const h = start('decrypt', partition, keyring, suiteId);
  const digests = edks.map((e) => {
    const d = createHash('sha512');
    field(d, e.providerId);
    field(d, e.providerInfo);
    field(d, e.encryptedDataKey);
    return d.digest();
  });
  digests.sort((a, b) => Buffer.compare(a, b));
  field(h, String(digests.length));
  for (const d of digests) field(h, d);
  contextFields(h, ec);
  return h.digest('hex');
}
