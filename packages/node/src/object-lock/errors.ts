/**
 * Error codes of the Object Lock, versioning and MFA helpers, and the mapping of S3 service
 * errors to s3enc errors. Every code is listed in docs/errors.md ("Object Lock, versioning and
 * MFA").
 */
import { AbortError, InvalidArgumentError, S3EncError, S3RequestError } from '@s3enc/core';

/** Codes raised by these helpers before any request is sent (class `InvalidArgumentError`). */
export type LockArgumentErrorCode =
  | 'ERR_S3ENC_INVALID_ARGUMENT'
  | 'ERR_S3ENC_LOCK_UNKNOWN_MODE'
  | 'ERR_S3ENC_LOCK_INVALID_RETENTION'
  | 'ERR_S3ENC_LOCK_RETAIN_UNTIL_IN_PAST'
  | 'ERR_S3ENC_LOCK_COMPLIANCE_NOT_ACKNOWLEDGED'
  | 'ERR_S3ENC_LOCK_NOT_ENABLED'
  | 'ERR_S3ENC_LOCK_SHORTEN_NEEDS_BYPASS'
  | 'ERR_S3ENC_LOCK_COMPLIANCE_IMMUTABLE'
  | 'ERR_S3ENC_LOCK_EXTEND_WOULD_SHORTEN'
  | 'ERR_S3ENC_LOCK_NO_RETENTION'
  | 'ERR_S3ENC_LOCK_GOVERNED_VERSION'
  | 'ERR_S3ENC_LOCK_LEGAL_HOLD_ACTIVE'
  | 'ERR_S3ENC_VERSIONING_LOCKED_BUCKET'
  | 'ERR_S3ENC_MFA_INVALID'
  | 'ERR_S3ENC_MFA_REQUIRED';

/** Codes for requests S3 answered with an error (class `S3RequestError`). */
export type LockS3ErrorCode =
  | 'ERR_S3ENC_NO_SUCH_VERSION'
  | 'ERR_S3ENC_NO_SUCH_KEY'
  | 'ERR_S3ENC_NO_SUCH_BUCKET'
  | 'ERR_S3ENC_VERSION_IS_DELETE_MARKER'
  | 'ERR_S3ENC_OBJECT_LOCKED'
  | 'ERR_S3ENC_NOT_SUPPORTED_BY_ENDPOINT'
  | 'ERR_S3ENC_ACCESS_DENIED'
  | 'ERR_S3ENC_S3_REQUEST';

/** @internal */
export function argError(
  code: LockArgumentErrorCode,
  message: string,
  cause?: unknown,
): InvalidArgumentError {
  return new InvalidArgumentError(message, cause === undefined ? { code } : { code, cause });
}

/** The parts of an AWS SDK service error that the mapping reads. */
interface ServiceErrorLike {
  name?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** @internal The S3 error name (`NoSuchVersion`, `AccessDenied`, …), or undefined. */
export function s3ErrorName(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as ServiceErrorLike;
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.name === 'string') return e.name;
  return undefined;
}

/** @internal HTTP status of an AWS SDK service error, or undefined. */
export function s3ErrorStatus(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  return (err as ServiceErrorLike).$metadata?.httpStatusCode;
}

/** @internal True when S3 said the addressed version is a delete marker. */
export function isDeleteMarkerError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const headers = (err as ServiceErrorLike).$response?.headers;
  const flag = headers?.['x-amz-delete-marker'];
  return flag === 'true' || (s3ErrorStatus(err) === 405 && s3ErrorName(err) === 'MethodNotAllowed');
}

const notSupportedNames = new Set(['NotImplemented', 'XNotImplemented']);
const lockedNames = new Set(['ObjectLocked', 'ObjectLockedError']);

/**
 * @internal
 * Wraps an error from the AWS SDK in an `S3RequestError` with a stable code; s3enc errors pass
 * through unchanged. `what` names the operation ("DeleteObject of version …") for the message.
 */
export function mapS3Error(err: unknown, what: string): S3EncError {
  if (err instanceof S3EncError) return err;
  const name = s3ErrorName(err);
  if (name === 'AbortError') return new AbortError(`${what} was aborted`, { cause: err });
  const statusCode = s3ErrorStatus(err);
  const detail = err instanceof Error && err.message !== '' ? `: ${err.message}` : '';
  const make = (code: LockS3ErrorCode, message: string): S3RequestError =>
    new S3RequestError(code, message, { cause: err, statusCode });
  if (isDeleteMarkerError(err)) {
    return make(
      'ERR_S3ENC_VERSION_IS_DELETE_MARKER',
      `${what} failed: the version is a delete marker, which has no content`,
    );
  }
  switch (name) {
    case 'NoSuchVersion':
      return make('ERR_S3ENC_NO_SUCH_VERSION', `${what} failed: no such version${detail}`);
    case 'NoSuchKey':
      return make('ERR_S3ENC_NO_SUCH_KEY', `${what} failed: no such key${detail}`);
    case 'NoSuchBucket':
      return make('ERR_S3ENC_NO_SUCH_BUCKET', `${what} failed: no such bucket${detail}`);
    default:
      break;
  }
  const lockWords = /object lock|worm|retention|legal hold|locked/i;
  // AWS: AccessDenied "… protected by object lock"; MinIO: InvalidRequest "Object is WORM protected …".
  if (
    (name !== undefined && lockedNames.has(name)) ||
    ((name === 'AccessDenied' || name === 'InvalidRequest') && lockWords.test(detail))
  ) {
    return make(
      'ERR_S3ENC_OBJECT_LOCKED',
      `${what} refused by S3: the version is protected by Object Lock${detail}`,
    );
  }
  if (name !== undefined && notSupportedNames.has(name)) {
    return make(
      'ERR_S3ENC_NOT_SUPPORTED_BY_ENDPOINT',
      `${what} is not supported by this endpoint${detail}`,
    );
  }
  if (name === 'AccessDenied' || statusCode === 403) {
    return make('ERR_S3ENC_ACCESS_DENIED', `${what} was denied${detail}`);
  }
  // The same generic code as the transfer engine (packages/node/src/s3-errors.ts).
  return make(
    'ERR_S3ENC_S3_REQUEST',
    `${what} failed${name === undefined ? '' : ` (${name}${statusCode === undefined ? '' : `, HTTP ${statusCode}`})`}${detail}`,
  );
}
