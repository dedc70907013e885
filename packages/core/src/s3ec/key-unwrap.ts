/**
 * Obtains an S3EC object's data key: checks what binds the content algorithm to the key, the
 * legacy-wrapping policy and the caller's required context BEFORE any key is used, then
 * unwraps with KMS (strict key ids or account-limited discovery) or a raw AES / RSA key.
 * Returns a 32-byte Buffer the caller zeroes after use.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { requireContext } from '../encryption-context.js';
import { InvalidArgumentError, S3EncError } from '../errors.js';
import * as K from './constants.js';
import {
  cekAlgMismatch,
  dataKeyUnavailable,
  kmsKeyNotAllowed,
  legacyWrappingRefused,
  noDataKey,
} from './errors.js';
import { kmsDecrypt, parseKmsArn } from './kms-calls.js';
import type { S3ecKmsKeys } from './kms-types.js';
import type { S3ecMetadata } from './metadata.js';
import {
  unwrapAesEcb,
  unwrapAesGcm,
  unwrapAesWrap,
  unwrapRsaOaepSha1,
  unwrapRsaPkcs1,
} from './raw-key-unwrap.js';
import { unwrapRsaOaepSha256Mgf1Sha1 } from './rsa-oaep-sha256-java.js';
import { wipe } from '../key-material.js';

export type { S3ecKmsKeys } from './kms-types.js';

/** The keys an S3EC reader may use. */
export interface S3ecKeys {
  /** One set of KMS keys, or several tried in order (e.g. the children of a multi-keyring). */
  readonly kms?: S3ecKmsKeys | readonly S3ecKmsKeys[] | undefined;
  /** The raw AES-256 wrapping key (AES/GCM, and the legacy AESWrap and AES/ECB envelopes). */
  readonly aesKey?: Uint8Array | undefined;
  /** The RSA private key (PEM text or a KeyObject) for RSA-wrapped objects. */
  readonly rsaPrivateKey?: string | KeyObject | undefined;
}

/** Options of {@link unwrapS3ecDataKey}. */
export interface S3ecUnwrapOptions {
  readonly keys: S3ecKeys;
  /**
   * AESWrap, AES/ECB (`x-amz-key`), RSA PKCS#1 v1.5 and RSA/ECB/OAEPWithSHA-256AndMGF1Padding
   * envelopes are refused unless true.
   */
  readonly allowLegacyKeyWrapping?: boolean | undefined;
  /**
   * Pairs the object's KMS encryption context (KMS wraps) or material description (raw-key
   * wraps) must hold, with these values. Checked before any key is used.
   */
  readonly encryptionContext?: Readonly<Record<string, string>> | undefined;
}

const MODERN_WRAPS = new Set<string>([K.WRAP_KMS_CONTEXT, K.WRAP_AES_GCM, K.WRAP_RSA_OAEP_SHA1]);
const LEGACY_WRAPS = new Set<string>([
  K.WRAP_AES_WRAP,
  K.WRAP_AES_ECB,
  K.WRAP_RSA_PKCS1,
  K.WRAP_RSA_OAEP_SHA256,
]);

/**
 * Refuses metadata whose content algorithm differs from the one bound to the data key: the
 * `aws:x-amz-cek-alg` pair of a KMS context (required for `kms+context` and V3, compared
 * whenever present), and the wraps that only ever carried GCM content. Whatever the options:
 * a mismatch means someone rewrote the metadata (e.g. to decrypt a GCM body as CBC).
 */
export function checkContentAlgorithmBinding(m: S3ecMetadata): void {
  if (MODERN_WRAPS.has(m.wrapAlgorithm) && m.contentAlgorithm === K.AES_CBC) throw cekAlgMismatch();
  if (m.wrapAlgorithm === K.WRAP_KMS || m.wrapAlgorithm === K.WRAP_KMS_CONTEXT) {
    const bound = m.encryptionContext[K.CONTEXT_CEK_ALG];
    if (bound === undefined) {
      if (m.wrapAlgorithm === K.WRAP_KMS_CONTEXT) throw cekAlgMismatch();
    } else if (bound !== m.contentAlgorithm) {
      throw cekAlgMismatch();
    }
  }
}

/**
 * Unwraps the data key of `metadata`. Throws, before any key is used: IntegrityError
 * (ERR_S3ENC_S3EC_CEK_ALG_MISMATCH), KeyUnwrapError (ERR_S3ENC_S3EC_LEGACY_WRAPPING,
 * ERR_S3ENC_CONTEXT_MISMATCH, ERR_S3ENC_NO_DATA_KEY when no configured key fits the wrap).
 * Then: KeyUnwrapError ERR_S3ENC_NO_DATA_KEY (a raw key does not unwrap),
 * ERR_S3ENC_DATA_KEY_UNAVAILABLE (KMS refused every key), ERR_S3ENC_S3EC_KMS_KEY_NOT_ALLOWED
 * (discovery: the key's account is not allowed; strict: KMS answered for another key).
 */
export async function unwrapS3ecDataKey(m: S3ecMetadata, o: S3ecUnwrapOptions): Promise<Buffer> {
  if (o === null || typeof o !== 'object' || o.keys === null || typeof o.keys !== 'object')
    throw new InvalidArgumentError('keys are required');
  checkContentAlgorithmBinding(m);
  if (LEGACY_WRAPS.has(m.wrapAlgorithm) && o.allowLegacyKeyWrapping !== true)
    throw legacyWrappingRefused(m.wrapAlgorithm);
  const isKms = m.wrapAlgorithm === K.WRAP_KMS || m.wrapAlgorithm === K.WRAP_KMS_CONTEXT;
  if (o.encryptionContext !== undefined) {
    requireContext(isKms ? m.encryptionContext : m.materialDescription, o.encryptionContext);
  }
  const keys = o.keys;
  switch (m.wrapAlgorithm) {
    case K.WRAP_KMS:
    case K.WRAP_KMS_CONTEXT:
      return unwrapWithKmsKeys(m, keys.kms);
    case K.WRAP_AES_GCM:
      return unwrapAesGcm(aesKeyOf(keys), m.encryptedDataKey, m.contentAlgorithm);
    case K.WRAP_AES_WRAP:
      return unwrapAesWrap(aesKeyOf(keys), m.encryptedDataKey);
    case K.WRAP_AES_ECB:
      return unwrapAesEcb(aesKeyOf(keys), m.encryptedDataKey);
    case K.WRAP_RSA_OAEP_SHA1:
      return unwrapRsaOaepSha1(rsaKeyOf(keys), m.encryptedDataKey, m.contentAlgorithm);
    case K.WRAP_RSA_PKCS1:
      return unwrapRsaPkcs1(rsaKeyOf(keys), m.encryptedDataKey);
    case K.WRAP_RSA_OAEP_SHA256:
      return lengthChecked(unwrapRsaOaepSha256Mgf1Sha1(rsaKeyOf(keys), m.encryptedDataKey));
  }
}

function aesKeyOf(keys: S3ecKeys): Uint8Array {
  const k = keys.aesKey;
  if (k === undefined)
    throw noDataKey('the data key is wrapped by an AES key and none is configured');
  if (!(k instanceof Uint8Array) || k.byteLength !== 32)
    throw new InvalidArgumentError('aesKey must be 32 bytes (AES-256)', {
      code: 'ERR_S3ENC_INVALID_KEY',
    });
  return k;
}

function rsaKeyOf(keys: S3ecKeys): KeyObject {
  const k = keys.rsaPrivateKey;
  if (k === undefined)
    throw noDataKey('the data key is wrapped by an RSA key and none is configured');
  let key: KeyObject;
  try {
    key = typeof k === 'string' ? createPrivateKey(k) : k;
  } catch (e) {
    throw new InvalidArgumentError('rsaPrivateKey is not a PEM private key', {
      code: 'ERR_S3ENC_INVALID_KEY',
      cause: e,
    });
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa')
    throw new InvalidArgumentError('rsaPrivateKey must be an RSA private key', {
      code: 'ERR_S3ENC_INVALID_KEY',
    });
  return key;
}

function regionOf(keyId: string): string {
  return parseKmsArn(keyId)?.region ?? '';
}

async function unwrapWithKmsKeys(
  m: S3ecMetadata,
  kms: S3ecKmsKeys | readonly S3ecKmsKeys[] | undefined,
): Promise<Buffer> {
  const sets: readonly S3ecKmsKeys[] =
    kms === undefined ? [] : Array.isArray(kms) ? kms : [kms as S3ecKmsKeys];
  if (sets.length === 0)
    throw noDataKey('the data key is wrapped by AWS KMS and no KMS keys are configured');
  let last: unknown;
  for (const set of sets) {
    try {
      return await unwrapWithKms(m, set);
    } catch (e) {
      // Another set may hold the key; a key outside the allowed accounts stops the search.
      if ((e as { code?: unknown }).code !== 'ERR_S3ENC_DATA_KEY_UNAVAILABLE') throw e;
      last = e;
    }
  }
  throw last;
}

async function unwrapWithKms(m: S3ecMetadata, kms: S3ecKmsKeys): Promise<Buffer> {
  if (typeof kms.clientProvider !== 'function')
    throw new InvalidArgumentError('kms.clientProvider must be a function');
  const strict = kms.keyIds !== undefined && kms.keyIds.length > 0;
  if (strict === (kms.discovery !== undefined))
    throw new InvalidArgumentError('give KMS keyIds (strict) or discovery, not both or neither');
  let lastError: unknown;
  const attempt = async (region: string, keyId: string | undefined) => {
    const client = kms.clientProvider(region);
    if (client === false) return undefined;
    try {
      return await kmsDecrypt(client, {
        keyId,
        ciphertext: m.encryptedDataKey,
        encryptionContext: m.encryptionContext,
        grantTokens: kms.grantTokens,
      });
    } catch (e) {
      if (e instanceof S3EncError) throw e; // insecure transport, bad client: not a key miss
      lastError = e;
      return undefined;
    }
  };

  if (strict) {
    // The V1-era writer names its key in the material description: ask that one first.
    const named = m.encryptionContext[K.CONTEXT_KMS_CMK_ID];
    const ids = [...(kms.keyIds ?? [])].sort((a, b) => Number(b === named) - Number(a === named));
    for (const keyId of ids) {
      const got = await attempt(regionOf(keyId), keyId);
      if (got === undefined) continue;
      const asked = parseKmsArn(keyId);
      if (asked?.resource.startsWith('key/') === true && got.keyId !== keyId) {
        wipe(got.plaintext);
        throw kmsKeyNotAllowed('KMS decrypted with another key than the one asked');
      }
      return checked(got.plaintext);
    }
    throw dataKeyUnavailable(lastError);
  }

  const d = kms.discovery!;
  const filter = d.discoveryFilter;
  if (filter === undefined && d.trustAnyKmsKeyForDecryption !== true) {
    throw new InvalidArgumentError(
      'a discoveryFilter ({ accountIDs, partition }) is required; pass trustAnyKmsKeyForDecryption: true to decrypt under any KMS key',
      { code: 'ERR_S3ENC_DISCOVERY_FILTER_REQUIRED' },
    );
  }
  for (const region of d.regions) {
    const got = await attempt(region, undefined);
    if (got === undefined) continue;
    const arn = got.keyId === undefined ? undefined : parseKmsArn(got.keyId);
    const allowed =
      arn !== undefined &&
      (filter === undefined ||
        (arn.partition === filter.partition && filter.accountIDs.includes(arn.account)));
    if (!allowed) {
      wipe(got.plaintext);
      throw kmsKeyNotAllowed(
        'the KMS key that wraps this object is outside the discovery filter’s accounts',
      );
    }
    return checked(got.plaintext);
  }
  throw dataKeyUnavailable(lastError);
}

function lengthChecked(key: Buffer): Buffer {
  if (key.length !== K.DATA_KEY_LENGTH) {
    wipe(key);
    throw noDataKey('the unwrapped data key is not 32 bytes');
  }
  return key;
}

function checked(key: Buffer): Buffer {
  if (key.length !== K.DATA_KEY_LENGTH) {
    wipe(key);
    throw noDataKey('KMS returned a data key that is not 32 bytes');
  }
  return key;
}
