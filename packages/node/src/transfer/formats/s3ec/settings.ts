/**
 * The per-client settings of the S3 Encryption Client reader: instruction file suffix, the
 * keys it may use (KMS from the client's keyring or `kmsKeyIds`, a raw AES key, an RSA private
 * key) and the two options that loosen the defaults (docs/s3ec.md).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  checkInstructionFileSuffix,
  DEFAULT_INSTRUCTION_FILE_SUFFIX,
  InvalidArgumentError,
  type S3ecKeys,
  type S3ecKmsKeys,
} from '@s3enc/core';

/** Options of `EncryptedS3Client` for the S3 Encryption Client formats (constructor `s3ec`). */
export interface S3ecOptions {
  /** Suffix of instruction files (`<key><suffix>`). Default `.instruction`. */
  instructionFileSuffix?: string | undefined;
  /** PEM text or a KeyObject: the RSA private key of RSA-wrapped objects. */
  rsaPrivateKey?: string | KeyObject | undefined;
  /**
   * The raw AES-256 key (32 bytes) of AES-wrapped objects, and the key `put` with
   * `format: 's3ec-v3'` wraps with when the client has no KMS keys. Copied; zeroed by
   * `destroy()`.
   */
  aesKey?: Uint8Array | undefined;
  /**
   * Read AES/CBC content, which is not authenticated: a modified object can decrypt to
   * altered plaintext (only the padding is checked). Default false.
   */
  allowUnauthenticatedLegacyContent?: boolean | undefined;
  /**
   * Unwrap data keys wrapped with the legacy AESWrap, true V1 `x-amz-key` (AES/ECB or RSA
   * PKCS#1 v1.5) or Java's RSA/ECB/OAEPWithSHA-256AndMGF1Padding, which do not bind the
   * content algorithm. Default false. The SES shape (`kms` wrap, AES/GCM) needs no option.
   */
  allowLegacyKeyWrapping?: boolean | undefined;
}

/** What the S3EC reader and writer use. @internal */
export interface S3ecSettings {
  readonly instructionFileSuffix: string;
  readonly keys: S3ecKeys;
  readonly allowUnauthenticatedLegacyContent: boolean;
  readonly allowLegacyKeyWrapping: boolean;
}

/** Settings without keys (describeObject, or a client given none). @internal */
export const DEFAULT_S3EC_SETTINGS: S3ecSettings = Object.freeze({
  instructionFileSuffix: DEFAULT_INSTRUCTION_FILE_SUFFIX,
  keys: Object.freeze({}),
  allowUnauthenticatedLegacyContent: false,
  allowLegacyKeyWrapping: false,
});

/**
 * Validates `options` and builds the settings. Throws InvalidArgumentError
 * (ERR_S3ENC_INVALID_KEY for a key that is not a 32-byte AES key or an RSA private key) before
 * any request. @internal
 */
export function s3ecSettings(
  options: S3ecOptions | undefined,
  kms: readonly S3ecKmsKeys[],
): S3ecSettings {
  const o = options ?? {};
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('s3ec must be an object');
  for (const flag of ['allowUnauthenticatedLegacyContent', 'allowLegacyKeyWrapping'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean')
      throw new InvalidArgumentError(`s3ec.${flag} must be a boolean`);
  }
  const suffix =
    o.instructionFileSuffix === undefined
      ? DEFAULT_INSTRUCTION_FILE_SUFFIX
      : checkInstructionFileSuffix(o.instructionFileSuffix);
  let aesKey: Uint8Array | undefined;
  if (o.aesKey !== undefined) {
    if (!(o.aesKey instanceof Uint8Array) || o.aesKey.byteLength !== 32)
      throw new InvalidArgumentError('s3ec.aesKey must be 32 bytes (AES-256)', {
        code: 'ERR_S3ENC_INVALID_KEY',
      });
    aesKey = new Uint8Array(o.aesKey);
  }
  let rsaPrivateKey: KeyObject | undefined;
  if (o.rsaPrivateKey !== undefined) {
    try {
      rsaPrivateKey =
        typeof o.rsaPrivateKey === 'string' ? createPrivateKey(o.rsaPrivateKey) : o.rsaPrivateKey;
    } catch (e) {
      throw new InvalidArgumentError('s3ec.rsaPrivateKey is not a PEM private key', {
        code: 'ERR_S3ENC_INVALID_KEY',
        cause: e,
      });
    }
    if (rsaPrivateKey.type !== 'private' || rsaPrivateKey.asymmetricKeyType !== 'rsa')
      throw new InvalidArgumentError('s3ec.rsaPrivateKey must be an RSA private key', {
        code: 'ERR_S3ENC_INVALID_KEY',
      });
  }
  return Object.freeze({
    instructionFileSuffix: suffix,
    keys: Object.freeze({
      ...(kms.length > 0 ? { kms } : {}),
      ...(aesKey !== undefined ? { aesKey } : {}),
      ...(rsaPrivateKey !== undefined ? { rsaPrivateKey } : {}),
    }),
    allowUnauthenticatedLegacyContent: o.allowUnauthenticatedLegacyContent === true,
    allowLegacyKeyWrapping: o.allowLegacyKeyWrapping === true,
  });
}

/** Zeroes the settings' copy of the AES key (client destroy). @internal */
export function wipeS3ecSettings(s: S3ecSettings): void {
  s.keys.aesKey?.fill(0);
}
