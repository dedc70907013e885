/**
 * Reads one bucket setting and classifies the failure, so one unreadable setting never fails
 * the whole audit: `NotImplemented` / `XNotImplemented` / HTTP 501 → unsupported by this
 * endpoint; `AccessDenied` / 403 → access denied; `NoSuch…Configuration` and the like → not
 * configured.
 */

import { S3RequestError } from '@s3enc/core';

/** The outcome of reading one setting. */
export type ReadOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'not-configured'; readonly code: string }
  | { readonly kind: 'unsupported'; readonly code: string }
  | { readonly kind: 'access-denied'; readonly code: string }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

interface SdkErrorLike {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const NOT_CONFIGURED = new Set([
  'NoSuchBucketPolicy',
  'ServerSideEncryptionConfigurationNotFoundError',
  'ObjectLockConfigurationNotFoundError',
  'ReplicationConfigurationNotFoundError',
  'NoSuchLifecycleConfiguration',
  'NoSuchPublicAccessBlockConfiguration',
  'OwnershipControlsNotFoundError',
  'NoSuchConfiguration',
]);

/** Classifies an error thrown by an S3 / S3 Control / STS call. */
export function classifyError(err: unknown): Exclude<ReadOutcome<never>, { kind: 'ok' }> {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorLike;
  const code =
    typeof e.Code === 'string'
      ? e.Code
      : typeof e.name === 'string' && e.name !== 'Error'
        ? e.name
        : typeof e.code === 'string'
          ? e.code
          : 'Unknown';
  const status =
    typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (code === 'NotImplemented' || code === 'XNotImplemented' || status === 501)
    return { kind: 'unsupported', code };
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || status === 403)
    return { kind: 'access-denied', code };
  if (
    NOT_CONFIGURED.has(code) ||
    /^NoSuch.*(Configuration|Policy)$/.test(code) ||
    /ConfigurationNotFound(Error)?$/.test(code)
  ) {
    return { kind: 'not-configured', code };
  }
  const message = typeof e.message === 'string' ? e.message : String(err);
  return { kind: 'error', code, message };
}

/**
 * Throws when the failures say the bucket or the endpoint is not there at all, which is not
 * a finding about one setting: NoSuchBucket → `ERR_S3ENC_NO_SUCH_BUCKET`; every read failing
 * with the same unexpected error (a dead endpoint, bad credentials) → `ERR_S3ENC_S3_REQUEST`.
 */
export function assertReachable(bucket: string, outcomes: readonly ReadOutcome<unknown>[]): void {
  assertBucketExists(bucket, outcomes);
  const errors = outcomes.filter(
    (o): o is Extract<ReadOutcome<unknown>, { kind: 'error' }> => o.kind === 'error',
  );
  if (
    outcomes.length > 0 &&
    errors.length === outcomes.length &&
    errors.every((e) => e.code === errors[0]!.code)
  ) {
    throw new S3RequestError(
      'ERR_S3ENC_S3_REQUEST',
      `Could not read bucket ${bucket}: ${errors[0]!.code}: ${errors[0]!.message}`,
    );
  }
}

/** Throws `ERR_S3ENC_NO_SUCH_BUCKET` when a read answered NoSuchBucket. */
export function assertBucketExists(
  bucket: string,
  outcomes: readonly ReadOutcome<unknown>[],
): void {
  if (outcomes.some((o) => o.kind === 'error' && o.code === 'NoSuchBucket')) {
    throw new S3RequestError('ERR_S3ENC_NO_SUCH_BUCKET', `Bucket ${bucket} does not exist`, {
      statusCode: 404,
    });
  }
}

/** Runs `read` and classifies its failure. */
export async function readSetting<T>(read: () => Promise<T>): Promise<ReadOutcome<T>> {
  try {
    return { kind: 'ok', value: await read() };
  } catch (err) {
    return classifyError(err);
  }
}
