/**
 * The typed errors of the S3EC formats. Each is one of core's families (FormatError,
 * KeyUnwrapError, IntegrityError) with a stable code listed in docs/errors.md. Messages name
 * metadata keys and algorithms, never key bytes, key ids' secrets or plaintext.
 */
import { FormatError, IntegrityError, KeyUnwrapError } from '../errors.js';

/** Malformed metadata or instruction file: a missing key, bad base64, a wrong length, bad JSON. */
export function badMetadata(message: string, cause?: unknown): FormatError {
  return new FormatError('ERR_S3ENC_S3EC_BAD_METADATA', message, { cause });
}

/** Keys of several format versions at once, or keys where the format forbids them. */
export function metadataConflict(message: string): FormatError {
  return new FormatError('ERR_S3ENC_S3EC_METADATA_CONFLICT', message);
}

/** A content or wrapping algorithm this library does not read. */
export function unsupportedAlgorithm(message: string): FormatError {
  return new FormatError('ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM', message);
}

/** A body whose length no ciphertext of the declared algorithm can have. */
export function badBodySize(message: string): FormatError {
  return new FormatError('ERR_S3ENC_S3EC_BAD_BODY_SIZE', message);
}

/** AES/CBC content without `allowUnauthenticatedLegacyContent`. */
export function legacyContentRefused(): FormatError {
  return new FormatError(
    'ERR_S3ENC_S3EC_LEGACY_CONTENT',
    'the object is encrypted with AES/CBC/PKCS5Padding, which does not authenticate its content ' +
      '(a modified object can decrypt to altered plaintext); set allowUnauthenticatedLegacyContent ' +
      '(CLI --allow-unauthenticated-legacy-content) to read it, then convert it',
  );
}

/** A legacy wrapping algorithm without `allowLegacyKeyWrapping`. */
export function legacyWrappingRefused(wrap: string): KeyUnwrapError {
  return new KeyUnwrapError(
    'ERR_S3ENC_S3EC_LEGACY_WRAPPING',
    `the data key is wrapped with the legacy algorithm ${wrap}, which does not bind the content ` +
      'algorithm to the key; set allowLegacyKeyWrapping (CLI --allow-legacy-key-wrapping) to read it',
  );
}

/** The wrapped key or KMS context names another content algorithm than the metadata. */
export function cekAlgMismatch(): IntegrityError {
  return new IntegrityError(
    'ERR_S3ENC_S3EC_CEK_ALG_MISMATCH',
    'the content algorithm bound to the data key does not match the object metadata',
  );
}

/** A KMS key outside the strict key ids or the discovery accounts. */
export function kmsKeyNotAllowed(message: string): KeyUnwrapError {
  return new KeyUnwrapError('ERR_S3ENC_S3EC_KMS_KEY_NOT_ALLOWED', message);
}

/** No configured key can unwrap this object's data key. */
export function noDataKey(message: string, cause?: unknown): KeyUnwrapError {
  return new KeyUnwrapError('ERR_S3ENC_NO_DATA_KEY', message, { cause });
}

/** KMS refused or could not be reached. */
export function dataKeyUnavailable(cause: unknown): KeyUnwrapError {
  return new KeyUnwrapError(
    'ERR_S3ENC_DATA_KEY_UNAVAILABLE',
    'KMS could not decrypt the data key of the object',
    { cause },
  );
}

/** GCM tag check failed (generic on purpose). */
export function tagMismatch(): IntegrityError {
  return new IntegrityError('ERR_S3ENC_TAG_MISMATCH', 'the object failed authentication');
}

/** CBC padding check failed (generic on purpose: says nothing of where). */
export function badPadding(): IntegrityError {
  return new IntegrityError('ERR_S3ENC_S3EC_BAD_PADDING', 'the object failed its padding check');
}

/** V3 key commitment does not match the data key. */
export function commitmentMismatch(): IntegrityError {
  return new IntegrityError(
    'ERR_S3ENC_COMMITMENT_MISMATCH',
    'the key commitment does not match the data key',
  );
}

export function truncated(): IntegrityError {
  return new IntegrityError('ERR_S3ENC_TRUNCATED', 'the object body is shorter than declared');
}

export function trailingData(): IntegrityError {
  return new IntegrityError('ERR_S3ENC_TRAILING_DATA', 'the object body is longer than declared');
}
