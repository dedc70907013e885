/**
 * Maps a task's failure to an S3 Batch Operations result code: TemporaryFailure for what a
 * retry can fix (throttling, 5xx, timeouts, a cancelled invocation), PermanentFailure for what it
 * cannot (integrity, format, access, Object Lock, an object changed since the manifest), each
 * with a result string a person can act on. Never includes key material or object contents.
 */

export type ResultCode = 'Succeeded' | 'TemporaryFailure' | 'PermanentFailure';

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KMSInternalException',
  'DependencyTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
  'AbortError',
  'ECONNRESET',
  'ETIMEDOUT',
]);

/** Advice per s3enc error code: what the operator should do. */
const ADVICE: Record<string, string> = {
  ERR_S3ENC_NO_DATA_KEY:
    'none of the configured keys can unwrap the data key: add the key that wraps it to DECRYPT_KMS_KEY_ARNS and grant kms:Decrypt on it',
  ERR_S3ENC_DATA_KEY_UNAVAILABLE:
    'the new key could not wrap the data key: check the key ARN and grant kms:Encrypt / kms:GenerateDataKey on it',
  ERR_S3ENC_ACCESS_DENIED:
    'access denied: grant the role the S3 permissions listed in template.yaml',
  ERR_S3ENC_REWRAP_OBJECT_LOCK:
    'Object Lock settings could not be read or set: grant s3:GetObjectRetention, s3:GetObjectLegalHold, s3:PutObjectRetention, s3:PutObjectLegalHold',
  ERR_S3ENC_REWRAP_ATTRIBUTES_UNREADABLE:
    'grant s3:GetObjectVersionTagging so tags can be carried over',
  ERR_S3ENC_REWRAP_UNVERSIONED:
    'the bucket is not versioned: enable versioning (or set allowUnversionedOverwrite in the job arguments)',
  ERR_S3ENC_CONVERT_UNVERSIONED:
    'the bucket is not versioned: enable versioning (or set allowUnversionedOverwrite in the job arguments)',
  ERR_S3ENC_REWRAP_UNSUPPORTED:
    'this object cannot be rewrapped (signed or legacy message): re-encrypt it',
  ERR_S3ENC_REWRAP_NOT_CURRENT:
    'the object changed since the manifest was written: run a new job with a fresh manifest',
  ERR_S3ENC_OBJECT_CHANGED:
    'the object changed while it was processed: run a new job with a fresh manifest',
  ERR_S3ENC_NO_SUCH_KEY: 'the object or version no longer exists',
  ERR_S3ENC_REWRAP_DELETE_UNVERSIONED:
    'deleteSourceVersionAfterVerify needs a versioned bucket: nothing was written; run the job without it',
  ERR_S3ENC_REWRAP_DELETE_LOCKED:
    'the source version is under Object Lock retention or legal hold: nothing was written; run the job without deleteSourceVersionAfterVerify',
  ERR_S3ENC_REWRAP_VERIFY_FAILED:
    'the new version did not verify, so the source version was kept: check the object and the keys',
  ERR_S3ENC_REWRAP_DELETE_REFUSED:
    'the new version is in place but the source version could not be deleted: grant s3:DeleteObjectVersion (and check MFA Delete), then delete it',
};

function statusOf(e: ErrorLike): number | undefined {
  if (typeof e.statusCode === 'number') return e.statusCode;
  return e.$metadata?.httpStatusCode;
}

/** True when a retry may succeed: throttling, 5xx, timeouts, anywhere in the cause chain. */
function transient(err: unknown, depth = 0): boolean {
  if (depth > 5 || err === null || typeof err !== 'object') return false;
  const e = err as ErrorLike;
  const status = statusOf(e);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && TRANSIENT_NAMES.has(e.code)) return true;
  return transient(e.cause, depth + 1);
}

/** The result code and string of a failed task. */
export function failureResult(err: unknown): { resultCode: ResultCode; resultString: string } {
  const e = (err ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
  if (transient(err))
    return {
      resultCode: 'TemporaryFailure',
      resultString: `${code}: temporary, Batch Operations retries it`,
    };
  const advice = ADVICE[code];
  const message = typeof e.message === 'string' ? e.message : '';
  return {
    resultCode: 'PermanentFailure',
    resultString: `${code}: ${advice ?? message}`.slice(0, 1000),
  };
}
