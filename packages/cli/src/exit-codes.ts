/**
 * The one mapping from an error to an exit code and a message that says what to do.
 * Documented in docs/cli.md ("Exit codes"); the numbers are part of the CLI's contract.
 */
import {
  AbortError,
  FormatError,
  InsecureTransportError,
  IntegrityError,
  InvalidArgumentError,
  KeyUnwrapError,
  S3EncError,
  S3RequestError,
} from '@s3enc/core';

import { ExitCode } from './exit-status.js';

export { ExitCode };

export interface ErrorReport {
  exitCode: ExitCode;
  /** A stable code: the S3EncError code, or an AWS error name, or `ERR_S3ENC_CLI_UNKNOWN`. */
  code: string;
  /** One line, safe to print (no secrets: messages of our errors never carry them). */
  message: string;
  /** What the user can do about it. */
  hint: string | undefined;
}

interface AwsLikeError {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  statusCode?: unknown;
  cause?: unknown;
}

const KMS_ACCESS_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
  'IncorrectKeyException',
  'KeyUnavailableException',
  'InvalidCiphertextException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
  'InvalidClientTokenId',
]);

/** Walks `err.cause` (bounded) and yields every link, the error itself first. */
function* causeChain(err: unknown): Generator {
  let e: unknown = err;
  for (let i = 0; i < 8 && e !== undefined && e !== null; i++) {
    yield e;
    e = (e as AwsLikeError).cause;
  }
}

function awsName(e: unknown): string | undefined {
  if (e === null || typeof e !== 'object') return undefined;
  const a = e as AwsLikeError;
  for (const v of [a.name, a.Code]) if (typeof v === 'string' && v !== 'Error') return v;
  return undefined;
}

function httpStatus(e: unknown): number | undefined {
  if (e === null || typeof e !== 'object') return undefined;
  const a = e as AwsLikeError;
  if (e instanceof S3RequestError) return e.statusCode;
  const s = a.$metadata?.httpStatusCode ?? a.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** Codes of the key-unwrap family that mean "this object was not sealed with that context". */
function isContextMismatch(code: string): boolean {
  return /CONTEXT/.test(code);
}

function oneLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/** Hints naming the CLI option that resolves a library error. */
const CODE_HINTS: Record<string, string> = {
  ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED:
    'COMPLIANCE retention cannot be shortened or removed by anyone until it expires; repeat with --yes-irreversible if you mean it.',
  ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS:
    'Shortening GOVERNANCE retention needs --bypass-governance-retention (and the s3:BypassGovernanceRetention permission).',
  ERR_S3ENC_LOCK_NOT_ENABLED:
    'The bucket has no Object Lock; it can only be enabled on a versioned bucket (or at creation).',
  ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE:
    'Release the legal hold first: s3enc lock legal-hold s3://BUCKET/KEY off --version-id ID',
  ERR_S3ENC_LOCK_NO_RETENTION:
    'The version has no retention to extend; set one with `s3enc lock retain`.',
  ERR_S3ENC_MFA_INVALID:
    '--mfa expects "SERIAL CODE": the MFA device serial or ARN, a space, and the 6 to 8 digit code.',
  ERR_S3ENC_LOCK_GOVERNED_VERSION:
    'The version is under GOVERNANCE retention: add --bypass-governance-retention (needs s3:BypassGovernanceRetention), or wait until it expires (`s3enc lock show`).',
  ERR_S3ENC_MFA_REQUIRED: 'The bucket has MFA Delete enabled: add --mfa "SERIAL CODE".',
  ERR_S3ENC_OBJECT_EXISTS:
    'The object exists and --no-overwrite was given: choose another key, or drop --no-overwrite to replace it.',
  ERR_S3ENC_NOT_ENCRYPTED:
    'The object is not an s3enc object (see `s3enc head`); read it with an ordinary S3 client.',
  ERR_S3ENC_CLI_FILE_EXISTS: 'Choose another target, or remove the file first.',
  ERR_S3ENC_S3EC_LEGACY_CONTENT:
    'The object uses AES/CBC, which is not authenticated. If you accept that, repeat with --allow-unauthenticated-legacy-content, then `s3enc convert` it.',
  ERR_S3ENC_S3EC_LEGACY_WRAPPING:
    'The data key uses a legacy wrap; repeat with --allow-legacy-key-wrapping if you accept that, then `s3enc convert` the object.',
  ERR_S3ENC_RANGE_UNSUPPORTED:
    'Read the whole object; for authenticated ranges rewrite it in the s3enc format with `s3enc convert`.',
  ERR_S3ENC_CONVERT_UNVERSIONED:
    'Enable versioning on the bucket so the source version is kept (`s3enc harden` or the S3 console).',
};

/** Maps any thrown value to the exit code, a stable code and a message that says what to do. */
export function reportFor(err: unknown): ErrorReport {
  const r = reportForInner(err);
  const hint = CODE_HINTS[r.code];
  return hint === undefined ? r : { ...r, hint };
}

function reportForInner(err: unknown): ErrorReport {
  // Configuration the SDK could not resolve: a usage problem, whatever wraps it.
  for (const e of causeChain(err)) {
    if (e instanceof Error && /^Region is missing/.test(e.message)) {
      return {
        exitCode: ExitCode.USAGE,
        code: err instanceof S3EncError ? err.code : 'ERR_S3ENC_CLI_NO_REGION',
        message: 'no AWS Region configured',
        hint: 'Pass --region REGION, set AWS_REGION, or use a profile (--profile / AWS_PROFILE) that has a region.',
      };
    }
  }
  if (err instanceof AbortError) {
    return {
      exitCode: ExitCode.INTERRUPTED,
      code: err.code,
      message: 'interrupted',
      hint: undefined,
    };
  }
  if (err instanceof S3EncError) {
    const message = oneLine(err.message);
    const code = err.code;
    if (err instanceof IntegrityError) {
      return {
        exitCode: ExitCode.INTEGRITY,
        code,
        message,
        hint: 'The object failed authentication: it was modified or truncated after encryption, or it is not the object you meant. No unauthenticated data was written.',
      };
    }
    if (err instanceof FormatError) {
      return {
        exitCode: ExitCode.INTEGRITY,
        code,
        message,
        hint: 'The object is not a readable s3enc (AWS Encryption SDK) message: it was damaged, or it was never encrypted by s3enc.',
      };
    }
    if (err instanceof KeyUnwrapError) {
      if (isContextMismatch(code)) {
        return {
          exitCode: ExitCode.INTEGRITY,
          code,
          message,
          hint: 'The encryption context you required (--context) does not match the one the object was encrypted with; see `s3enc head`.',
        };
      }
      return {
        exitCode: ExitCode.ACCESS,
        code,
        message,
        hint: 'Use the key the object was encrypted with (`s3enc head` lists its key ids): --kms-key-id / S3ENC_KMS_KEY_ID, or --key-file; and check that your credentials may call kms:Decrypt on it.',
      };
    }
    if (err instanceof InsecureTransportError) {
      return {
        exitCode: ExitCode.USAGE,
        code,
        message,
        hint: 'Use an https:// endpoint; for a private CA pass --ca-bundle FILE (or set AWS_CA_BUNDLE).',
      };
    }
    if (err instanceof InvalidArgumentError) {
      return {
        exitCode: ExitCode.USAGE,
        code,
        message,
        hint: 'Run `s3enc help <command>` for usage.',
      };
    }
    if (err instanceof S3RequestError) {
      return s3Report(err, code, message);
    }
    for (const e of causeChain(err.cause)) {
      const name = awsName(e);
      if (name !== undefined && KMS_ACCESS_NAMES.has(name))
        return { ...accessReport(name, e), code, message };
    }
    return { exitCode: ExitCode.FAILURE, code, message, hint: undefined };
  }
  // Not ours: an AWS SDK error that escaped, a Node system error, or a bug.
  for (const e of causeChain(err)) {
    const name = awsName(e);
    if (name !== undefined && KMS_ACCESS_NAMES.has(name)) return accessReport(name, e);
  }
  const status = httpStatus(err);
  const name = awsName(err) ?? 'ERR_S3ENC_CLI_UNKNOWN';
  if (status === 403) return accessReport(name, err);
  const sys = err as { code?: unknown; path?: unknown; message?: unknown } | null;
  if (
    sys !== null &&
    typeof sys === 'object' &&
    typeof sys.code === 'string' &&
    /^E[A-Z]+$/.test(sys.code)
  ) {
    return {
      exitCode: ExitCode.FAILURE,
      code: sys.code,
      message: oneLine(String(sys.message)),
      hint: sys.code === 'ENOENT' ? 'Check the file path.' : undefined,
    };
  }
  const message = err instanceof Error ? oneLine(err.message) : oneLine(String(err));
  return { exitCode: ExitCode.FAILURE, code: name, message, hint: undefined };
}

function s3Report(err: S3RequestError, code: string, message: string): ErrorReport {
  for (const e of causeChain(err)) {
    const name = awsName(e);
    if (name !== undefined && KMS_ACCESS_NAMES.has(name))
      return { ...accessReport(name, e), code, message };
  }
  if (err.statusCode === 403 || /ACCESS_DENIED|FORBIDDEN/.test(code)) {
    return { ...accessReport('AccessDenied', err), code, message };
  }
  if (err.statusCode === 404 || /NOT_FOUND|NO_SUCH/.test(code)) {
    return {
      exitCode: ExitCode.FAILURE,
      code,
      message,
      hint: 'Check the bucket, key and --version-id (s3://bucket/key is case-sensitive).',
    };
  }
  return { exitCode: ExitCode.FAILURE, code, message, hint: undefined };
}

function accessReport(name: string, e: unknown): ErrorReport {
  const message = e instanceof Error ? oneLine(e.message) : name;
  const credentials =
    /Credentials|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient|InvalidClientTokenId/.test(
      name,
    );
  return {
    exitCode: ExitCode.ACCESS,
    code: name,
    message,
    hint: credentials
      ? 'Check your AWS credentials: AWS_PROFILE / --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.'
      : 'Access was denied: check that your credentials are allowed this S3 action and, for encrypted objects, kms:Decrypt / kms:GenerateDataKey on the key.',
  };
}
