/**
 * Writes the rewrapped object: one PutObject for a small object, else a multipart upload whose
 * first part is the new header ‖ the start of the old body and whose other parts are
 * UploadPartCopy ranges of the source version (pinned by version id and CopySourceIfMatch).
 * The write is conditional on the source still being the current version (If-Match), so a
 * version written meanwhile is never buried under an older rewrapped one. Any failure aborts
 * the multipart upload; the source version is never touched. @internal
 */
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompleteMultipartUploadCommandInput,
  type CompletedPart,
  type CreateMultipartUploadCommandInput,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AbortError, S3RequestError, REQUEST_ATTEMPTS, createChecksum } from '@s3enc/core';
import { toS3Error, withRetries } from '../s3-errors.js';
import { abortUpload } from '../transfer/upload/multipart.js';
import type { RewrapPlan, SourceRange } from './copy-plan.js';
import type { CreateFields, SourceVersion } from './source-attributes.js';

/** The source changed, or the key got a newer version, while the rewrap ran. */
const WRITE_CODES = {
  PreconditionFailed: 'ERR_S3ENC_REWRAP_NOT_CURRENT',
  '412': 'ERR_S3ENC_REWRAP_NOT_CURRENT',
  ConditionalRequestConflict: 'ERR_S3ENC_REWRAP_NOT_CURRENT',
  '409': 'ERR_S3ENC_REWRAP_NOT_CURRENT',
};

/** What the write sent and copied. */
export interface WriteOutcome {
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
  readonly bytesUploaded: number;
  readonly bytesCopied: number;
  readonly parts: number;
}

/** Everything the writer needs. */
export interface WriteJob {
  readonly s3: S3Client;
  readonly source: SourceVersion;
  readonly create: CreateFields;
  /** SSE-C fields of the target (UploadPart, UploadPartCopy, Complete). */
  readonly targetSsec: Readonly<Record<string, string>>;
  /** SSE-C fields of the copy source. */
  readonly copySourceSsec: Readonly<Record<string, string>>;
  readonly header: Buffer;
  readonly plan: RewrapPlan;
  /** The source bytes of `plan.uploaded`, already fetched. */
  readonly uploadedBytes: Buffer;
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
}

/** `x-amz-copy-source` of the source version: bucket, URL-encoded key, `?versionId=`. */
function copySource(v: SourceVersion): string {
  const key = v.key.split('/').map(encodeURIComponent).join('/');
  return v.versionId === undefined
    ? `${v.bucket}/${key}`
    : `${v.bucket}/${key}?versionId=${encodeURIComponent(v.versionId)}`;
}

/** Writes the object; see the file comment. */
export async function writeRewrapped(job: WriteJob): Promise<WriteOutcome> {
  const first = Buffer.concat([job.header, job.uploadedBytes]);
  if (job.plan.copied.length === 0) return putWhole(job, first);
  return putMultipart(job, first);
}

async function putWhole(job: WriteJob, body: Buffer): Promise<WriteOutcome> {
  const crc = createChecksum('CRC32C').update(body).digest();
  const input = {
    ...job.create,
    Body: body,
    ContentLength: body.length,
    ChecksumCRC32C: crc.toString('base64'),
    IfMatch: job.source.etag,
  } as PutObjectCommandInput;
  const out = await withRetries(
    () => job.s3.send(new PutObjectCommand(input), { abortSignal: job.signal }),
    REQUEST_ATTEMPTS,
    job.signal,
    { operation: 'PutObject', bucket: job.source.bucket, key: job.source.key },
  ).catch((err: unknown) => {
    throw toS3Error(err, 'PutObject', WRITE_CODES, job.signal);
  });
  return {
    versionId: out.VersionId,
    etag: out.ETag,
    bytesUploaded: body.length,
    bytesCopied: 0,
    parts: 1,
  };
}

async function putMultipart(job: WriteJob, first: Buffer): Promise<WriteOutcome> {
  const { s3, source: v } = job;
  const created = await s3
    // Not cancelled mid-flight: S3 could create the upload while we never learn its id.
    .send(
      new CreateMultipartUploadCommand(job.create as unknown as CreateMultipartUploadCommandInput),
    )
    .catch((err: unknown) => {
      throw toS3Error(err, 'CreateMultipartUpload', {}, job.signal);
    });
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw toS3Error(new Error('no UploadId'), 'CreateMultipartUpload');
  try {
    const parts: CompletedPart[] = [];
    parts.push(await uploadFirst(job, uploadId, first));
    parts.push(...(await copyRest(job, uploadId)));
    if (job.signal?.aborted === true)
      throw new AbortError('The rewrap was aborted', { cause: job.signal.reason });
    const input = {
      Bucket: v.bucket,
      Key: v.key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
      IfMatch: v.etag,
      ...job.targetSsec,
    } as CompleteMultipartUploadCommandInput;
    const done = await withRetries(
      // Not cancelled mid-flight: the object may or may not exist afterwards.
      () => s3.send(new CompleteMultipartUploadCommand(input)),
      REQUEST_ATTEMPTS,
      undefined,
      { operation: 'CompleteMultipartUpload', bucket: v.bucket, key: v.key },
    ).catch((err: unknown) => {
      throw toS3Error(err, 'CompleteMultipartUpload', WRITE_CODES, job.signal);
    });
    const copied = job.plan.copied.reduce((n, r) => n + (r.end - r.start), 0);
    return {
      versionId: done.VersionId,
      etag: done.ETag,
      bytesUploaded: first.length,
      bytesCopied: copied,
      parts: parts.length,
    };
  } catch (err) {
    const aborted = await abortUpload(s3, v.bucket, v.key, uploadId);
    const e = toS3Error(err, 'rewrap', {}, job.signal);
    if (!aborted) {
      e.message += `; the multipart upload ${uploadId} of s3://${v.bucket}/${v.key} could not be aborted: abort it by hand`;
    }
    throw e;
  }
}

async function uploadFirst(job: WriteJob, uploadId: string, body: Buffer): Promise<CompletedPart> {
  const { s3, source: v } = job;
  // Content-MD5 satisfies buckets that demand an integrity header (Object Lock).
  const md5 = createHash('md5').update(body).digest('base64');
  const out = await withRetries(
    () =>
      s3.send(
        new UploadPartCommand({
          Bucket: v.bucket,
          Key: v.key,
          UploadId: uploadId,
          PartNumber: 1,
          Body: body,
          ContentLength: body.length,
          ContentMD5: md5,
          ...job.targetSsec,
        }),
        { abortSignal: job.signal },
      ),
    REQUEST_ATTEMPTS,
    job.signal,
    { operation: 'UploadPart', bucket: v.bucket, key: v.key },
  ).catch((err: unknown) => {
    throw toS3Error(err, 'UploadPart', {}, job.signal);
  });
  return { PartNumber: 1, ETag: out.ETag };
}

/** UploadPartCopy of every copied range, `concurrency` at a time; the first failure stops the rest. */
async function copyRest(job: WriteJob, uploadId: string): Promise<CompletedPart[]> {
  const ranges = job.plan.copied;
  const parts = new Array<CompletedPart>(ranges.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= ranges.length || failed) return;
      parts[i] = await copyPart(job, uploadId, i + 2, ranges[i]!);
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(job.concurrency, ranges.length) }, () =>
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
  job: WriteJob,
  uploadId: string,
  partNumber: number,
  r: SourceRange,
): Promise<CompletedPart> {
  const { s3, source: v } = job;
  const out = await withRetries(
    () =>
      s3.send(
        new UploadPartCopyCommand({
          Bucket: v.bucket,
          Key: v.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          CopySource: copySource(v),
          CopySourceRange: `bytes=${r.start}-${r.end - 1}`,
          CopySourceIfMatch: v.etag,
          ...job.copySourceSsec,
          ...job.targetSsec,
        }),
        { abortSignal: job.signal },
      ),
    REQUEST_ATTEMPTS,
    job.signal,
    { operation: 'UploadPartCopy', bucket: v.bucket, key: v.key },
  ).catch((err: unknown) => {
    throw toS3Error(
      err,
      'UploadPartCopy',
      { PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED', '412': 'ERR_S3ENC_OBJECT_CHANGED' },
      job.signal,
    );
  });
  const etag = out.CopyPartResult?.ETag;
  if (etag === undefined)
    throw new S3RequestError('ERR_S3ENC_BAD_RESPONSE', 'UploadPartCopy returned no ETag');
  return { PartNumber: partNumber, ETag: etag };
}
