/** Encryption context validation and matching (docs/FORMAT.md, "Encryption context"). @internal */
import { InvalidArgumentError, KeyUnwrapError } from './errors.js';
import { RESERVED_CONTEXT_KEY_PREFIX } from './limits.js';
import type { EncryptionContext } from './types.js';

/** Keys with this prefix are reserved by the AWS Encryption SDK (e.g. `aws-crypto-public-key`). */
export const RESERVED_CONTEXT_PREFIX = RESERVED_CONTEXT_KEY_PREFIX;

/**
 * Copies and validates a caller's encryption context. Returns a frozen copy; throws
 * InvalidArgumentError (ERR_S3ENC_INVALID_CONTEXT, ERR_S3ENC_RESERVED_CONTEXT_KEY).
 */
export function checkEncryptionContext(ec: unknown, name = 'encryptionContext'): EncryptionContext {
  if (ec === undefined) return Object.freeze({});
  if (ec === null || typeof ec !== 'object' || Array.isArray(ec)) {
    throw new InvalidArgumentError(`${name} must be an object of string pairs`, {
      code: 'ERR_S3ENC_INVALID_CONTEXT',
    });
  }
  const out: EncryptionContext = {};
  for (const [k, v] of Object.entries(ec)) {
    if (k.length === 0 || typeof v !== 'string') {
      throw new InvalidArgumentError(`${name} must map non-empty keys to strings`, {
        code: 'ERR_S3ENC_INVALID_CONTEXT',
      });
    }
    out[k] = v;
  }
  return Object.freeze(out);
}

/** Rejects reserved keys in a context the caller asks us to write. */
export function rejectReservedKeys(ec: EncryptionContext): void {
  for (const k of Object.keys(ec)) {
    if (k.startsWith(RESERVED_CONTEXT_PREFIX)) {
      throw new InvalidArgumentError(`encryption context key "${k}" is reserved`, {
        code: 'ERR_S3ENC_RESERVED_CONTEXT_KEY',
      });
    }
  }
}

/**
 * Throws KeyUnwrapError (ERR_S3ENC_CONTEXT_MISMATCH) unless every required pair is present
 * with the same value in the message's context. The message names no values.
 */
export function requireContext(actual: EncryptionContext, required: EncryptionContext): void {
  for (const [k, v] of Object.entries(required)) {
    if (!Object.hasOwn(actual, k) || actual[k] !== v) {
      throw new KeyUnwrapError(
        'ERR_S3ENC_CONTEXT_MISMATCH',
        'The message encryption context does not match the required context',
      );
    }
  }
}
