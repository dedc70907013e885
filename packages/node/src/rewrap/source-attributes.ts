/**
 * What the new version inherits from the source version: user metadata, content headers,
 * storage class, SSE, tags, Object Lock retention and legal hold. Read from the pinned source
 * version; a missing permission is a clear error rather than a silently dropped attribute.
 * @internal
 */
import {
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { S3RequestError } from '@s3enc/core';
import { s3CodeOf, statusOf, toS3Error } from '../s3-errors.js';
import { contentFieldsOf, readTagging } from '../server-copy/copied-fields.js';

/** The source version, as later requests address it. */
export interface SourceVersion {
  readonly bucket: string;
  readonly key: string;
  /** Undefined in an unversioned bucket. */
  readonly versionId: string | undefined;
  readonly etag: string;
  /** SSE-C fields addressing the source (empty without SSE-C). */
  readonly ssec: Readonly<Record<string, string>>;
}

/** Fields for PutObject / CreateMultipartUpload of the new version. */
export type CreateFields = Record<string, unknown>;

function versionOf(v: SourceVersion): { VersionId?: string } {
  return v.versionId === undefined ? {} : { VersionId: v.versionId };
}

/** HeadObject of the source version, pinned by ETag. */
export async function headSource(
  s3: S3Client,
  v: SourceVersion,
  signal: AbortSignal | undefined,
): Promise<HeadObjectCommandOutput> {
  return s3
    .send(
      new HeadObjectCommand({
        Bucket: v.bucket,
        Key: v.key,
        ...versionOf(v),
        IfMatch: v.etag,
        ...v.ssec,
      }),
      { abortSignal: signal },
    )
    .catch((err: unknown) => {
      throw toS3Error(
        err,
        'HeadObject',
        { PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED', '412': 'ERR_S3ENC_OBJECT_CHANGED' },
        signal,
      );
    });
}

/** SSE-S3 / SSE-KMS of the source (SSE-C is carried by its key, given by the caller). */
function sseOf(h: HeadObjectCommandOutput): CreateFields {
  if (h.ServerSideEncryption === 'aws:kms' || h.ServerSideEncryption === 'aws:kms:dsse') {
    return {
      ServerSideEncryption: h.ServerSideEncryption,
      ...(h.SSEKMSKeyId === undefined ? {} : { SSEKMSKeyId: h.SSEKMSKeyId }),
      ...(h.BucketKeyEnabled === undefined ? {} : { BucketKeyEnabled: h.BucketKeyEnabled }),
    };
  }
  if (h.ServerSideEncryption === 'AES256') return { ServerSideEncryption: 'AES256' };
  return {};
}

/**
 * The create fields of the new version (`lock`: the source's lock state, when already read).
 * @throws S3RequestError ERR_S3ENC_REWRAP_ATTRIBUTES_UNREADABLE (tags) or
 *   ERR_S3ENC_REWRAP_OBJECT_LOCK (retention, legal hold) when S3 refuses to say.
 */
export async function inheritedFields(
  s3: S3Client,
  v: SourceVersion,
  h: HeadObjectCommandOutput,
  signal: AbortSignal | undefined,
  lock?: SourceLock,
): Promise<CreateFields> {
  const fields: CreateFields = { Bucket: v.bucket, Key: v.key };
  Object.assign(fields, contentFieldsOf(h));
  if (h.StorageClass !== undefined && h.StorageClass !== 'STANDARD')
    fields.StorageClass = h.StorageClass;
  Object.assign(fields, sseOf(h), v.ssec);
  if ((h.TagCount ?? 0) > 0) fields.Tagging = await tagsOf(s3, v, signal);
  Object.assign(fields, lockFieldsOf(lock ?? (await readSourceLock(s3, v, signal))));
  return fields;
}

async function tagsOf(
  s3: S3Client,
  v: SourceVersion,
  signal: AbortSignal | undefined,
): Promise<string> {
  try {
    return await readTagging(s3, v, signal);
  } catch (err) {
    if (!(err instanceof S3RequestError) || err.code !== 'ERR_S3ENC_ACCESS_DENIED') throw err;
    throw new S3RequestError(
      'ERR_S3ENC_REWRAP_ATTRIBUTES_UNREADABLE',
      `The tags of s3://${v.bucket}/${v.key} cannot be read (s3:GetObjectVersionTagging), so the rewrap cannot carry them over; nothing was written`,
      { cause: err, statusCode: err.statusCode },
    );
  }
}

/** S3's answers for "this bucket or version has no lock setting". */
function noLockSetting(err: unknown): boolean {
  const name = s3CodeOf(err);
  return (
    name === 'NoSuchObjectLockConfiguration' ||
    name === 'ObjectLockConfigurationNotFoundError' ||
    name === 'InvalidRequest' ||
    (statusOf(err) === 404 && name !== 'NoSuchKey' && name !== 'NoSuchVersion')
  );
}

/** The source version's Object Lock state, as S3 reports it. */
export interface SourceLock {
  /** Retention mode and date, when the version has a retention (possibly expired). */
  readonly mode: string | undefined;
  readonly retainUntil: Date | undefined;
  readonly legalHold: boolean;
}

/** True while the version may not be deleted: a retention not yet expired, or a legal hold. */
export function isLocked(lock: SourceLock, now = new Date()): boolean {
  return lock.legalHold || (lock.retainUntil !== undefined && lock.retainUntil > now);
}

/**
 * Reads the source version's retention and legal hold (none when the bucket has no Object Lock).
 * @throws S3RequestError ERR_S3ENC_REWRAP_OBJECT_LOCK when S3 refuses to say.
 */
export async function readSourceLock(
  s3: S3Client,
  v: SourceVersion,
  signal: AbortSignal | undefined,
): Promise<SourceLock> {
  const input = { Bucket: v.bucket, Key: v.key, ...versionOf(v) };
  const ask = async <T>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (err) {
      if (noLockSetting(err)) return undefined;
      const e = toS3Error(err, what, {}, signal);
      if (e.code !== 'ERR_S3ENC_ACCESS_DENIED') throw e;
      throw new S3RequestError(
        'ERR_S3ENC_REWRAP_OBJECT_LOCK',
        `${what} of s3://${v.bucket}/${v.key} was refused, so its Object Lock settings cannot be carried over to the rewrapped version; nothing was written`,
        { cause: e, statusCode: e instanceof S3RequestError ? e.statusCode : undefined },
      );
    }
  };
  const retention = await ask('GetObjectRetention', () =>
    s3.send(new GetObjectRetentionCommand(input), { abortSignal: signal }),
  );
  const hold = await ask('GetObjectLegalHold', () =>
    s3.send(new GetObjectLegalHoldCommand(input), { abortSignal: signal }),
  );
  const r = retention?.Retention;
  return {
    mode: r?.Mode,
    retainUntil: r?.Mode === undefined ? undefined : r.RetainUntilDate,
    legalHold: hold?.LegalHold?.Status === 'ON',
  };
}

/** The Object Lock fields the new version inherits. */
function lockFieldsOf(lock: SourceLock): CreateFields {
  const out: CreateFields = {};
  // A retention that has run out protects nothing; a new version needs a future date.
  if (lock.mode !== undefined && lock.retainUntil !== undefined && lock.retainUntil > new Date()) {
    out.ObjectLockMode = lock.mode;
    out.ObjectLockRetainUntilDate = lock.retainUntil;
  }
  if (lock.legalHold) out.ObjectLockLegalHoldStatus = 'ON';
  return out;
}
