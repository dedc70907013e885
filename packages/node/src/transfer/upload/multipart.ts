/**
 * A multipart upload of whole frames: create, parallel part workers, complete with our
 * checksums — and on any failure AbortMultipartUpload, so no parts stay behind.
 * @internal
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CompleteMultipartUploadCommandInput,
  type CreateMultipartUploadCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ABORT_ATTEMPTS, AbortError, REQUEST_ATTEMPTS, combinePartChecksums } from '@s3enc/core';
import { isListenerFailure } from '../../context.js';
import { toS3Error, withRetries } from '../../s3-errors.js';
import { eventError, events } from '../diagnostics.js';
import { CHECKSUM_FIELD, checkEcho } from './checksum-fields.js';
import { partWorker, pieceQueue, type PartResult } from './part-worker.js';
import type { MultipartUploadRef, PutResult } from './put-options.js';
import { putCodesFor, writeConditions } from './single-put.js';
import type { SourcePiece } from './sources.js';
import type { UploadJob, UploadRequests } from './upload-job.js';

/**
 * Uploads the pieces (`first` already pulled) as parts of `framesPerPart` frames.
 * @param abortAll stops the other workers when one fails.
 * @throws what a worker threw (wrapped as S3RequestError unless typed or a listener's), after
 *   the upload was aborted.
 */
export async function putMultipart(
  job: UploadJob,
  framesPerPart: number,
  pieces: AsyncGenerator<SourcePiece, void, undefined>,
  first: SourcePiece | undefined,
  abortAll: (reason: Error) => void,
  resume?: MultipartResume & { onPart(r: PartResult): void },
): Promise<PutResult> {
  return multipartUpload(
    job,
    (uploadId) => {
      const next = pieceQueue(pieces, first);
      return runPartWorkers(
        job,
        (failed, done) => partWorker(job, uploadId, framesPerPart, next, failed, done),
        abortAll,
        resume,
      );
    },
    resume,
  );
}

/**
 * CreateMultipartUpload, then `uploadParts`, then CompleteMultipartUpload with our checksums;
 * on any failure AbortMultipartUpload, so no parts stay behind.
 * @throws what `uploadParts` threw (wrapped as S3RequestError unless typed or a listener's),
 *   after the upload was aborted.
 */
export async function multipartUpload(
  job: UploadRequests,
  uploadParts: (uploadId: string) => Promise<PartResult[]>,
  resume?: MultipartResume,
): Promise<PutResult> {
  const { ctx, settings: s, signal } = job;
  const uploadId = resume?.uploadId ?? (await createUpload(job));
  try {
    s.onMultipartUpload?.({ bucket: s.bucket, key: s.key, uploadId });
  } catch {
    // The caller's bookkeeping; the upload goes on.
  }
  let completing = false;
  try {
    if (resume !== undefined && resume.uploadId === undefined) await resume.created(uploadId);
    if (signal.aborted) throw new AbortError('The upload was aborted', { cause: signal.reason });
    const results = await uploadParts(uploadId);
    await resume?.flush();
    completing = true;
    const all = [...(resume?.done ?? []), ...results].sort(
      (a, b) => a.part.PartNumber! - b.part.PartNumber!,
    );
    const r = await complete(job, uploadId, all);
    await resume?.finished();
    return r;
  } catch (err) {
    const e = isListenerFailure(err)
      ? err
      : toS3Error(err, 'multipart upload', {}, job.callerSignal);
    const ref = { bucket: s.bucket, key: s.key, uploadId };
    // Interrupted or failed while sending parts: a resumable put keeps the upload (and the
    // state that names it) for the next run instead of aborting it.
    if (resume !== undefined && !completing && (await resume.keep(e))) {
      markUploadKeptForResume(e, ref, resume.statePath);
      throw e;
    }
    const aborted = await abortUpload(ctx.s3, s.bucket, s.key, uploadId);
    await resume?.finished();
    if (!aborted) markUploadLeftOpen(e, ref);
    throw e;
  }
}

/**
 * What a resumable put adds to a multipart upload (upload/resume/): an upload to continue, the
 * parts already stored, and the state file kept in step.
 */
export interface MultipartResume {
  /** An upload to continue instead of creating one. */
  readonly uploadId: string | undefined;
  /** Parts already stored (checked against ListParts), completed with the new ones. */
  readonly done: readonly PartResult[];
  readonly statePath: string;
  /** The upload was created: the state file must name it before any part is sent. */
  created(uploadId: string): Promise<void>;
  /** Waits until the state file records every part stored so far. */
  flush(): Promise<void>;
  /** The upload is settled (completed or aborted): the state file goes. */
  finished(): Promise<void>;
  /** Whether to keep the upload open after `err` (its state file recorded); false: abort it. */
  keep(err: unknown): Promise<boolean>;
}

/** CreateMultipartUpload. @returns the upload id. */
async function createUpload(job: UploadRequests): Promise<string> {
  const { ctx, settings: s, signal } = job;
  const created = await ctx.s3
    .send(
      new CreateMultipartUploadCommand({
        ...job.createFields,
        ChecksumAlgorithm: s.algorithm,
        ChecksumType: s.checksumType,
      } as CreateMultipartUploadCommandInput),
      // Not cancelled mid-flight: S3 could create the upload while we never learn its id.
    )
    .catch((err: unknown) => {
      throw toS3Error(err, 'CreateMultipartUpload', {}, signal);
    });
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw toS3Error(new Error('no UploadId'), 'CreateMultipartUpload');
  return uploadId;
}

/**
 * Runs `concurrency` copies of `worker` to the end, reporting progress as parts finish; the
 * first failure stops the rest (`failed()` turns true, `abortAll` fires) and is thrown.
 * @returns the parts in part-number order.
 */
export async function runPartWorkers(
  job: UploadRequests,
  worker: (failed: () => boolean, done: (r: PartResult) => void) => Promise<void>,
  abortAll: (reason: Error) => void,
  resume?: { readonly done: readonly PartResult[]; onPart(r: PartResult): void },
): Promise<PartResult[]> {
  const s = job.settings;
  const results: PartResult[] = [];
  let acknowledged = resume?.done.reduce((n, r) => n + r.plain, 0) ?? 0;
  let failure: Error | undefined;
  const onPart = (r: PartResult) => {
    results.push(r);
    resume?.onPart(r);
    acknowledged += r.plain;
    s.onProgress?.({ bytes: acknowledged, total: job.sourceSize });
  };
  const workers = Array.from({ length: s.concurrency }, () =>
    worker(() => failure !== undefined, onPart).catch((err: unknown) => {
      failure ??= err instanceof Error ? err : new Error('upload failed', { cause: err });
      abortAll(failure);
    }),
  );
  await Promise.all(workers);
  if (failure !== undefined) throw failure;
  return results.sort((a, b) => a.part.PartNumber! - b.part.PartNumber!);
}

/** CompleteMultipartUpload with the combined checksum. */
async function complete(
  job: UploadRequests,
  uploadId: string,
  results: PartResult[],
): Promise<PutResult> {
  const { ctx, settings: s, signal } = job;
  const checksum = combinePartChecksums(
    s.algorithm,
    results.map((r) => r.digest),
    { multipart: true, type: s.checksumType },
  );
  const ciphertextSize = results.reduce((n, r) => n + r.digest.size, 0);
  if (signal.aborted) throw new AbortError('The upload was aborted', { cause: signal.reason });
  const input = {
    Bucket: s.bucket,
    Key: s.key,
    UploadId: uploadId,
    MultipartUpload: { Parts: results.map((r) => r.part) },
    ChecksumType: s.checksumType,
    ...(s.checksumType === 'FULL_OBJECT' ? { [CHECKSUM_FIELD[s.algorithm]]: checksum.value } : {}),
    MpuObjectSize: ciphertextSize,
    ...writeConditions(s),
    ...s.sse.perRequest,
  } as CompleteMultipartUploadCommandInput;
  const done = await withRetries(
    // Not cancelled mid-flight either: the object may or may not exist afterwards.
    () => ctx.s3.send(new CompleteMultipartUploadCommand(input)),
    REQUEST_ATTEMPTS,
    undefined,
    { operation: 'CompleteMultipartUpload', bucket: s.bucket, key: s.key },
  ).catch((err: unknown) => {
    throw toS3Error(err, 'CompleteMultipartUpload', putCodesFor(s), signal);
  });
  if (s.checksumType === 'FULL_OBJECT') checkEcho(done, s.algorithm, checksum.value);
  return {
    ...job.resultBase,
    versionId: done.VersionId,
    etag: done.ETag,
    plaintextSize: results.reduce((n, r) => n + r.plain, 0),
    ciphertextSize,
    multipart: true,
    parts: results.length,
    checksum,
  };
}

/** How long one AbortMultipartUpload may take: a stalled server must not hold put forever. */
const ABORT_ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * AbortMultipartUpload, retried (ABORT_ATTEMPTS, each bounded in time); never throws (the
 * original failure matters more).
 * @returns true when the upload is gone (aborted, or S3 no longer knows it).
 */
export async function abortUpload(
  s3: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<boolean> {
  let last: unknown;
  const report = (ok: boolean, attempts: number) => {
    if (events.uploadAbort.active) {
      const error = ok ? undefined : eventError(last);
      events.uploadAbort.publish({ bucket, key, uploadId, ok, attempts, error });
    }
  };
  for (let i = 0; i < ABORT_ATTEMPTS; i++) {
    try {
      await s3.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
        { abortSignal: AbortSignal.timeout(ABORT_ATTEMPT_TIMEOUT_MS) },
      );
      report(true, i + 1);
      return true;
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'NoSuchUpload') {
        report(true, i + 1);
        return true;
      }
      last = err;
      if (i + 1 < ABORT_ATTEMPTS) await new Promise((r) => setTimeout(r, 100 * 2 ** i));
    }
  }
  report(false, ABORT_ATTEMPTS);
  return false;
}

/**
 * Makes the error put throws say that the multipart upload stays open for a resumed run: as
 * markUploadLeftOpen, plus `resumeStatePath` (the state file that names it).
 */
export function markUploadKeptForResume(
  err: unknown,
  upload: MultipartUploadRef,
  statePath: string,
): void {
  if (typeof err !== 'object' || err === null) return;
  Object.defineProperty(err, 'openMultipartUpload', { value: upload, enumerable: true });
  Object.defineProperty(err, 'resumeStatePath', { value: statePath, enumerable: true });
  if (err instanceof Error && !isListenerFailure(err)) {
    err.message += `; the multipart upload ${upload.uploadId} of s3://${upload.bucket}/${upload.key} stays open for a resume from ${statePath} (its parts are stored and billed until it completes or is aborted)`;
  }
}

/**
 * Makes the error put throws say that the multipart upload is still open, and which: its
 * message names the upload id, and `openMultipartUpload` holds bucket, key and upload id (for
 * a caller that aborts it later, or a person who runs `aws s3api abort-multipart-upload`).
 */
export function markUploadLeftOpen(err: unknown, upload: MultipartUploadRef): void {
  if (typeof err !== 'object' || err === null) return;
  Object.defineProperty(err, 'openMultipartUpload', { value: upload, enumerable: true });
  if (err instanceof Error && !isListenerFailure(err)) {
    err.message += `; AbortMultipartUpload failed ${ABORT_ATTEMPTS} times, so the multipart upload ${upload.uploadId} of s3://${upload.bucket}/${upload.key} is still open (its parts are stored and billed): abort it by hand`;
  }
}
