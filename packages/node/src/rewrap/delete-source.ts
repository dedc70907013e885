/**
 * `deleteSourceVersionAfterVerify`: the checks that refuse the deletion before anything is
 * written (no versioning: the object is the only copy; Object Lock: the version may not be
 * deleted), and the DeleteObject of exactly the pinned source version once the new version has
 * verified. Governance retention is never bypassed. @internal
 */
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AbortError, InvalidArgumentError, REQUEST_ATTEMPTS, S3RequestError } from '@s3enc/core';
import { toS3Error, withRetries } from '../s3-errors.js';
import { isLocked, type SourceLock, type SourceVersion } from './source-attributes.js';

function url(v: { bucket: string; key: string }): string {
  return `s3://${v.bucket}/${v.key}`;
}

/**
 * The source must be a version of its own (a versioned bucket).
 * @throws InvalidArgumentError ERR_S3ENC_REWRAP_DELETE_UNVERSIONED.
 */
export function requireSourceVersion(
  v: Pick<SourceVersion, 'bucket' | 'key' | 'versionId'>,
): string {
  if (v.versionId !== undefined) return v.versionId;
  throw new InvalidArgumentError(
    `s3://${v.bucket} is not versioned: ${url(v)} has no separate source version to delete (the rewrap would replace the only copy). Nothing was written`,
    { code: 'ERR_S3ENC_REWRAP_DELETE_UNVERSIONED' },
  );
}

/**
 * Object Lock must allow deleting the source version.
 * @throws S3RequestError ERR_S3ENC_REWRAP_DELETE_LOCKED.
 */
export function requireDeletable(v: SourceVersion, lock: SourceLock): void {
  if (!isLocked(lock)) return;
  const why = [
    ...(lock.retainUntil !== undefined && lock.retainUntil > new Date()
      ? [`${lock.mode ?? 'a'} retention until ${lock.retainUntil.toISOString()}`]
      : []),
    ...(lock.legalHold ? ['a legal hold'] : []),
  ].join(' and ');
  throw new S3RequestError(
    'ERR_S3ENC_REWRAP_DELETE_LOCKED',
    `Version ${v.versionId ?? 'null'} of ${url(v)} is under Object Lock (${why}), so it may not be deleted; nothing was written. Rewrap without deleteSourceVersionAfterVerify, or delete it once the lock ends`,
  );
}

/**
 * Deletes exactly the source version (DeleteObject with its VersionId; idempotent, so retried).
 * @throws S3RequestError ERR_S3ENC_REWRAP_DELETE_REFUSED naming both versions (both remain).
 */
export async function deleteSourceVersion(
  s3: S3Client,
  v: SourceVersion,
  sourceVersionId: string,
  newVersionId: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await withRetries(
      () =>
        s3.send(
          new DeleteObjectCommand({ Bucket: v.bucket, Key: v.key, VersionId: sourceVersionId }),
          { abortSignal: signal },
        ),
      REQUEST_ATTEMPTS,
      signal,
      { operation: 'DeleteObject', bucket: v.bucket, key: v.key },
    );
  } catch (err) {
    const e = toS3Error(err, 'DeleteObject', {}, signal);
    if (e instanceof AbortError) throw e;
    throw new S3RequestError(
      'ERR_S3ENC_REWRAP_DELETE_REFUSED',
      `${e.message}: the rewrapped version ${newVersionId} of ${url(v)} was written and verified, but its source version ${sourceVersionId} could not be deleted (s3:DeleteObjectVersion, MFA Delete or Object Lock); both versions remain`,
      { cause: e, statusCode: e instanceof S3RequestError ? e.statusCode : undefined },
    );
  }
}
