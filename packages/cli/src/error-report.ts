/**
 * The one mapping from an error to an exit code and a message that says what to do.
 * Documented in docs/cli.md ("Exit codes"); the numbers are part of the CLI's contract. The
 * exit code comes from the error-code registry of @s3enc/core (each code's exit class, see
 * docs/errors.md), never from message text.
 */
import {
  AbortError,
  errorFamilyOf,
  exitClassOf,
  FAMILY_EXIT,
  S3EncError,
  S3RequestError,
  type ErrorFamily,
  type ExitClass,
} from '@s3enc/core';

import { explainCause, type CauseDetails } from './cause/explain.js';
import { cliMessage } from './cause/cli-wording.js';
import { ExitCode } from './exit-codes.js';
import type { RunFacts } from './run-facts.js';

export interface ErrorReport {
  exitCode: ExitCode;
  /** A stable code: the S3EncError code, or an AWS error name, or `ERR_S3ENC_CLI_UNKNOWN`. */
  code: string;
  /** One line, safe to print (no secrets: messages of our errors never carry them). */
  message: string;
  /** What the user can do about it. */
  hint: string | undefined;
  /** The real cause, when the error chain names one (`--json` carries it as `error.cause`). */
  cause?: CauseDetails | undefined;
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

function oneLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

const NOT_FOUND_HINT =
  'Check the bucket, key and --version-id (s3://bucket/key is case-sensitive).';

/** Hints naming the CLI option that resolves a library error. */
const CODE_HINTS: Partial<Record<string, string>> = {
  ERR_S3ENC_NO_SUCH_KEY: NOT_FOUND_HINT,
  ERR_S3ENC_NO_SUCH_VERSION: NOT_FOUND_HINT,
  ERR_S3ENC_NO_SUCH_BUCKET: NOT_FOUND_HINT,
  ERR_S3ENC_SIGNED_MESSAGE:
    'The object is in a signed suite: its signature covers the whole message, so a range of it cannot be authenticated; read it whole.',
  ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED:
    'COMPLIANCE retention cannot be shortened or removed by anyone until it expires; repeat with --yes-irreversible if you mean it.',
  ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS:
    'Shortening GOVERNANCE retention needs --bypass-governance-retention (and the s3:BypassGovernanceRetention permission).',
  ERR_S3ENC_LOCK_NOT_ENABLED:
    'The bucket has no Object Lock; it can only be enabled on a versioned bucket (or at creation).',
  ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE:
    'Release the legal hold first: s3enc lock legal-hold s3://BUCKET/KEY off --version-id ID',
  ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN:
    '`s3enc lock extend` only moves the date later. To shorten GOVERNANCE retention: s3enc lock retain s3://BUCKET/KEY --mode GOVERNANCE --until DATE --bypass-governance-retention (needs s3:BypassGovernanceRetention).',
  ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE:
    'COMPLIANCE retention cannot be shortened or removed by anyone until it expires; `s3enc lock extend` can only move it later.',
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
  ERR_S3ENC_CONVERT_UNVERSIONED:
    'Enable versioning on the bucket so the source version is kept (`s3enc harden` or the S3 console).',
};

/** The exit code of each exit class of the error-code registry (docs/errors.md). */
const EXIT_CODE_OF: Readonly<Record<ExitClass, ExitCode>> = {
  usage: ExitCode.USAGE,
  integrity: ExitCode.INTEGRITY,
  access: ExitCode.ACCESS,
  interrupted: ExitCode.INTERRUPTED,
  failure: ExitCode.FAILURE,
};

/** The hint for an exit class raised in a family, when the code has none of its own. */
function familyHint(exit: ExitClass, family: ErrorFamily): string | undefined {
  switch (exit) {
    case 'integrity':
      if (family === 'key-unwrap')
        return 'The encryption context you required (--context) does not match the one the object was encrypted with; see `s3enc head`.';
      if (family === 'integrity')
        return 'The object failed authentication: it was modified or truncated after encryption, or it is not the object you meant. No unauthenticated data was written.';
      return 'The object is not a readable s3enc (AWS Encryption SDK) message: it was damaged, or it was never encrypted by s3enc.';
    case 'access':
      return family === 'key-unwrap'
        ? 'Use the key the object was encrypted with (`s3enc head` lists its key ids): --kms-key-id / S3ENC_KMS_KEY_ID, or --key-file; and check that your credentials may call kms:Decrypt on it.'
        : undefined;
    case 'usage':
      return family === 'insecure-transport'
        ? 'Use an https:// endpoint; for a private CA pass --ca-bundle FILE (or set AWS_CA_BUNDLE).'
        : 'Run `s3enc help <command>` for usage.';
    default:
      return undefined;
  }
}

/**
 * Maps any thrown value to the exit code, a stable code and a message that says what to do:
 * the real cause when the chain names one (cause/explain.ts), else the error's own code.
 */
export function reportFor(err: unknown, facts?: RunFacts): ErrorReport {
  // A file-system failure under a temporary name, unless the CLI already said what it means
  // (get --no-overwrite: ERR_S3ENC_CLI_FILE_EXISTS when the target appeared meanwhile).
  const ownCliCode = err instanceof S3EncError && err.code.startsWith('ERR_S3ENC_CLI_');
  for (const e of ownCliCode ? [] : causeChain(err)) {
    const sys = e as { code?: unknown; path?: unknown };
    const local =
      typeof sys.code === 'string' && sys.code !== 'EEXIST'
        ? localFileReport(sys.code, sys.path)
        : undefined;
    if (local !== undefined) return local;
  }
  if (!(err instanceof AbortError) && !isNoRegion(err)) {
    const x = explainCause(err, facts);
    if (x !== undefined)
      return {
        exitCode: x.exitCode,
        code: x.code,
        message: x.message,
        hint: x.hint,
        cause: x.cause,
      };
  }
  const r = reportForInner(err);
  const hint = CODE_HINTS[r.code];
  const message = cliMessage(r.code, r.message);
  return hint === undefined ? { ...r, message } : { ...r, message, hint };
}

function isNoRegion(err: unknown): boolean {
  for (const e of causeChain(err))
    if ((e as { code?: unknown }).code === 'ERR_S3ENC_CLI_NO_REGION') return true;
  return false;
}

function reportForInner(err: unknown): ErrorReport {
  // A Region the SDK could not resolve is our usage error (region-required.ts), however wrapped.
  for (const e of causeChain(err)) {
    if ((e as { code?: unknown }).code === 'ERR_S3ENC_CLI_NO_REGION') {
      // One code for this situation in every command, however the library wrapped it.
      return {
        exitCode: ExitCode.USAGE,
        code: 'ERR_S3ENC_CLI_NO_REGION',
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
  const family = errorFamilyOf(err);
  if (family !== undefined && err instanceof S3EncError) {
    const message = oneLine(err.message);
    const code = err.code;
    // A code from another version of s3enc, unknown here, gets its family's class.
    const exit = exitClassOf(code, family) ?? FAMILY_EXIT[family];
    if (err instanceof S3RequestError) return s3Report(err, exit, code, message);
    if (exit === 'failure') {
      // A failure whose cause is an AWS access error (KMS denied, bad credentials) is one.
      for (const e of causeChain(err.cause)) {
        const name = awsName(e);
        if (name !== undefined && KMS_ACCESS_NAMES.has(name))
          return { ...accessReport(name, e), code, message };
      }
    }
    return { exitCode: EXIT_CODE_OF[exit], code, message, hint: familyHint(exit, family) };
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
    const local = localFileReport(sys.code, sys.path);
    if (local !== undefined) return local;
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

/** The temporary names a download is written under beside the target (`.<name>.s3enc-<hex>.tmp`, `.new` for --no-overwrite). */
const TEMP_NAME = /^(.*\/)?\.(.+)\.s3enc-[0-9a-f]+\.(?:tmp|new)$/;

const SYSTEM_REASONS: Partial<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
};

/**
 * A failure to write the downloaded file names the file the user asked for and its directory,
 * never the temporary name it is written under before the rename.
 */
function localFileReport(code: string, path: unknown): ErrorReport | undefined {
  if (typeof path !== 'string') return undefined;
  const m = TEMP_NAME.exec(path);
  if (m === null) return undefined;
  const dir = m[1] === undefined ? './' : m[1];
  const target = `${m[1] ?? ''}${m[2]!}`;
  return {
    exitCode: ExitCode.FAILURE,
    code: 'ERR_S3ENC_CLI_FILE',
    message: `cannot write ${target}: ${SYSTEM_REASONS[code] ?? code} (in ${dir})`,
    hint: 'Choose a directory that exists and that you may write to; nothing was written.',
  };
}

function s3Report(
  err: S3RequestError,
  exit: ExitClass,
  code: string,
  message: string,
): ErrorReport {
  for (const e of causeChain(err)) {
    const name = awsName(e);
    if (name !== undefined && KMS_ACCESS_NAMES.has(name))
      return { ...accessReport(name, e), code, message };
  }
  // HTTP 403 is a permission problem whatever code the operation gave it.
  if (exit === 'access' || err.statusCode === 403) {
    return { ...accessReport('AccessDenied', err), code, message };
  }
  const hint = err.statusCode === 404 ? NOT_FOUND_HINT : undefined;
  return { exitCode: EXIT_CODE_OF[exit], code, message, hint };
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
