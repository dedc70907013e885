/**
 * The upload engine (DESIGN.md "Upload"): one data key per object, frames sealed per part,
 * parts uploaded in parallel with our own checksums, AbortMultipartUpload on any failure.
 * @internal — reached through EncryptedS3Client.put.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  AbortError,
  S3EncError,
  IntegrityError,
  InvalidArgumentError,
  assertChecksumAlgorithm,
  beginEncryption,
  combinePartChecksums,
  createChecksum,
  defaultChecksumType,
  supportsChecksumType,
  FRAME_OVERHEAD,
  FINAL_FRAME_OVERHEAD,
  planParts,
  ciphertextSize,
  type ChecksumAlgorithm,
  type ChecksumType,
  type EncryptionContext,
  type PartDigest,
  type S3Checksum,
} from '@s3enc/core';
import {
  checkBucketKey,
  checkInt,
  checkProgressListener,
  isListenerFailure,
  type ProgressListener,
  MAX_PARTS,
  MIN_PART_SIZE,
  type ClientContext,
} from './context.js';
import { markerMetadata } from './marker.js';
import { lockParamsFor, type ObjectLockPutOptions } from './object-lock/lock-params.js';
import { toS3Error, withRetries } from './s3-errors.js';
import { discardSource, resolveSource, type PutSource, type SourcePiece } from './sources.js';
import { resolveSse, type ServerSideEncryption } from './sse.js';

/** Options of `EncryptedS3Client.put`. */
export interface PutOptions {
  /** Non-secret pairs bound to the object and sent to KMS; required to match on get. */
  encryptionContext?: EncryptionContext | undefined;
  /** Plaintext bytes per frame (default: core's DEFAULT_FRAME_LENGTH, or the client's). */
  frameLength?: number | undefined;
  /** Target ciphertext bytes per part (rounded to whole frames, at least 5 MiB). Default 8 MiB. */
  partSize?: number | undefined;
  /** Parallel part uploads. Default: the client's (4). Memory ≈ concurrency × 2 × partSize. */
  concurrency?: number | undefined;
  /** Plaintext size of a stream source when the caller knows it (checked). */
  size?: number | undefined;
  /** Fail with ERR_S3ENC_OBJECT_EXISTS instead of overwriting (`If-None-Match: *`). */
  noOverwrite?: boolean | undefined;
  /** Server-side encryption as a second layer. */
  sse?: ServerSideEncryption | undefined;
  /** Checksum S3 validates; default CRC32C. */
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
  /** Multipart checksum type; default FULL_OBJECT for CRCs, COMPOSITE for SHA1/SHA256. */
  checksumType?: ChecksumType | undefined;
  /** Content-Type of the stored object (the ciphertext); default application/octet-stream. */
  contentType?: string | undefined;
  /**
   * Object Lock settings of the new version: a retention (`mode` with `retainUntil` or
   * `retainFor`; COMPLIANCE also needs `acknowledgeComplianceIsIrreversible: true`) and/or a
   * legal hold. Validated before any request (InvalidArgumentError `ERR_S3ENC_LOCK_*`).
   */
  objectLock?: ObjectLockPutOptions | undefined;
  /** Cancels the upload; the multipart upload is aborted and AbortError thrown. */
  signal?: AbortSignal | undefined;
  /**
   * Called with the plaintext bytes S3 has acknowledged, after each part (once, at the end,
   * for an object small enough for one PutObject).
   */
  onProgress?: ProgressListener | undefined;
}

/** What `put` returns. */
export interface PutResult {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
  readonly plaintextSize: number;
  readonly ciphertextSize: number;
  readonly multipart: boolean;
  readonly parts: number;
  /** The checksum S3 holds for the stored bytes (the ciphertext), as we computed it. */
  readonly checksum: S3Checksum;
  /** Message id of the AWS Encryption SDK message, hex. */
  readonly messageId: string;
  /** Keys that wrapped the data key (KMS key ARNs or raw key names). */
  readonly keyIds: readonly string[];
  readonly frameLength: number;
  readonly headerLength: number;
  readonly sse:
    { type: 'SSE-KMS' | 'SSE-S3' | 'SSE-C'; kmsKeyId?: string; bucketKey?: boolean } | undefined;
}

const CHECKSUM_FIELD: Record<
  ChecksumAlgorithm,
  'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME' | 'ChecksumSHA1' | 'ChecksumSHA256'
> = {
  CRC32: 'ChecksumCRC32',
  CRC32C: 'ChecksumCRC32C',
  CRC64NVME: 'ChecksumCRC64NVME',
  SHA1: 'ChecksumSHA1',
  SHA256: 'ChecksumSHA256',
};

const PUT_CODES = {
  PreconditionFailed: 'ERR_S3ENC_OBJECT_EXISTS',
  '412': 'ERR_S3ENC_OBJECT_EXISTS',
  ConditionalRequestConflict: 'ERR_S3ENC_OBJECT_EXISTS',
};

/** An internal controller that follows `outer`; `unlink()` removes the listener on `outer`. */
function linkSignal(outer: AbortSignal | undefined): {
  ac: AbortController;
  unlink: () => void;
} {
  const ac = new AbortController();
  if (outer === undefined) return { ac, unlink: () => undefined };
  if (outer.aborted) {
    ac.abort(outer.reason);
    return { ac, unlink: () => undefined };
  }
  const onAbort = () => {
    ac.abort(outer.reason);
  };
  outer.addEventListener('abort', onAbort, { once: true });
  return {
    ac,
    unlink: () => {
      outer.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Encrypts `source` and stores it at bucket/key.
 *
 * @returns what was stored (sizes, checksum, version, key ids).
 * @throws InvalidArgumentError before any request for bad options, SSE or source;
 *   KeyUnwrapError when the keyring cannot produce a data key; S3RequestError
 *   (ERR_S3ENC_OBJECT_EXISTS with `noOverwrite`, ERR_S3ENC_ACCESS_DENIED, ERR_S3ENC_S3_REQUEST…)
 *   when S3 fails after retries; AbortError when `signal` fires. A failed multipart upload is
 *   always aborted first, so no parts stay behind.
 */
export async function putObject(
  ctx: ClientContext,
  bucket: string,
  key: string,
  source: PutSource,
  o: PutOptions = {},
): Promise<PutResult> {
  checkBucketKey(bucket, key);
  const d = ctx.defaults;
  const concurrency = checkInt('concurrency', o.concurrency, 1, 64) ?? d.concurrency;
  const partSize = checkInt('partSize', o.partSize, MIN_PART_SIZE, 5 * 1024 ** 3) ?? d.partSize;
  const onProgress = checkProgressListener(o.onProgress);
  const algorithm = o.checksumAlgorithm ?? d.checksumAlgorithm;
  assertChecksumAlgorithm(algorithm);
  const checksumType = o.checksumType ?? defaultChecksumType(algorithm);
  if (!supportsChecksumType(algorithm, checksumType)) {
    throw new InvalidArgumentError(
      `S3 does not support ${checksumType} checksums for ${algorithm}`,
      { code: 'ERR_S3ENC_INVALID_CHECKSUM_TYPE' },
    );
  }
  const sse = resolveSse(o.sse);
  const lock = o.objectLock === undefined ? {} : lockParamsFor(o.objectLock);
  if (o.contentType !== undefined && typeof o.contentType !== 'string')
    throw new InvalidArgumentError('contentType must be a string');
  if (o.signal?.aborted === true)
    throw new AbortError('The upload was aborted', { cause: o.signal.reason });
  const { ac, unlink } = linkSignal(o.signal);
  try {
    return await run(ac);
  } finally {
    unlink(); // a long-lived caller signal must not collect one listener per put
  }

  async function run(ac: AbortController): Promise<PutResult> {
    const signal = ac.signal;

    // put owns a stream source from here: if it fails before reading it, the stream is
    // destroyed (cancelled) rather than left open.
    let src: Awaited<ReturnType<typeof resolveSource>>;
    try {
      src = await resolveSource(source, { size: o.size });
    } catch (err) {
      discardSource(source);
      throw err;
    }
    let session: Awaited<ReturnType<typeof beginEncryption>>;
    try {
      session = await beginEncryption({
        keyring: ctx.keyring,
        ...(o.encryptionContext !== undefined ? { encryptionContext: o.encryptionContext } : {}),
        ...((o.frameLength ?? d.frameLength) !== undefined
          ? { frameLength: (o.frameLength ?? d.frameLength)! }
          : {}),
      });
    } catch (err) {
      src.release();
      throw err;
    }
    try {
      const F = session.frameLength;
      const H = session.headerLength;
      const stride = F + FRAME_OVERHEAD;
      const framesPerPart = framesPerPartFor({
        size: src.size,
        frameLength: F,
        headerLength: H,
        partSize,
      });
      const pieceSize = framesPerPart * F;
      const pieces = src.pieces(pieceSize, signal);
      try {
        const first = await pieces.next().catch(sourceFailed);
        if (first.done === true) throw new InvalidArgumentError('the source yielded nothing');
        const common = {
          Bucket: bucket,
          Key: key,
          Metadata: markerMetadata(),
          ContentType: o.contentType ?? 'application/octet-stream',
          ...sse.create,
          ...lock,
        };
        const base = {
          bucket,
          key,
          messageId: session.messageId.toString('hex'),
          keyIds: [...session.keyIds],
          frameLength: F,
          headerLength: H,
          sse: sse.summary,
        };

        if (first.value.last) {
          // One PutObject: header ‖ every frame, one checksum.
          const body = Buffer.concat([
            session.header,
            session.sealFrames(1, first.value.data, true),
          ]);
          const digest = createChecksum(algorithm).update(body).digest();
          const checksum = combinePartChecksums(algorithm, [{ digest, size: body.length }], {
            multipart: false,
          });
          const res = await withRetries(
            () =>
              ctx.s3.send(
                new PutObjectCommand({
                  ...common,
                  Body: body,
                  ContentLength: body.length,
                  [CHECKSUM_FIELD[algorithm]]: checksum.value,
                  ...(o.noOverwrite === true ? { IfNoneMatch: '*' } : {}),
                }),
                { abortSignal: signal },
              ),
            3,
            signal,
          ).catch((err: unknown) => {
            throw toS3Error(err, 'PutObject', PUT_CODES, signal);
          });
          checkEcho(res, algorithm, checksum.value);
          onProgress?.({ bytes: first.value.data.length, total: first.value.data.length });
          return {
            ...base,
            versionId: res.VersionId,
            etag: res.ETag,
            plaintextSize: first.value.data.length,
            ciphertextSize: body.length,
            multipart: false,
            parts: 1,
            checksum,
          };
        }

        // Multipart.
        const created = await ctx.s3
          .send(
            new CreateMultipartUploadCommand({
              ...common,
              ChecksumAlgorithm: algorithm,
              ChecksumType: checksumType,
            }),
            // Not cancelled mid-flight: S3 could create the upload while we never learn its id.
          )
          .catch((err: unknown) => {
            throw toS3Error(err, 'CreateMultipartUpload', {}, signal);
          });
        const uploadId = created.UploadId;
        if (uploadId === undefined)
          throw toS3Error(new Error('no UploadId'), 'CreateMultipartUpload');
        try {
          if (signal.aborted)
            throw new AbortError('The upload was aborted', { cause: signal.reason });
          const results: { part: CompletedPart; digest: PartDigest; plain: number }[] = [];
          let acknowledged = 0;
          let failure: Error | undefined;
          let nextPiece: SourcePiece | undefined = first.value;
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
          // Pulls are serialised so pieces come out in order, one at a time.
          let pull: Promise<unknown> = Promise.resolve();
          const nextInOrder = (): Promise<SourcePiece | undefined> => {
            const p = pull.then(take);
            pull = p.catch(() => undefined);
            return p;
          };
          // One part buffer per worker, reused: a part's bytes stay untouched until its upload
          // (retries included) has finished, then the next part is sealed into the same memory.
          const partCapacity = H + framesPerPart * stride + FINAL_FRAME_OVERHEAD;
          const worker = async (): Promise<void> => {
            const partBuffer = Buffer.allocUnsafe(partCapacity);
            while (failure === undefined) {
              const piece = await nextInOrder();
              if (piece === undefined) return;
              const partNumber = piece.index + 1;
              if (partNumber > MAX_PARTS) {
                throw new InvalidArgumentError(
                  `the stream needs more than ${MAX_PARTS} parts; raise partSize or pass size`,
                  {
                    code: 'ERR_S3ENC_TOO_MANY_PARTS',
                  },
                );
              }
              let len = 0;
              if (partNumber === 1) len += session.header.copy(partBuffer, 0);
              len += session.sealFramesInto(
                partBuffer,
                len,
                piece.index * framesPerPart + 1,
                piece.data,
                piece.last,
              );
              const body = partBuffer.subarray(0, len);
              const digest = createChecksum(algorithm).update(body).digest();
              const b64 = digest.toString('base64');
              const res = await withRetries(
                () =>
                  ctx.s3.send(
                    new UploadPartCommand({
                      Bucket: bucket,
                      Key: key,
                      UploadId: uploadId,
                      PartNumber: partNumber,
                      Body: body,
                      ContentLength: body.length,
                      [CHECKSUM_FIELD[algorithm]]: b64,
                      ...sse.perRequest,
                    }),
                    { abortSignal: signal },
                  ),
                3,
                signal,
              ).catch((err: unknown) => {
                throw toS3Error(err, `UploadPart ${partNumber}`, {}, signal);
              });
              checkEcho(res, algorithm, b64);
              results.push({
                part: { PartNumber: partNumber, ETag: res.ETag, [CHECKSUM_FIELD[algorithm]]: b64 },
                digest: { digest, size: body.length },
                plain: piece.data.length,
              });
              acknowledged += piece.data.length;
              onProgress?.({ bytes: acknowledged, total: src.size });
            }
          };
          const workers = Array.from({ length: concurrency }, () =>
            worker().catch((err: unknown) => {
              failure ??= err instanceof Error ? err : new Error('upload failed', { cause: err });
              ac.abort(failure);
            }),
          );
          await Promise.all(workers);
          if (failure !== undefined) throw failure;
          results.sort((a, b) => a.part.PartNumber! - b.part.PartNumber!);
          const checksum = combinePartChecksums(
            algorithm,
            results.map((r) => r.digest),
            { multipart: true, type: checksumType },
          );
          const ciphertextSize = results.reduce((s, r) => s + r.digest.size, 0);
          if (signal.aborted)
            throw new AbortError('The upload was aborted', { cause: signal.reason });
          const done = await withRetries(
            () =>
              ctx.s3.send(
                new CompleteMultipartUploadCommand({
                  Bucket: bucket,
                  Key: key,
                  UploadId: uploadId,
                  MultipartUpload: { Parts: results.map((r) => r.part) },
                  ChecksumType: checksumType,
                  ...(checksumType === 'FULL_OBJECT'
                    ? { [CHECKSUM_FIELD[algorithm]]: checksum.value }
                    : {}),
                  MpuObjectSize: ciphertextSize,
                  ...(o.noOverwrite === true ? { IfNoneMatch: '*' } : {}),
                  ...sse.perRequest,
                }),
                // Not cancelled mid-flight either: the object may or may not exist afterwards.
              ),
            3,
          ).catch((err: unknown) => {
            throw toS3Error(err, 'CompleteMultipartUpload', PUT_CODES, signal);
          });
          if (checksumType === 'FULL_OBJECT') checkEcho(done, algorithm, checksum.value);
          return {
            ...base,
            versionId: done.VersionId,
            etag: done.ETag,
            plaintextSize: results.reduce((s, r) => s + r.plain, 0),
            ciphertextSize,
            multipart: true,
            parts: results.length,
            checksum,
          };
        } catch (err) {
          await abortUpload(ctx.s3, bucket, key, uploadId);
          if (isListenerFailure(err)) throw err;
          throw toS3Error(err, 'multipart upload', {}, o.signal);
        }
      } finally {
        // Every path, single PutObject included: closes a file source's descriptor and lets go
        // of a stream source that was not read to its end.
        await pieces.return(undefined).catch(() => undefined);
      }
    } finally {
      session.destroy();
    }
  }
}

/** A failure of the caller's source (a stream error, an unreadable file), kept apart from S3 errors. */
function sourceFailed(err: unknown): never {
  if (err instanceof S3EncError) throw err;
  throw new S3EncError('ERR_S3ENC_SOURCE_FAILED', 'Reading the upload source failed', {
    cause: err,
  });
}

/** S3's largest object: 5 TiB. */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;

/**
 * Frames per multipart part: as planParts decides for a known size (the part grows so the
 * object fits in 10,000 parts), or from the target part size for a stream of unknown length.
 * @throws InvalidArgumentError (ERR_S3ENC_OBJECT_TOO_LARGE) when the ciphertext would exceed 5 TiB.
 * @internal exported for tests.
 */
export function framesPerPartFor(o: {
  size: number | undefined;
  frameLength: number;
  headerLength: number;
  partSize: number;
}): number {
  const stride = o.frameLength + FRAME_OVERHEAD;
  let k = Math.max(Math.floor(o.partSize / stride), Math.ceil(MIN_PART_SIZE / stride), 1);
  if (o.size !== undefined) {
    if (ciphertextSize(o.size, o.frameLength, o.headerLength) > MAX_OBJECT_SIZE) {
      throw new InvalidArgumentError("the encrypted object would exceed S3's 5 TiB limit", {
        code: 'ERR_S3ENC_OBJECT_TOO_LARGE',
      });
    }
    const plan = planParts({
      plaintextSize: o.size,
      frameLength: o.frameLength,
      headerLength: o.headerLength,
      partSize: o.partSize,
      maxParts: MAX_PARTS,
      minPartSize: MIN_PART_SIZE,
    });
    if (plan.length > 1) k = plan[0]!.frameCount;
  }
  return k;
}

/** AbortMultipartUpload, retried; never throws (the original failure matters more). */
async function abortUpload(
  s3: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<void> {
  for (let i = 0; i < 4; i++) {
    try {
      await s3.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
      );
      return;
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'NoSuchUpload') return;
      await new Promise((r) => setTimeout(r, 100 * 2 ** i));
    }
  }
}

/** If S3 echoes a checksum of the same algorithm, it must be ours. */
function checkEcho(res: object, algorithm: ChecksumAlgorithm, expected: string): void {
  const got = (res as Record<string, unknown>)[CHECKSUM_FIELD[algorithm]];
  if (typeof got === 'string' && got !== '' && got !== expected) {
    throw new IntegrityError(
      'ERR_S3ENC_CHECKSUM_MISMATCH',
      'S3 reported a different checksum than the one sent',
    );
  }
}
