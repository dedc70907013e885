/**
 * Errors raised by the CLI itself (argument parsing, local files). They join the library's
 * hierarchy so the one error boundary in `main.ts` treats every failure the same way.
 */
import { InvalidArgumentError, S3EncError } from '@s3enc/core';

/** The command line cannot be used as given: unknown option, missing argument, bad value. */
export class UsageError extends InvalidArgumentError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.cli-usage');
  constructor(message: string) {
    super(message, { code: 'ERR_S3ENC_CLI_USAGE' });
  }
}

/**
 * A local file problem the user can fix. Codes: `ERR_S3ENC_CLI_FILE_EXISTS` (the target exists and
 * may not be overwritten), `ERR_S3ENC_CLI_FILE` (cannot read or write a local file).
 */
export class LocalFileError extends S3EncError {
  static override readonly brand: symbol = Symbol.for('s3enc.error.cli-local-file');
}
