/**
 * Restore a previous version: a server-side copy of that version as the new current version.
 * Nothing passes through the client, so an s3enc object (self-contained: header and frames)
 * stays byte-for-byte the same and decrypts to the old plaintext. Objects over 5 GiB, which
 * CopyObject cannot copy, are copied with UploadPartCopy.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  GetObjectTaggingCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AbortError, S3EncError, S3RequestError } from '@s3enc/core';
import { argError, mapS3Error, s3ErrorName } from './errors.js';
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

  let partSize = o.partSize ?? 512 * MiB;
  partSize = Math.max(partSize, Math.ceil(head.size / MAX_PARTS / MiB) * MiB);
  if (partSize > MAX_PART)
    throw argError('ERR_S3ENC_INVALID_ARGUMENT', 'The object is too large for a multipart copy');
  const partCount = Math.max(1, Math.ceil(head.size / partSize));

  let UploadId: string | undefined;
  try {
    // CopyObject copies tags itself; a multipart copy has to carry them over.
    const tagging =
      (h.TagCount ?? 0) > 0 ? await sourceTagging(s3, address, abortSignal) : undefined;
    const created = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: address.Bucket,
        Key: address.Key,
        ...(h.ContentType === undefined ? {} : { ContentType: h.ContentType }),
        ...(h.ContentEncoding === undefined ? {} : { ContentEncoding: h.ContentEncoding }),
        ...(h.ContentDisposition === undefined ? {} : { ContentDisposition: h.ContentDisposition }),
        ...(h.ContentLanguage === undefined ? {} : { ContentLanguage: h.ContentLanguage }),
        ...(h.CacheControl === undefined ? {} : { CacheControl: h.CacheControl }),
        ...(h.Metadata === undefined ? {} : { Metadata: h.Metadata }),
        ...(tagging === undefined ? {} : { Tagging: tagging }),
        ...sse,
        ...lock,
      }),
      // No abort signal here: an upload created while the request is cancelled would be
      // one whose id we never learn, so never abort. The signal is checked right after.
    );
    UploadId = created.UploadId;
    if (UploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
    o.signal?.throwIfAborted();
    const uploadId = UploadId;
    const parts: CompletedPart[] = new Array<CompletedPart>(partCount);
    let next = 0;
    // The first failure stops every worker from starting another part copy.
    let stopped = false;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= partCount || stopped) return;
        o.signal?.throwIfAborted();
        const start = i * partSize;
        const end = Math.min(head.size, start + partSize) - 1;
        const out = await s3.send(
          new UploadPartCopyCommand({
            Bucket: address.Bucket,
            Key: address.Key,
            UploadId: uploadId,
            PartNumber: i + 1,
            CopySource,
            CopySourceRange: `bytes=${start}-${end}`,
            ...(head.eTag === undefined ? {} : { CopySourceIfMatch: head.eTag }),
            ...sourceSseC,
            ...targetSseC,
          }),
          abortSignal,
        );
        parts[i] = { PartNumber: i + 1, ETag: out.CopyPartResult?.ETag };
      }
    };
    const guarded = async (): Promise<void> => {
      try {
        await worker();
      } catch (err) {
        stopped = true;
        throw err;
      }
    };
    // allSettled, not all: every worker must stop before the upload is aborted.
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(concurrency, partCount) }, guarded),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    o.signal?.throwIfAborted();
    // Not cancellable once sent: the outcome of a cancelled Complete would be unknown.
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: address.Bucket,
        Key: address.Key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        ...targetSseC,
      }),
    );
    return {
      versionId: done.VersionId,
      sourceVersionId: address.VersionId,
      size: head.size,
      multipart: true,
    };
  } catch (err) {
    const e = failure(err, o.signal, what);
    if (
      UploadId !== undefined &&
      !(await abortCopyUpload(s3, address.Bucket, address.Key, UploadId))
    ) {
      e.message += ` (the multipart copy ${UploadId} could not be aborted: abort it, or let a lifecycle rule for incomplete uploads remove it)`;
    }
    throw e;
  }
}

/** The source version's tags as a Tagging header value (URL-encoded key=value pairs). */
async function sourceTagging(
  s3: S3Client,
  address: { Bucket: string; Key: string; VersionId: string },
  abortSignal: { abortSignal?: AbortSignal },
): Promise<string | undefined> {
  const out = await s3.send(new GetObjectTaggingCommand(address), abortSignal);
  const pairs = new URLSearchParams();
  for (const t of out.TagSet ?? []) pairs.append(t.Key ?? '', t.Value ?? '');
  const tagging = pairs.toString();
  return tagging === '' ? undefined : tagging;
}

/**
 * Aborts the multipart copy, retrying transient failures, so no parts are left behind.
 * Returns false when every attempt failed (the caller then names the upload in its error).
 */
async function abortCopyUpload(
  s3: S3Client,
  Bucket: string,
  Key: string,
  UploadId: string,
): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
      return true;
    } catch (err) {
      // NoSuchUpload: already gone.
      if (s3ErrorName(err) === 'NoSuchUpload') return true;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
  return false;
}

function failure(err: unknown, signal: AbortSignal | undefined, what: string): S3EncError {
  if (signal?.aborted === true && !(err instanceof S3EncError))
    return new AbortError(undefined, { cause: err });
  return mapS3Error(err, what);
}
