/**
 * Multipart workers: each pulls the next plaintext piece in order, seals its frames into its
 * own reusable part buffer, checksums the part and uploads it (retried with the same bytes).
 * @internal
 */
import { UploadPartCommand, type CompletedPart } from '@aws-sdk/client-s3';
import {
  createChecksum,
  FINAL_FRAME_OVERHEAD,
  FRAME_OVERHEAD,
  InvalidArgumentError,
  S3EncError,
  REQUEST_ATTEMPTS,
  type PartDigest,
} from '@s3enc/core';
import { MAX_PARTS } from '../../context.js';
import { toS3Error, withRetries } from '../../s3-errors.js';
import { events, now, since } from '../diagnostics.js';
import { CHECKSUM_FIELD, checkEcho } from './checksum-fields.js';
import type { SourcePiece } from './sources.js';
import type { UploadJob, UploadRequests } from './upload-job.js';

/** One uploaded part. */
export interface PartResult {
  readonly part: CompletedPart;
  readonly digest: PartDigest;
  /** Plaintext bytes in the part. */
  readonly plain: number;
}

/** A failure of the caller's source (a stream error, an unreadable file), kept apart from S3 errors. */
export function sourceFailed(err: unknown): never {
  if (err instanceof S3EncError) throw err;
  throw new S3EncError('ERR_S3ENC_SOURCE_FAILED', 'Reading the upload source failed', {
    cause: err,
  });
}

/**
 * Serialises pulls from the source so pieces come out in order, one at a time; `first` (already
 * pulled to choose between one PutObject and multipart) comes out first, when given.
 */
export function pieceQueue(
  pieces: AsyncGenerator<SourcePiece, void, undefined>,
  first: SourcePiece | undefined,
): () => Promise<SourcePiece | undefined> {
  let nextPiece: SourcePiece | undefined = first;
  let sourceDone = false;
  const take = async (): Promise<SourcePiece | undefined> => {
    if (nextPiece !== undefined) {
      const p = nextPiece;
      nextPiece = undefined;
      return p;
    }
    if (sourceDone) return undefined;
    const r = await pieces.next().catch(sourceFailed);
    if (r.done === true) {
      sourceDone = true;
      return undefined;
    }
    if (r.value.last) sourceDone = true;
    return r.value;
  };
  let pull: Promise<unknown> = Promise.resolve();
  return () => {
    const p = pull.then(take);
    pull = p.catch(() => undefined);
    return p;
  };
}

/**
 * Uploads parts until the queue is empty or `failed()` says another worker failed.
 * @throws InvalidArgumentError ERR_S3ENC_TOO_MANY_PARTS; S3RequestError; IntegrityError
 *   (checksum echo); the source's errors.
 */
export async function partWorker(
  job: UploadJob,
  uploadId: string,
  framesPerPart: number,
  next: () => Promise<SourcePiece | undefined>,
  failed: () => boolean,
  done: (r: PartResult) => void,
): Promise<void> {
  const { session } = job;
  const stride = session.frameLength + FRAME_OVERHEAD;
  // One part buffer per worker, reused: a part's bytes stay untouched until its upload
  // (retries included) has finished, then the next part is sealed into the same memory.
  const partBuffer = Buffer.allocUnsafe(
    session.headerLength + framesPerPart * stride + FINAL_FRAME_OVERHEAD,
  );
  while (!failed()) {
    const piece = await next();
    if (piece === undefined) return;
    const partNumber = partNumberOf(piece);
    let len = 0;
    if (partNumber === 1) len += session.header.copy(partBuffer, 0);
    len += session.sealFramesInto(
      partBuffer,
      len,
      piece.index * framesPerPart + 1,
      piece.data,
      piece.last,
    );
    done(
      await uploadPart(job, uploadId, partNumber, partBuffer.subarray(0, len), piece.data.length),
    );
  }
}

/**
 * The part number of `piece`.
 * @throws InvalidArgumentError ERR_S3ENC_TOO_MANY_PARTS past the S3 limit.
 */
export function partNumberOf(piece: SourcePiece): number {
  const partNumber = piece.index + 1;
  if (partNumber > MAX_PARTS) {
    throw new InvalidArgumentError(
      `the stream needs more than ${MAX_PARTS} parts; raise partSize or pass size`,
      { code: 'ERR_S3ENC_TOO_MANY_PARTS' },
    );
  }
  return partNumber;
}

/**
 * Uploads `body` (sealed, `plain` plaintext bytes) as part `partNumber` with its checksum,
 * retried with the same bytes; checks the checksum S3 echoes.
 * @throws S3RequestError; IntegrityError (checksum echo).
 */
export async function uploadPart(
  job: UploadRequests,
  uploadId: string,
  partNumber: number,
  body: Buffer,
  plain: number,
): Promise<PartResult> {
  const { ctx, settings: s, signal } = job;
  const digest = createChecksum(s.algorithm).update(body).digest();
  const b64 = digest.toString('base64');
  const t0 = now();
  const res = await withRetries(
    () =>
      ctx.s3.send(
        new UploadPartCommand({
          Bucket: s.bucket,
          Key: s.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
          [CHECKSUM_FIELD[s.algorithm]]: b64,
          ...s.sse.perRequest,
        }),
        { abortSignal: signal },
      ),
    REQUEST_ATTEMPTS,
    signal,
    { operation: 'UploadPart', bucket: s.bucket, key: s.key },
  ).catch((err: unknown) => {
    throw toS3Error(err, `UploadPart ${partNumber}`, {}, signal);
  });
  checkEcho(res, s.algorithm, b64);
  if (events.partFinish.active) {
    events.partFinish.publish({
      bucket: s.bucket,
      key: s.key,
      uploadId,
      partNumber,
      size: body.length,
      durationMs: since(t0),
    });
  }
  return {
    part: { PartNumber: partNumber, ETag: res.ETag, [CHECKSUM_FIELD[s.algorithm]]: b64 },
    digest: { digest, size: body.length },
    plain,
  };
}
