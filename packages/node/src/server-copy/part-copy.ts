/**
 * UploadPartCopy of source ranges into an open multipart upload, `concurrency` at a time, each
 * pinned to the source (its version id in the copy source, its ETag by CopySourceIfMatch) and
 * retried on transient failures; the first failure stops the rest. Shared by rewrap and the bulk
 * server-side copy. @internal
 */
import { UploadPartCopyCommand, type CompletedPart, type S3Client } from '@aws-sdk/client-s3';
import { REQUEST_ATTEMPTS, S3RequestError } from '@s3enc/core';
import { toS3Error, withRetries } from '../s3-errors.js';
import type { SourceRange } from './copy-ranges.js';

/** The source changed after it was pinned. */
const COPY_CODES = {
  PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED',
  '412': 'ERR_S3ENC_OBJECT_CHANGED',
};

/** What {@link copyParts} needs. */
export interface PartCopyJob {
  readonly s3: S3Client;
  /** The target of the upload. */
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** `x-amz-copy-source` (see `copySourceOf`), with the version id when there is one. */
  readonly copySource: string;
  /** The source ETag every range must still have (a copy by version id alone without it). */
  readonly sourceEtag: string | undefined;
  readonly ranges: readonly SourceRange[];
  /** The part number of `ranges[0]`; the others follow. */
  readonly firstPartNumber: number;
  /** SSE-C fields of the copy source (`CopySourceSSECustomer…`), if any. */
  readonly copySourceSsec: Readonly<Record<string, string>>;
  /** SSE-C fields of the target, if any. */
  readonly targetSsec: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Copies every range; returns the completed parts in part-number order.
 * @throws S3RequestError (ERR_S3ENC_OBJECT_CHANGED when the source ETag no longer matches,
 *   ERR_S3ENC_BAD_RESPONSE for an answer without an ETag, …) or AbortError. The caller aborts
 *   the upload.
 */
export async function copyParts(job: PartCopyJob): Promise<CompletedPart[]> {
  const ranges = job.ranges;
  const parts = new Array<CompletedPart>(ranges.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= ranges.length || failed) return;
      parts[i] = await copyPart(job, job.firstPartNumber + i, ranges[i]!);
    }
  };
  // allSettled, not all: every worker stops before the caller aborts the upload.
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(Math.max(1, job.concurrency), ranges.length) }, () =>
      worker().catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ),
  );
  const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad !== undefined) throw bad.reason;
  return parts;
}

async function copyPart(
  job: PartCopyJob,
  partNumber: number,
  r: SourceRange,
): Promise<CompletedPart> {
  const out = await withRetries(
    () =>
      job.s3.send(
        new UploadPartCopyCommand({
          Bucket: job.bucket,
          Key: job.key,
          UploadId: job.uploadId,
          PartNumber: partNumber,
          CopySource: job.copySource,
          CopySourceRange: `bytes=${r.start}-${r.end - 1}`,
          ...(job.sourceEtag === undefined ? {} : { CopySourceIfMatch: job.sourceEtag }),
          ...job.copySourceSsec,
          ...job.targetSsec,
        }),
        { abortSignal: job.signal },
      ),
    REQUEST_ATTEMPTS,
    job.signal,
    { operation: 'UploadPartCopy', bucket: job.bucket, key: job.key },
  ).catch((err: unknown) => {
    throw toS3Error(err, 'UploadPartCopy', COPY_CODES, job.signal);
  });
  const etag = out.CopyPartResult?.ETag;
  if (etag === undefined)
    throw new S3RequestError('ERR_S3ENC_BAD_RESPONSE', 'UploadPartCopy returned no ETag');
  return { PartNumber: partNumber, ETag: etag };
}
