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
  /**
   * `'s3enc'` (default): the AWS Encryption SDK message (authenticated ranges, parallel reads).
   * `'s3ec-v3'`: the Amazon S3 Encryption Client's V3 format, as the official 4.x clients
   * write it (KMS key from the client, else `s3ec.aesKey`), for readers that are the official
   * clients. At most 64 GiB − 32 bytes; read whole, never by range (docs/s3ec.md).
   */
  format?: 's3enc' | 's3ec-v3' | undefined;
  /**
   * `format: 's3ec-v3'` only: put the wrapped key and its context in the instruction file
   * `<key>.instruction` instead of the object's metadata (written after the object; the
   * object version is deleted again if that fails).
   */
  instructionFile?: boolean | undefined;
  /** User metadata of the stored object (keys without `x-amz-meta-`; the format's own keys are refused). */
  metadata?: Readonly<Record<string, string>> | undefined;
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
  /**
   * Replace the object only while its current ETag is this one (`If-Match`): otherwise
   * S3RequestError ERR_S3ENC_OBJECT_CHANGED and nothing is stored (no lost update).
   */
  ifMatch?: string | undefined;
  /** Tags of the stored object. */
  tags?: Readonly<Record<string, string>> | undefined;
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
  /**
   * A file source only: keep a resume state in this file (docs/transfer.md, "Resuming a put").
   * When the file does not exist, the put writes it (mode 0600, atomically) once the multipart
   * upload is created and after each stored part; an interrupted or failed put then leaves the
   * upload open (not aborted) and the error names it (`openMultipartUpload`, `resumeStatePath`).
   * When the file exists, the put continues that upload: the data key is unwrapped again from
   * the saved header, the stored parts are checked with ListParts, only the missing parts are
   * sent. The file holds no secret and is deleted when the upload completes or is aborted.
   * A file that fits one PutObject needs no state (none is written).
   */
  resumeStatePath?: string | undefined;
  /**
   * With `resumeStatePath`: when the saved state no longer fits (the file changed, the upload is
   * gone, S3's parts disagree), abort the old upload and start over instead of throwing.
   */
  restartIfStale?: boolean | undefined;
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
  /** The format written (absent means `'s3enc'`). */
  readonly format?: 's3enc' | 's3ec-v3' | undefined;
  /** Message id of the AWS Encryption SDK message (for `s3ec-v3`, the V3 message id), hex. */
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
  /** Storage class and the HTTP headers S3 stores (object-fields.ts). */
  readonly objectFields: Readonly<Record<string, unknown>>;
  readonly noOverwrite: boolean;
  readonly ifMatch: string | undefined;
  /** The tags as S3's `Tagging` field (URL-encoded), or undefined. */
  readonly tagging: string | undefined;
  readonly encryptionContext: EncryptionContext | undefined;
  readonly metadata: Readonly<Record<string, string>>;
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
  const metadata = checkUserMetadata(o.metadata);
  const ifMatch = o.ifMatch;
  if (ifMatch !== undefined && (typeof ifMatch !== 'string' || ifMatch === ''))
    throw new InvalidArgumentError('ifMatch must be an ETag');
  if (ifMatch !== undefined && o.noOverwrite === true)
    throw new InvalidArgumentError('give ifMatch or noOverwrite, not both');
  if (o.format !== undefined && o.format !== 's3enc' && o.format !== 's3ec-v3')
    throw new InvalidArgumentError("format must be 's3enc' or 's3ec-v3'");
  if (o.instructionFile !== undefined && o.format !== 's3ec-v3')
    throw new InvalidArgumentError("instructionFile applies to format 's3ec-v3' only");
  if (o.onMultipartUpload !== undefined && typeof o.onMultipartUpload !== 'function')
    throw new InvalidArgumentError('onMultipartUpload must be a function');
  if (
    o.resumeStatePath !== undefined &&
    (typeof o.resumeStatePath !== 'string' || o.resumeStatePath === '')
  )
    throw new InvalidArgumentError('resumeStatePath must be a file path');
  if (o.restartIfStale !== undefined && o.resumeStatePath === undefined)
    throw new InvalidArgumentError('restartIfStale applies with resumeStatePath');
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
    objectFields: resolveObjectFields(o),
    noOverwrite: o.noOverwrite === true,
    ifMatch,
    tagging: taggingOf(o.tags),
    encryptionContext: o.encryptionContext,
    metadata,
    onProgress,
    onMultipartUpload: o.onMultipartUpload,
  };
}

/** Metadata keys the formats own: refused in a caller's `metadata`. */
// `s3enc-sync-*` (the size and time bulk sync compares, bulk/sync-metadata.ts) is not part of
// any format: callers may set it.
const RESERVED_METADATA =
  /^(x-amz-(key|key-v2|wrap-alg|matdesc|iv|cek-alg|tag-len|unencrypted-content-length|crypto-instr-file|[c3mtwdi])|s3enc-(?!sync-).*)$/;

function taggingOf(tags: unknown): string | undefined {
  if (tags === undefined) return undefined;
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags))
    throw new InvalidArgumentError('tags must be an object of strings');
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 10) throw new InvalidArgumentError('S3 allows at most 10 tags per object');
  for (const [k, v] of entries) {
    if (k.length === 0 || typeof v !== 'string')
      throw new InvalidArgumentError('tags must map non-empty keys to strings');
  }
  return entries.length === 0
    ? undefined
    : new URLSearchParams(entries as [string, string][]).toString();
}

function checkUserMetadata(m: unknown): Readonly<Record<string, string>> {
  if (m === undefined) return {};
  if (m === null || typeof m !== 'object' || Array.isArray(m))
    throw new InvalidArgumentError('metadata must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    const key = k.toLowerCase();
    if (typeof v !== 'string' || key.length === 0)
      throw new InvalidArgumentError('metadata must map non-empty keys to strings');
    if (RESERVED_METADATA.test(key))
      throw new InvalidArgumentError(`metadata key ${key} belongs to an encryption format`);
    out[key] = v;
  }
  return out;
}
