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
  /** The version that was read (kept: rewrap never deletes it). */
  readonly sourceVersionId: string | undefined;
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
  /** Bytes this client downloaded (the old header plus the start of the body). */
  readonly bytesDownloaded: number;
  /** Bytes S3 copied server side (UploadPartCopy). */
  readonly bytesCopied: number;
  /** Parts of the new object (1 for a single PutObject). */
  readonly parts: number;
}
