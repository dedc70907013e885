/**
 * The error hierarchy. Every error s3enc throws is an {@link S3EncError} with a stable string
 * `code` that callers match on; the class says the family. Classes are branded with
 * `Symbol.for(...)` so `instanceof` works across duplicate copies of the package.
 *
 * Messages never contain key material, SSE-C keys or plaintext. Integrity messages stay
 * generic on purpose: they say that authentication failed, not which byte was wrong.
 *
 * Every code is registered in `error-codes/` (typed: `code` is an {@link ErrorCode}) and listed
 * in docs/errors.md; a test keeps the two equal.
 */
import {
  exitClassOf,
  type ErrorCode,
  type ErrorFamily,
  type ExitClass,
} from './error-codes/index.js';

const kS3EncError = Symbol.for('s3enc.error');

type ErrorOptions = { cause?: unknown };
type CodeOption = { code?: ErrorCode };

/** Base class of every error thrown by s3enc. Match on `code`, not on `message`. */
export class S3EncError extends Error {
  /** A stable code such as `ERR_S3ENC_TAG_MISMATCH` (docs/errors.md). */
  readonly code: ErrorCode;

  /** The `Symbol.for` key that brands instances of this class (and of its subclasses). */
  static readonly brand: symbol = kS3EncError;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    // Brand the instance with every class on its chain, so a copy of this module loaded
    // twice still answers instanceof correctly.
    for (let c: unknown = new.target; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
      const brand = (c as { brand?: unknown }).brand;
      if (typeof brand === 'symbol') Object.defineProperty(this, brand, { value: true });
      if (c === S3EncError) break;
    }
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    if ((value as Record<symbol, unknown>)[kS3EncError] !== true) return false;
    // Subclasses are branded by their own symbol so instanceof stays precise across copies.
    return (value as Record<symbol, unknown>)[this.brand] === true;
  }
}

/** A caller passed something unusable: a wrong type, an out-of-range size, conflicting options. */
export class InvalidArgumentError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.invalid-argument');
  constructor(message: string, options?: ErrorOptions & CodeOption) {
    super(options?.code ?? 'ERR_S3ENC_INVALID_ARGUMENT', message, options);
  }
}

/** A plaintext `http://` endpoint, a TLS setting below policy, or a disabled certificate check. */
export class InsecureTransportError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.insecure-transport');
  constructor(message: string, options?: ErrorOptions & CodeOption) {
    super(options?.code ?? 'ERR_S3ENC_INSECURE_TRANSPORT', message, options);
  }
}

/**
 * The bytes are not a message this library can read: unknown version or suite, malformed
 * header, unsupported content type, too many encrypted data keys, an object that is not
 * encrypted by s3enc.
 */
export class FormatError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.format');
}

/**
 * The data key could not be obtained: KMS denied or unreachable, no keyring entry matches the
 * message, or the encryption context does not match what the caller required.
 */
export class KeyUnwrapError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.key-unwrap');
}

/**
 * The ciphertext failed authentication: a tag mismatch, truncation, reordered or duplicated
 * frames, data after the final frame, or a key commitment mismatch. No plaintext of the
 * failing frame (or any later one) was released.
 */
export class IntegrityError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.integrity');
}

/** An S3 request failed after retries, or S3 answered something the transfer cannot use. */
export class S3RequestError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.s3-request');
  /** HTTP status code, when the server answered. */
  readonly statusCode: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: ErrorOptions & { statusCode?: number | undefined },
  ) {
    super(code, message, options);
    this.statusCode = options?.statusCode;
  }
}

/** The operation was cancelled through an AbortSignal. */
export class AbortError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.aborted');
  constructor(message = 'The operation was aborted', options?: ErrorOptions) {
    super('ERR_S3ENC_ABORTED', message, options);
  }
}

const FAMILY_BRANDS: readonly (readonly [symbol, ErrorFamily])[] = [
  [InvalidArgumentError.brand, 'invalid-argument'],
  [InsecureTransportError.brand, 'insecure-transport'],
  [FormatError.brand, 'format'],
  [KeyUnwrapError.brand, 'key-unwrap'],
  [IntegrityError.brand, 'integrity'],
  [S3RequestError.brand, 's3-request'],
  [AbortError.brand, 'aborted'],
];

/**
 * The family of an s3enc error, read from its brands (so it holds for another copy of this
 * package and for the CLI's own errors): `other` for a plain `S3EncError`, undefined for a
 * value that is not an s3enc error.
 */
export function errorFamilyOf(err: unknown): ErrorFamily | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const branded = err as Record<symbol, unknown>;
  if (branded[kS3EncError] !== true) return undefined;
  for (const [brand, family] of FAMILY_BRANDS) if (branded[brand] === true) return family;
  return 'other';
}

/**
 * What a caller should make of an s3enc error ({@link ExitClass}), from its code and family;
 * undefined for a value that is not an s3enc error or carries an unregistered code.
 */
export function exitClassOfError(err: unknown): ExitClass | undefined {
  const family = errorFamilyOf(err);
  if (family === undefined) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? exitClassOf(code, family) : undefined;
}
