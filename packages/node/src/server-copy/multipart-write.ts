/**
 * One multipart upload from creation to completion, aborted on any failure so no upload is
 * left behind: CreateMultipartUpload (not cancelled mid-flight: S3 could create an upload whose
 * id we never learn), the caller's parts, then CompleteMultipartUpload (not cancelled either:
 * its outcome would be unknown). Shared by rewrap and the bulk server-side copy. @internal
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CompleteMultipartUploadCommandInput,
  type CompleteMultipartUploadCommandOutput,
  type CompletedPart,
  type CreateMultipartUploadCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REQUEST_ATTEMPTS, S3RequestError } from '@s3enc/core';
import { toS3Error, withRetries } from '../s3-errors.js';
import { throwIfAborted } from '../transfer/signals.js';
import { abortUpload } from '../transfer/upload/multipart.js';

/** What {@link multipartWrite} needs. */
export interface MultipartWriteJob {
  readonly s3: S3Client;
  /** CreateMultipartUpload input: Bucket, Key and the new object's fields. */
  readonly create: CreateMultipartUploadCommandInput;
  /** SSE-C fields of the target (sent again with CompleteMultipartUpload). */
  readonly targetSsec: Readonly<Record<string, string>>;
  /** Conditions on CompleteMultipartUpload (e.g. `IfMatch` of the version being replaced). */
  readonly completeConditions?: Partial<CompleteMultipartUploadCommandInput> | undefined;
  /** S3 error codes (or HTTP statuses as strings) → s3enc codes for the completion. */
  readonly completeCodes?: Record<string, string> | undefined;
  /** Names the operation in errors (`rewrap`, `copy`). */
  readonly operation: string;
  readonly signal: AbortSignal | undefined;
  /** Sends every part; returns them in part-number order. */
  writeParts(uploadId: string): Promise<CompletedPart[]>;
}

/**
 * Creates the upload, writes its parts, completes it.
 * @returns CompleteMultipartUpload's answer (version id, ETag).
 * @throws what the parts or the completion throw, as s3enc errors, after the upload is aborted
 *   (the message names the upload when even the abort failed).
 */
export async function multipartWrite(
  job: MultipartWriteJob,
): Promise<CompleteMultipartUploadCommandOutput> {
  const { s3, create } = job;
  const bucket = create.Bucket ?? '';
  const key = create.Key ?? '';
  const created = await s3.send(new CreateMultipartUploadCommand(create)).catch((err: unknown) => {
    throw toS3Error(err, 'CreateMultipartUpload', {}, job.signal);
  });
  const uploadId = created.UploadId;
  if (uploadId === undefined)
    throw new S3RequestError(
      'ERR_S3ENC_BAD_RESPONSE',
      'CreateMultipartUpload returned no UploadId',
    );
  try {
    throwIfAborted(job.signal, job.operation);
    const parts = await job.writeParts(uploadId);
    throwIfAborted(job.signal, job.operation);
    const input = {
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
      ...job.completeConditions,
      ...job.targetSsec,
    } as CompleteMultipartUploadCommandInput;
    return await withRetries(
      () => s3.send(new CompleteMultipartUploadCommand(input)),
      REQUEST_ATTEMPTS,
      undefined,
      { operation: 'CompleteMultipartUpload', bucket, key },
    ).catch((err: unknown) => {
      throw toS3Error(err, 'CompleteMultipartUpload', job.completeCodes ?? {}, job.signal);
    });
  } catch (err) {
    const aborted = await abortUpload(s3, bucket, key, uploadId);
    const e = toS3Error(err, job.operation, {}, job.signal);
    if (!aborted) {
      e.message += `; the multipart upload ${uploadId} of s3://${bucket}/${key} could not be aborted: abort it by hand`;
    }
    throw e;
  }
}
