/** An object that fits in one part: one PutObject of header ‖ every frame, one checksum. @internal */
import { PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { REQUEST_ATTEMPTS, combinePartChecksums, createChecksum } from '@s3enc/core';
import { toS3Error, withRetries } from '../../s3-errors.js';
import { CHECKSUM_FIELD, checkEcho } from './checksum-fields.js';
import { withPayloadSigning } from './payload-signing.js';
import type { PutResult, PutSettings } from './put-options.js';
import type { SourcePiece } from './sources.js';
import type { UploadJob, UploadRequests } from './upload-job.js';

export const PUT_CODES = {
  PreconditionFailed: 'ERR_S3ENC_OBJECT_EXISTS',
  '412': 'ERR_S3ENC_OBJECT_EXISTS',
  ConditionalRequestConflict: 'ERR_S3ENC_OBJECT_EXISTS',
};

/** With `ifMatch`, a failed precondition means the object changed since it was read. */
const REPLACE_CODES = {
  PreconditionFailed: 'ERR_S3ENC_OBJECT_CHANGED',
  '412': 'ERR_S3ENC_OBJECT_CHANGED',
  ConditionalRequestConflict: 'ERR_S3ENC_OBJECT_CHANGED',
};

/** The error codes of a write, by its condition. */
export function putCodesFor(s: PutSettings): Record<string, string> {
  return s.ifMatch !== undefined ? REPLACE_CODES : PUT_CODES;
}

/** The conditional-write fields: `If-None-Match: *` (noOverwrite) or `If-Match` (replace only that ETag). */
export function writeConditions(s: PutSettings): Record<string, string> {
  if (s.ifMatch !== undefined) return { IfMatch: s.ifMatch };
  return s.noOverwrite ? { IfNoneMatch: '*' } : {};
}

/**
 * Seals `piece` (the whole plaintext) as one message and stores it.
 * @throws S3RequestError (ERR_S3ENC_OBJECT_EXISTS with noOverwrite…), IntegrityError
 *   (ERR_S3ENC_CHECKSUM_MISMATCH), AbortError.
 */
export async function putSingle(job: UploadJob, piece: SourcePiece): Promise<PutResult> {
  const { session } = job;
  const body = Buffer.concat([session.header, session.sealFrames(1, piece.data, true)]);
  return storeSingle(job, body, piece.data.length);
}

/**
 * Stores `body` (the whole sealed object, `plain` plaintext bytes) with one PutObject, its
 * checksum and the write conditions, retried with the same bytes.
 * @throws as {@link putSingle}.
 */
export async function storeSingle(
  job: UploadRequests,
  body: Buffer,
  plain: number,
): Promise<PutResult> {
  const { ctx, settings: s, signal } = job;
  const digest = createChecksum(s.algorithm).update(body).digest();
  const checksum = combinePartChecksums(s.algorithm, [{ digest, size: body.length }], {
    multipart: false,
  });
  const input = {
    ...job.createFields,
    Body: body,
    ContentLength: body.length,
    [CHECKSUM_FIELD[s.algorithm]]: checksum.value,
    ...writeConditions(s),
  } as unknown as PutObjectCommandInput;
  const res = await withRetries(
    () =>
      ctx.s3.send(withPayloadSigning(new PutObjectCommand(input), ctx.defaults.signPayload), {
        abortSignal: signal,
      }),
    REQUEST_ATTEMPTS,
    signal,
    { operation: 'PutObject', bucket: s.bucket, key: s.key },
  ).catch((err: unknown) => {
    throw toS3Error(err, 'PutObject', putCodesFor(s), signal);
  });
  checkEcho(res, s.algorithm, checksum.value);
  s.onProgress?.({ bytes: plain, total: plain });
  return {
    ...job.resultBase,
    versionId: res.VersionId,
    etag: res.ETag,
    plaintextSize: plain,
    ciphertextSize: body.length,
    multipart: false,
    parts: 1,
    checksum,
  };
}
