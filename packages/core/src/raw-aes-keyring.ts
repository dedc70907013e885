/**
 * The raw AES-256-GCM keyring for users without KMS (docs/FORMAT.md, "Key files"). Over
 * `@aws-crypto/raw-aes-keyring-node`, with two compatibility rules:
 *
 * - The wrapping AAD is the encryption context serialised in UTF-8 byte order of its keys, as
 *   the message format specifies and every other AWS Encryption SDK does (`utf8Sorting: true`).
 *   s3enc 0.1 wrapped with the `@aws-crypto` 5 default (JavaScript string order); on decrypt the
 *   byte order is tried first and the old order second, so objects written then still open.
 * - On decrypt, data keys recorded under any of `legacyKeyNames` are accepted too (never
 *   written), so a change of the key-name derivation does not strand stored objects.
 */
import { readFileSync } from 'node:fs';
import {
  KeyringNode,
  type EncryptedDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import { InvalidArgumentError } from './errors.js';
import { decodeKey256, wipe } from './key-material.js';
import type { Keyring } from './types.js';

/** Options of {@link rawAesKeyring}. Give exactly one of `key` and `keyFile`. */
export interface RawAesKeyringOptions {
  /** 32 key bytes. Copied; the caller keeps ownership of (and should wipe) its buffer. */
  readonly key?: Uint8Array;
  /**
   * A file holding the key: 32 raw bytes, 64 hex digits or 44 base64 characters (text may
   * end with one line ending; see key-material.ts for the exact rules).
   */
  readonly keyFile?: string;
  /** Name of the key, recorded in the header; must match on decrypt. */
  readonly keyName: string;
  /** Namespace of the key (the provider id), recorded in the header; must match on decrypt. */
  readonly keyNamespace: string;
  /** Other names the same key was recorded under by older writers: accepted on decrypt only. */
  readonly legacyKeyNames?: readonly string[];
}

/**
 * Wraps with the first keyring; unwraps with each in turn until one produces the data key.
 * Unlike a multi-keyring, encrypting adds one encrypted data key, not one per child.
 */
class FirstWrapsAnyUnwraps extends KeyringNode {
  readonly #keyrings: readonly KeyringNode[];
  constructor(keyrings: readonly KeyringNode[]) {
    super();
    this.#keyrings = keyrings;
  }
  async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    return this.#keyrings[0]!.onEncrypt(material);
  }
  async _onDecrypt(
    material: NodeDecryptionMaterial,
    encryptedDataKeys: EncryptedDataKey[],
  ): Promise<NodeDecryptionMaterial> {
    for (const k of this.#keyrings) {
      if (material.hasValidKey()) break;
      // A raw keyring swallows its unwrap failures (wrong AAD order = GCM tag failure).
      await k.onDecrypt(material, encryptedDataKeys);
    }
    return material;
  }
}

function readKeyFile(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new InvalidArgumentError('keyFile cannot be read', {
      cause,
      code: 'ERR_S3ENC_INVALID_KEY',
    });
  }
  try {
    return decodeKey256(bytes, { what: 'keyFile' });
  } finally {
    wipe(bytes);
  }
}

function checkName(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new InvalidArgumentError(`${name} must be a non-empty string`);
  return v;
}

/**
 * A raw AES-256-GCM keyring for users without KMS. Returns the keyring; throws
 * InvalidArgumentError (ERR_S3ENC_INVALID_KEY) when the key is not 32 bytes, the key file
 * holds no key, or both or neither of `key` and `keyFile` are given. Our copies of the key are
 * wiped once the keyrings hold it.
 */
export function rawAesKeyring(o: RawAesKeyringOptions): Keyring {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options are required');
  if ((o.key === undefined) === (o.keyFile === undefined)) {
    throw new InvalidArgumentError('give exactly one of key and keyFile', {
      code: 'ERR_S3ENC_INVALID_KEY',
    });
  }
  const keyName = checkName('keyName', o.keyName);
  const keyNamespace = checkName('keyNamespace', o.keyNamespace);
  if (keyNamespace.startsWith('aws-kms')) {
    throw new InvalidArgumentError('keyNamespace must not start with "aws-kms"');
  }
  const legacy = (o.legacyKeyNames ?? []).map((n, i) => checkName(`legacyKeyNames[${i}]`, n));
  let key: Uint8Array;
  if (o.key !== undefined) {
    if (!(o.key instanceof Uint8Array) || o.key.byteLength !== 32) {
      throw new InvalidArgumentError('key must be 32 bytes (AES-256)', {
        code: 'ERR_S3ENC_INVALID_KEY',
      });
    }
    key = new Uint8Array(o.key); // the keyring wants a buffer that owns its whole ArrayBuffer
  } else {
    const fromFile = readKeyFile(o.keyFile!);
    key = new Uint8Array(fromFile);
    wipe(fromFile);
  }
  try {
    const make = (name: string, utf8Sorting: boolean) =>
      new RawAesKeyringNode({
        keyName: name,
        keyNamespace,
        // Each keyring gets its own copy: @aws-crypto moves it into a KeyObject and zeroes it.
        unencryptedMasterKey: new Uint8Array(key),
        wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
        utf8Sorting,
      });
    const names = [keyName, ...legacy.filter((n) => n !== keyName)];
    // Byte order first (what we write and other SDKs write), then s3enc 0.1's order.
    return new FirstWrapsAnyUnwraps([
      ...names.map((n) => make(n, true)),
      ...names.map((n) => make(n, false)),
    ]);
  } finally {
    wipe(key);
  }
}
