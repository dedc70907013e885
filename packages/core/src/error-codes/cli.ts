/**
 * Codes raised or reported by the s3enc CLI itself (docs/errors.md, "CLI").
 * Adding a code: one row here plus its row in docs/errors.md (a test compares them).
 */
import type { ErrorCodeTable } from './row.js';

export const CLI_ERROR_CODES = {
  ERR_S3ENC_CLI_USAGE: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'the command line cannot be used: unknown command or option, missing or extra argument, a bad value',
  },
  ERR_S3ENC_CLI_FILE_EXISTS: {
    family: 'other',
    exit: 'failure',
    meaning:
      'keygen target exists (it never overwrites a key file), or get --no-overwrite and the target file exists',
  },
  ERR_S3ENC_CLI_FILE: {
    family: 'other',
    exit: 'failure',
    meaning: 'a local file cannot be read or created (the input of put, --key-file, --sse-c-key)',
  },
  ERR_S3ENC_CLI_KEY_FILE_PERMISSIONS: {
    family: 'other',
    exit: 'failure',
    meaning:
      'a key file (--key-file, --sse-c-key) that group or others can access, refused unless --allow-insecure-key-file-permissions',
  },
  ERR_S3ENC_CLI_NO_REGION: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning: 'no AWS Region configured (no --region, AWS_REGION or profile region)',
  },
  ERR_S3ENC_CLI_UNKNOWN: {
    family: 'other',
    exit: 'failure',
    meaning: 'an error that carries no code of its own (a bug, or an unexpected error from below)',
  },
} as const satisfies ErrorCodeTable;
