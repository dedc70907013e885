/**
 * Restore a previous version: a server-side copy of that version as the new current version.
 * Nothing passes through the client, so an s3enc object (self-contained: header and frames)
 * stays byte-for-byte the same and decrypts to the old plaintext. Objects over 5 GiB, which
 * CopyObject cannot copy, are copied with UploadPartCopy.
 */
import { CopyObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { AbortError, S3EncError, S3RequestError } from '@s3enc/core';
import { contentFieldsOf, readTagging } from '../server-copy/copied-fields.js';
import { DEFAULT_COPY_PART_SIZE, copyRangesFor } from '../server-copy/copy-ranges.js';
import { multipartWrite } from '../server-copy/multipart-write.js';
import { copyParts } from '../server-copy/part-copy.js';
import { argError, mapS3Error } from './errors.js';
import {
  lockParamsFor,
  type ObjectLockPutOptions,
  type ObjectLockPutParams,
} from './lock-params.js';
import { toSseCustomerKey, type SseCustomerKeyInput } from '../sse.js';
import { copySourceSseCParams, sseCParams } from './sse-c.js';
import { checkVersionAddress, headVersion, type VersionIdAddress } from './versions.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The largest object CopyObject copies in one request. */
export const MAX_COPY_OBJECT_SIZE = 5 * GiB;
const MIN_PART = 5 * MiB;
const MAX_PART = 5 * GiB;
const MAX_PARTS = 10_000;

/** Options of {@link restoreVersion}. */
export interface RestoreVersionOptions extends VersionIdAddress {
  /** SSE-C key of the source version, when it is stored with SSE-C (32 bytes, `{ file }`, `{ env }` or an `SseCustomerKey`). */
  sourceSseCustomerKey?: SseCustomerKeyInput;
  /**
   * SSE-C key for the new current version. Defaults to `sourceSseCustomerKey`, so a restore
   * never silently drops SSE-C. SSE-S3 / SSE-KMS settings of the source are carried over.
   */
  sseCustomerKey?: SseCustomerKeyInput;
  /** Object Lock settings for the new version (otherwise the bucket default applies). */
  objectLock?: ObjectLockPutOptions;
  /** Sizes above this use multipart UploadPartCopy (default and maximum: 5 GiB). */
  multipartThreshold?: number;
  /** Part size for the multipart path (default: 512 MiB, raised to fit 10,000 parts). */
  partSize?: number;
  /** Parallel UploadPartCopy requests (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Result of {@link restoreVersion}. */
export interface RestoreVersionResult {
  /** The id of the new current version (undefined if the bucket is not versioned). */
  versionId: string | undefined;
  /** The version that was copied. */
  sourceVersionId: string;
  size: number;
  /** The copy used UploadPartCopy. */
  multipart: boolean;
}

/**
 * The `CopySource` value (`x-amz-copy-source`) for one version: bucket, URL-encoded key (its
 * `/` separators kept) and `?versionId=`.
 */
export function copySourceFor(o: VersionIdAddress): string {
  const a = checkVersionAddress(o);
  const key = a.Key.split('/').map(encodeURIComponent).join('/');
  return `${a.Bucket}/${key}?versionId=${encodeURIComponent(a.VersionId)}`;
}

function checkSize(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw argError(
      'ERR_S3ENC_INVALID_ARGUMENT',
      `${what} must be a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

/** Server-side encryption of the source, to carry over to the copy (not SSE-C: that needs the key). */
function serverSideEncryptionOf(h: HeadObjectCommandOutput) {
  if (h.ServerSideEncryption === 'aws:kms' || h.ServerSideEncryption === 'aws:kms:dsse') {
    return {
      ServerSideEncryption: h.ServerSideEncryption,
      ...(h.SSEKMSKeyId === undefined ? {} : { SSEKMSKeyId: h.SSEKMSKeyId }),
      ...(h.BucketKeyEnabled === undefined ? {} : { BucketKeyEnabled: h.BucketKeyEnabled }),
    };
  }
  if (h.ServerSideEncryption === 'AES256') return { ServerSideEncryption: h.ServerSideEncryption };
  return {};
}

/**
 * Makes `versionId` the current version again by copying it server side onto the same key.
 * The old version is kept; the copy is a new version with the same bytes, metadata and
 * content type, pinned to the source ETag; the object tags go along on both paths (the
 * multipart path reads them with GetObjectTagging, which needs s3:GetObjectTagging).
 *
 * @returns the new version id, the source version id, the size and which path was used.
 * @throws InvalidArgumentError before any request for bad options or Object Lock settings.
 * @throws S3RequestError (HTTP 400) when the source is stored with SSE-C and no
 *   `sourceSseCustomerKey` was given (S3 refuses the HEAD; the message says which option to pass).
 * @throws S3RequestError `ERR_S3ENC_VERSION_IS_DELETE_MARKER` when the version is a delete
 *   marker, `ERR_S3ENC_NO_SUCH_VERSION`, or any refused copy (a multipart copy is aborted).
 * @throws AbortError when `signal` aborts (a multipart copy is aborted).
 */
export async function restoreVersion(
  s3: S3Client,
  o: RestoreVersionOptions,
): Promise<RestoreVersionResult> {
  const address = checkVersionAddress(o);
  const threshold = checkSize(
    o.multipartThreshold ?? MAX_COPY_OBJECT_SIZE,
    'multipartThreshold',
    0,
    MAX_COPY_OBJECT_SIZE,
  );
  const concurrency = checkSize(o.concurrency ?? 4, 'concurrency', 1, 64);
  if (o.partSize !== undefined) checkSize(o.partSize, 'partSize', MIN_PART, MAX_PART);
  const lock: ObjectLockPutParams = o.objectLock === undefined ? {} : lockParamsFor(o.objectLock);
  // Validated (and read from file / environment) once, before any request.
  const sourceKey =
    o.sourceSseCustomerKey === undefined ? undefined : toSseCustomerKey(o.sourceSseCustomerKey);
  const targetKey = o.sseCustomerKey === undefined ? sourceKey : toSseCustomerKey(o.sseCustomerKey);
  const sourceSseC = copySourceSseCParams(s3, sourceKey);
  const targetSseC = sseCParams(s3, targetKey);
  if (o.signal?.aborted === true) throw new AbortError(undefined, { cause: o.signal.reason });

  let head;
  try {
    head = await headVersion(s3, {
      ...o,
      ...(sourceKey === undefined ? {} : { sseCustomerKey: sourceKey }),
    });
  } catch (err) {
    // S3 refuses HEAD of an SSE-C object without its key with a bare 400.
    if (err instanceof S3RequestError && err.statusCode === 400 && sourceKey === undefined) {
      throw new S3RequestError(
        err.code,
        `${err.message} (if the version is stored with SSE-C, pass its key as sourceSseCustomerKey)`,
        { cause: err, statusCode: 400 },
      );
    }
    throw err;
  }
  const h = head.response;
  if (h.SSECustomerAlgorithm !== undefined && sourceKey === undefined) {
    throw argError(
      'ERR_S3ENC_INVALID_ARGUMENT',
      'The source version is stored with SSE-C: pass its key as sourceSseCustomerKey',
    );
  }
  const CopySource = copySourceFor(o);
  const sse = targetKey === undefined ? serverSideEncryptionOf(h) : targetSseC;
  const what = `restore of s3://${address.Bucket}/${address.Key} version ${address.VersionId}`;
  const abortSignal = o.signal === undefined ? {} : { abortSignal: o.signal };

  if (head.size <= threshold) {
    try {
      const out = await s3.send(
        new CopyObjectCommand({
          Bucket: address.Bucket,
          Key: address.Key,
          CopySource,
          ...(head.eTag === undefined ? {} : { CopySourceIfMatch: head.eTag }),
          MetadataDirective: 'COPY',
          ...sourceSseC,
          ...sse,
          ...lock,
        }),
        abortSignal,
      );
      return {
        versionId: out.VersionId,
        sourceVersionId: address.VersionId,
        size: head.size,
        multipart: false,
      };
    } catch (err) {
      throw failure(err, o.signal, what);
    }
  }

  // As given (at least 5 MiB), grown in whole MiB to fit 10,000 parts.
  const partSize = Math.max(
    o.partSize ?? DEFAULT_COPY_PART_SIZE,
    Math.ceil(head.size / MAX_PARTS / MiB) * MiB,
  );
  if (partSize > MAX_PART)
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', 'The object is too large for a multipart copy');
  const ranges = copyRangesFor(0, head.size, MAX_PARTS, partSize);
  try {
    // CopyObject copies tags itself; a multipart copy has to carry them over.
    const tagging =
      (h.TagCount ?? 0) > 0
        ? await readTagging(
            s3,
            { bucket: address.Bucket, key: address.Key, versionId: address.VersionId },
            o.signal,
          )
        : '';
    const done = await multipartWrite({
      s3,
      create: {
        Bucket: address.Bucket,
        Key: address.Key,
        ...contentFieldsOf(h),
        ...(tagging === '' ? {} : { Tagging: tagging }),
        ...sse,
        ...lock,
      },
      targetSsec: targetSseC,
      operation: what,
      signal: o.signal,
      writeParts: (uploadId) =>
        copyParts({
          s3,
          bucket: address.Bucket,
          key: address.Key,
          uploadId,
          copySource: CopySource,
          sourceEtag: head.eTag,
          ranges,
          firstPartNumber: 1,
          copySourceSsec: sourceSseC,
          targetSsec: targetSseC,
          concurrency,
          signal: o.signal,
        }),
    });
    return {
      versionId: done.VersionId,
      sourceVersionId: address.VersionId,
      size: head.size,
      multipart: true,
    };
  } catch (err) {
    // multipartWrite aborted the upload (its message names one it could not abort).
    throw failure(err, o.signal, what);
  }
}

function failure(err: unknown, signal: AbortSignal | undefined, what: string): S3EncError {
  if (signal?.aborted === true && !(err instanceof S3EncError))
    return new AbortError(undefined, { cause: err });
  return mapS3Error(err, what);
}
