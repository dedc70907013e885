/**
 * Codes of the Amazon S3 Encryption Client formats (core `s3ec/`, the node reader, V3 writes and
 * `convertObject`; docs/errors.md, "S3 Encryption Client formats").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const S3EC_ERROR_CODES = {
  ERR_S3ENC_S3EC_BAD_METADATA: {
    family: 'format',
    exit: 'integrity',
    meaning:
      'malformed S3EC metadata or instruction file (missing key, bad base64 or length, bad JSON, unknown key)',
  },
  ERR_S3ENC_S3EC_METADATA_CONFLICT: {
    family: 'format',
    exit: 'integrity',
    meaning: 'S3EC metadata keys of two format versions, or keys where the format forbids them',
  },
  ERR_S3ENC_S3EC_UNSUPPORTED_ALGORITHM: {
    family: 'format',
    exit: 'integrity',
    meaning: 'an S3EC content or wrapping algorithm (or tag length) this library does not read',
  },
  ERR_S3ENC_S3EC_BAD_BODY_SIZE: {
    family: 'format',
    exit: 'integrity',
    meaning: 'a body size no ciphertext of the declared S3EC content algorithm has',
  },
  ERR_S3ENC_S3EC_LEGACY_CONTENT: {
    family: 'format',
    exit: 'usage',
    meaning: 'AES/CBC content (unauthenticated) without allowUnauthenticatedLegacyContent',
  },
  ERR_S3ENC_S3EC_LEGACY_WRAPPING: {
    family: 'key-unwrap',
    exit: 'usage',
    meaning: 'a legacy S3EC key wrap without allowLegacyKeyWrapping',
  },
  ERR_S3ENC_S3EC_KMS_KEY_NOT_ALLOWED: {
    family: 'key-unwrap',
    exit: 'access',
    meaning: 'the KMS key that decrypted is outside the discovery filter, or not the key asked',
  },
  ERR_S3ENC_S3EC_CEK_ALG_MISMATCH: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'the content algorithm bound to the data key differs from the metadata',
  },
  ERR_S3ENC_S3EC_BAD_PADDING: {
    family: 'integrity',
    exit: 'integrity',
    meaning: 'AES/CBC content whose padding does not verify',
  },
  ERR_S3ENC_S3EC_TOO_LARGE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: "put with format 's3ec-v3' of more than 64 GiB − 32 bytes",
  },
  ERR_S3ENC_CONVERT_UNVERSIONED: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'convertObject in a bucket without versioning, without allowUnversionedOverwrite',
  },
} as const satisfies ErrorCodeTable;
