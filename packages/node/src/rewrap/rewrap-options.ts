/** The options and result of `rewrapObject` (docs/key-rotation.md). */
import type { EncryptionContext, Keyring } from '@s3enc/core';
import type { SseCustomerKeyInput } from '../sse.js';

/** Options of `rewrapObject` / `EncryptedS3Client.rewrap`. */
export interface RewrapOptions {
  /**
   * Keys that wrap the data key in the new header (one KMS Encrypt per KMS key). Keys the object
   * already lists are not added twice.
   */
  addKeyring?: Keyring | undefined;
  /**
   * Key ids to drop from the header (KMS key ARNs as `head` lists them, or `namespace/keyName`
   * for raw AES keys); `'all'` keeps only the keys of `addKeyring` (a replacement).
   */
  removeKeyIds?: readonly string[] | 'all' | undefined;
  /** Unwraps the data key from the current header. Default: the client's keyring. */
  decryptKeyring?: Keyring | undefined;
  /**
   * Rewrap only if this is still the current version (otherwise ERR_S3ENC_REWRAP_NOT_CURRENT).
   * Default: the current version, whichever it is.
   */
  versionId?: string | undefined;
  /** The SSE-C key the object is stored with; the new version is stored with it too. */
  sseCustomerKey?: SseCustomerKeyInput | undefined;
  /** Pairs the object's encryption context must contain (checked before any key use). */
  encryptionContext?: EncryptionContext | undefined;
  /**
   * Report what would change (the keys before and after, after unwrapping the data key to prove
   * the rewrap can be done) and write nothing.
   */
  dryRun?: boolean | undefined;
  /**
   * In a bucket without versioning the rewrapped object replaces the only copy of the old one.
   * Refused (ERR_S3ENC_REWRAP_UNVERSIONED) unless this is true.
   */
  allowUnversionedOverwrite?: boolean | undefined;
  /**
   * After the new version is written, read it back and verify it (its size and header are what
   * was written, the data key unwraps from the new header with `addKeyring` or
   * `decryptKeyring`, the header tag, the first and final frames and the frames at every part
   * boundary authenticate), then delete the source version (DeleteObject of exactly that
   * version id; needs s3:DeleteObjectVersion). Irreversible, so off by default. Refused before
   * anything is written when the bucket is not versioned (ERR_S3ENC_REWRAP_DELETE_UNVERSIONED)
   * or the source version is under Object Lock retention or legal hold
   * (ERR_S3ENC_REWRAP_DELETE_LOCKED); a failed check keeps the source version
   * (ERR_S3ENC_REWRAP_VERIFY_FAILED, ERR_S3ENC_REWRAP_DELETE_REFUSED). An object already
   * wrapped as asked (`unchanged`) is left alone: older versions are not looked for.
   */
  deleteSourceVersionAfterVerify?: boolean | undefined;
  /**
   * Bytes per UploadPartCopy for the body after the first part. Default: the smallest multiple of
   * 512 MiB that fits S3's 10,000 parts (at least 5 MiB, at most 5 GiB).
   */
  copyPartSize?: number | undefined;
  /** Parallel UploadPartCopy requests. Default: the client's concurrency. */
  concurrency?: number | undefined;
  maxEncryptedDataKeys?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** What `rewrapObject` did (or, with `dryRun`, would do). */
export interface RewrapResult {
  readonly bucket: string;
  readonly key: string;
  /**
   * `rewrapped`: a new version was written; `unchanged`: the object is already wrapped as asked
   * (nothing written); `would-rewrap`: a dry run that found something to change.
   */
  readonly status: 'rewrapped' | 'unchanged' | 'would-rewrap';
  /** The version that was read (kept unless `deleteSourceVersionAfterVerify`). */
  readonly sourceVersionId: string | undefined;
  /**
   * What became of the source version: `kept`; `deleted` (`deleteSourceVersionAfterVerify`,
   * after the new version verified); `would-delete` (a dry run with that option, whose checks
   * passed).
   */
  readonly sourceVersionAction: 'kept' | 'deleted' | 'would-delete';
  readonly sourceEtag: string | undefined;
  /** The new version (status `rewrapped`). */
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
  readonly keyIdsBefore: readonly string[];
  readonly keyIdsAfter: readonly string[];
  /** Stored size before and after (the header length may change). */
  readonly sizeBefore: number;
  readonly sizeAfter: number;
  /** Bytes this client sent in request bodies (the new header plus the start of the body). */
  readonly bytesUploaded: number;
  /**
   * Bytes this client downloaded (the old header plus the start of the body, and with
   * `deleteSourceVersionAfterVerify` the new header and the frames read back).
   */
  readonly bytesDownloaded: number;
  /** Bytes S3 copied server side (UploadPartCopy). */
  readonly bytesCopied: number;
  /** Parts of the new object (1 for a single PutObject). */
  readonly parts: number;
}
