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
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type CreateMultipartUploadCommandInput,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REQUEST_ATTEMPTS, createChecksum } from '@s3enc/core';
import { toS3Error, withRetries } from '../s3-errors.js';
import { copySourceOf } from '../server-copy/copy-ranges.js';
import { multipartWrite } from '../server-copy/multipart-write.js';
import { copyParts } from '../server-copy/part-copy.js';
import type { RewrapPlan } from './copy-plan.js';
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
  const v = job.source;
  let parts = 0;
  const done = await multipartWrite({
    s3: job.s3,
    create: job.create as unknown as CreateMultipartUploadCommandInput,
    targetSsec: job.targetSsec,
    completeConditions: { IfMatch: v.etag },
    completeCodes: WRITE_CODES,
    operation: 'rewrap',
    signal: job.signal,
    writeParts: async (uploadId) => {
      const head = await uploadFirst(job, uploadId, first);
      const rest = await copyParts({
        s3: job.s3,
        bucket: v.bucket,
        key: v.key,
        uploadId,
        copySource: copySourceOf(v.bucket, v.key, v.versionId),
        sourceEtag: v.etag,
        ranges: job.plan.copied,
        firstPartNumber: 2,
        copySourceSsec: job.copySourceSsec,
        targetSsec: job.targetSsec,
        concurrency: job.concurrency,
        signal: job.signal,
      });
      parts = 1 + rest.length;
      return [head, ...rest];
    },
  });
  const copied = job.plan.copied.reduce((n, r) => n + (r.end - r.start), 0);
  return {
    versionId: done.VersionId,
    etag: done.ETag,
    bytesUploaded: first.length,
    bytesCopied: copied,
    parts,
  };
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
