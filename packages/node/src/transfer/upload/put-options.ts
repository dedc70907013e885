/** The options and result of `put`, and their validation (before any request). */
import {
  AbortError,
  InvalidArgumentError,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
  S3_MAX_PART_SIZE,
  assertChecksumAlgorithm,
  defaultChecksumType,
  supportsChecksumType,
  type ChecksumAlgorithm,
  type ChecksumType,
  type EncryptionContext,
  type S3Checksum,
} from '@s3enc/core';
import {
  checkBucketKey,
  checkInt,
  checkProgressListener,
  MIN_PART_SIZE,
  type ClientContext,
  type ProgressListener,
  type TransferProgress,
} from '../../context.js';
import {
  lockParamsFor,
  type ObjectLockPutOptions,
  type ObjectLockPutParams,
} from '../../object-lock/lock-params.js';
import { resolveSse, type ServerSideEncryption, type SseParams } from '../../sse.js';
import { resolveObjectFields, type ObjectFieldOptions } from './object-fields.js';

/** Options of `EncryptedS3Client.put`. */
export interface PutOptions extends ObjectFieldOptions {
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
  /**
   * Called once S3 has created the multipart upload, with its id: a caller that may have to
   * exit before put settles (a CLI on a second interrupt) can then name the upload to abort by
   * hand. What it throws is ignored.
   */
  onMultipartUpload?: ((upload: MultipartUploadRef) => void) | undefined;
}

/** A multipart upload by name: what AbortMultipartUpload needs. */
export interface MultipartUploadRef {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
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

/** A put's options, checked and resolved against the client's defaults. */
export interface PutSettings {
  readonly bucket: string;
  readonly key: string;
  readonly concurrency: number;
  readonly partSize: number;
  readonly frameLength: number | undefined;
  readonly algorithm: ChecksumAlgorithm;
  readonly checksumType: ChecksumType;
  readonly sse: SseParams;
  readonly lock: ObjectLockPutParams;
  readonly contentType: string;
  /** Metadata, storage class, HTTP headers and tags (object-fields.ts). */
  readonly object: ReturnType<typeof resolveObjectFields>;
  readonly noOverwrite: boolean;
  readonly encryptionContext: EncryptionContext | undefined;
  readonly onProgress: ((p: TransferProgress) => void) | undefined;
  readonly onMultipartUpload: ((upload: MultipartUploadRef) => void) | undefined;
}

/**
 * Stage 1 of put: every option checked, nothing sent.
 * @throws InvalidArgumentError for a bad option, SSE or lock setting; AbortError when
 *   `signal` has already fired.
 */
export function resolvePutSettings(
  ctx: ClientContext,
  bucket: string,
  key: string,
  o: PutOptions,
): PutSettings {
  checkBucketKey(bucket, key);
  const d = ctx.defaults;
  const concurrency =
    checkInt('concurrency', o.concurrency, MIN_CONCURRENCY, MAX_CONCURRENCY) ?? d.concurrency;
  const partSize = checkInt('partSize', o.partSize, MIN_PART_SIZE, S3_MAX_PART_SIZE) ?? d.partSize;
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
  if (o.onMultipartUpload !== undefined && typeof o.onMultipartUpload !== 'function')
    throw new InvalidArgumentError('onMultipartUpload must be a function');
  if (o.signal?.aborted === true)
    throw new AbortError('The upload was aborted', { cause: o.signal.reason });
  return {
    bucket,
    key,
    concurrency,
    partSize,
    frameLength: o.frameLength ?? d.frameLength,
    algorithm,
    checksumType,
    sse,
    lock,
    contentType: o.contentType ?? 'application/octet-stream',
    object: resolveObjectFields(o),
    noOverwrite: o.noOverwrite === true,
    encryptionContext: o.encryptionContext,
    onProgress,
    onMultipartUpload: o.onMultipartUpload,
  };
}
