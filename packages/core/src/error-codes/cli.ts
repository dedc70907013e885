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
  ERR_S3ENC_CLI_CONFIG: {
    family: 'invalid-argument',
    exit: 'usage',
    meaning:
      'the AWS config files cannot be used: a profile names a missing services section, a bad max_attempts or retry_mode',
  },
  ERR_S3ENC_CLI_TLS_UNTRUSTED: {
    family: 'other',
    exit: 'usage',
    meaning:
      "reported when the endpoint's TLS certificate is not signed by a trusted CA (give --ca-bundle)",
  },
  ERR_S3ENC_CLI_TLS_HOSTNAME: {
    family: 'other',
    exit: 'usage',
    meaning: "reported when the endpoint's TLS certificate does not name the host that was asked",
  },
  ERR_S3ENC_CLI_CONNECTION_REFUSED: {
    family: 'other',
    exit: 'failure',
    meaning: 'reported when the S3 or KMS endpoint refused the connection',
  },
  ERR_S3ENC_CLI_DNS: {
    family: 'other',
    exit: 'failure',
    meaning: "reported when the endpoint's host name does not resolve",
  },
  ERR_S3ENC_CLI_TIMEOUT: {
    family: 'other',
    exit: 'failure',
    meaning: 'reported when the endpoint did not answer in time (after the configured attempts)',
  },
  ERR_S3ENC_CLI_NO_CREDENTIALS: {
    family: 'other',
    exit: 'access',
    meaning: 'reported when no credential provider of the AWS chain found credentials',
  },
  ERR_S3ENC_CLI_CREDENTIALS_REJECTED: {
    family: 'other',
    exit: 'access',
    meaning:
      'reported when S3 or KMS rejected the credentials (unknown access key, bad signature, expired token)',
  },
  ERR_S3ENC_CLI_KMS_KEY_NOT_FOUND: {
    family: 'other',
    exit: 'access',
    meaning: 'reported when KMS does not know the key used (NotFoundException)',
  },
  ERR_S3ENC_CLI_KMS_KEY_DISABLED: {
    family: 'other',
    exit: 'access',
    meaning: 'reported when the KMS key used is disabled or pending deletion',
  },
  ERR_S3ENC_CLI_KMS_ACCESS_DENIED: {
    family: 'other',
    exit: 'access',
    meaning: 'reported when KMS denied the use of the key (AccessDeniedException)',
  },
  ERR_S3ENC_CLI_KMS_WRONG_REGION: {
    family: 'other',
    exit: 'access',
    meaning: 'reported when the KMS key ARN names another Region than the one KMS was asked in',
  },
  ERR_S3ENC_CLI_SSE_C_KEY_REQUIRED: {
    family: 'other',
    exit: 'access',
    meaning: 'reported when the object is stored with SSE-C and no --sse-c-key was given',
  },
  ERR_S3ENC_CLI_SSE_C_KEY_MISMATCH: {
    family: 'other',
    exit: 'access',
    meaning: 'reported when the --sse-c-key given is not the key the object was stored with',
  },
  ERR_S3ENC_CLI_UNKNOWN: {
    family: 'other',
    exit: 'failure',
    meaning: 'an error that carries no code of its own (a bug, or an unexpected error from below)',
  },
} as const satisfies ErrorCodeTable;
