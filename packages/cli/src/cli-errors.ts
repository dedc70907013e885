/**
 * Errors raised by the CLI itself (argument parsing, local files). They carry the library's
 * `Symbol.for` brands (packages/core/src/errors.ts), so `instanceof S3EncError` and
 * `instanceof InvalidArgumentError` hold for them and the one error boundary treats every
 * failure alike — without importing @s3enc/core (and the AWS crypto packages under it) on the
 * path of `s3enc --help`, `keygen` and usage errors, which then start in half the time.
 */
import type { ErrorCode } from '@s3enc/core';

const kS3EncError = Symbol.for('s3enc.error');
const kInvalidArgument = Symbol.for('s3enc.error.invalid-argument');

abstract class CliError extends Error {
  /** A stable code such as `ERR_S3ENC_CLI_USAGE`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, kS3EncError, { value: true });
  }
}

/** The command line cannot be used as given: unknown option, missing argument, bad value. An InvalidArgumentError. */
export class UsageError extends CliError {
  constructor(
    message: string,
    code:
      | 'ERR_S3ENC_CLI_USAGE'
      | 'ERR_S3ENC_CLI_NO_REGION'
      | 'ERR_S3ENC_CLI_CONFIG'
      | 'ERR_S3ENC_TLS_VERIFICATION_REQUIRED' = 'ERR_S3ENC_CLI_USAGE',
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    Object.defineProperty(this, kInvalidArgument, { value: true });
  }
}

/**
 * A local file problem the user can fix. Codes: `ERR_S3ENC_CLI_FILE_EXISTS` (the target exists and
 * may not be overwritten), `ERR_S3ENC_CLI_FILE` (cannot read or write a local file).
 */
export class LocalFileError extends CliError {}
