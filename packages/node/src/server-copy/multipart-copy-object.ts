/**
 * A server-side copy of a whole object too large for CopyObject (over 5 GiB): the source is
 * pinned (HeadObject with If-Match on the listed ETag gives its version id), then
 * CreateMultipartUpload with what CopyObject would carry (user metadata, content headers, tags;
 * SSE and storage class left to the destination bucket's defaults, as a CopyObject that names
 * none), UploadPartCopy of byte ranges pinned to that version and ETag, and
 * CompleteMultipartUpload; any failure aborts the upload. Nothing passes through the client, so
 * an s3enc object stays byte-for-byte the same. @internal
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3RequestError, S3_MAX_PARTS } from '@s3enc/core';
import { toS3Error } from '../s3-errors.js';
import { contentFieldsOf, readTagging } from './copied-fields.js';
import { copyRangesFor, copySourceOf } from './copy-ranges.js';
import { multipartWrite } from './multipart-write.js';
import { copyParts } from './part-copy.js';

/** What {@link multipartCopyObject} copies, and how. */
export interface MultipartCopyJob {
  readonly s3: S3Client;
  /** The source; `etag` as the listing gave it (the copy is refused if it changed since). */
  readonly source: { readonly bucket: string; readonly key: string; readonly etag?: string };
  readonly target: { readonly bucket: string; readonly key: string };
  /** The size the listing gave (the copy is refused if the object has another size now). */
  readonly size: number;
  /** Bytes per UploadPartCopy (default 512 MiB, grown to fit 10,000 parts). */
  readonly partSize?: number | undefined;
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
}

/** What the copy wrote. */
export interface MultipartCopyOutcome {
  readonly versionId: string | undefined;
  readonly sourceVersionId: string | undefined;
  readonly parts: number;
}

const CHANGED = {
  PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED',
  '412': 'ERR_S3ENC_OBJECT_CHANGED',
};

/**
 * Copies the object; see the file comment.
 * @throws S3RequestError (ERR_S3ENC_OBJECT_CHANGED when the source is not the object listed,
 *   ERR_S3ENC_ACCESS_DENIED, …), InvalidArgumentError (a part size outside 5 MiB..5 GiB),
 *   AbortError — after the multipart upload, if one was created, is aborted.
 */
export async function multipartCopyObject(job: MultipartCopyJob): Promise<MultipartCopyOutcome> {
  const { s3, source, target } = job;
  const ranges = copyRangesFor(0, job.size, S3_MAX_PARTS, job.partSize);
  const h = await s3
    .send(
      new HeadObjectCommand({
        Bucket: source.bucket,
        Key: source.key,
        ...(source.etag === undefined ? {} : { IfMatch: source.etag }),
      }),
      { abortSignal: job.signal },
    )
    .catch((err: unknown) => {
      throw toS3Error(err, 'HeadObject', CHANGED, job.signal);
    });
  const etag = h.ETag;
  if (etag === undefined)
    throw new S3RequestError('ERR_S3ENC_BAD_RESPONSE', 'HeadObject returned no ETag');
  if (h.ContentLength !== job.size) {
    throw new S3RequestError(
      'ERR_S3ENC_OBJECT_CHANGED',
      `s3://${source.bucket}/${source.key} is ${h.ContentLength ?? '?'} bytes now, ${job.size} when listed`,
    );
  }
  const versionId = h.VersionId === undefined || h.VersionId === 'null' ? undefined : h.VersionId;
  const tagging =
    (h.TagCount ?? 0) > 0 ? await readTagging(s3, { ...source, versionId }, job.signal) : undefined;
  const done = await multipartWrite({
    s3,
    create: {
      Bucket: target.bucket,
      Key: target.key,
      ...contentFieldsOf(h),
      ...(tagging === undefined || tagging === '' ? {} : { Tagging: tagging }),
    },
    targetSsec: {},
    operation: 'copy',
    signal: job.signal,
    writeParts: (uploadId) =>
      copyParts({
        s3,
        bucket: target.bucket,
        key: target.key,
        uploadId,
        copySource: copySourceOf(source.bucket, source.key, versionId),
        sourceEtag: etag,
        ranges,
        firstPartNumber: 1,
        copySourceSsec: {},
        targetSsec: {},
        concurrency: job.concurrency,
        signal: job.signal,
      }),
  });
  return { versionId: done.VersionId, sourceVersionId: versionId, parts: ranges.length };
}
