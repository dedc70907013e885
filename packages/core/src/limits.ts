/**
 * Every limit s3enc enforces, in one place: this file mirrors the "Limits" table of
 * docs/FORMAT.md (keep the two equal). Checks in core use these names; @s3enc/node imports the
 * transfer ones (S3, concurrency, retries) from the package index.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

// --- The message format ---------------------------------------------------------------

/** Largest frame length accepted: 2³²−1 would be legal in the format; we cap memory per frame. */
export const MAX_FRAME_LENGTH = 64 * MiB;
/** Largest frame sequence number, so most frames per message (the final-frame marker is 0xFFFFFFFF). */
export const MAX_FRAME_SEQ = 0xffff_ffff - 1;
/** Largest size of a message or its plaintext: sizes are JS numbers, held in safe integers (< 2⁵³). */
export const MAX_SAFE_SIZE = Number.MAX_SAFE_INTEGER;
/** Encrypted data keys a header may list unless the caller allows more (checked before any KMS call). */
export const DEFAULT_MAX_ENCRYPTED_DATA_KEYS = 3;
/** Largest header a reader buffers while looking for its end (a hostile header cannot grow memory). */
export const MAX_HEADER_BYTES = 1 * MiB;
/** Context keys with this prefix are reserved by the AWS Encryption SDK: refused on write. */
export const RESERVED_CONTEXT_KEY_PREFIX = 'aws-crypto-';

// --- Amazon S3 ------------------------------------------------------------------------

/** S3's largest object. */
export const S3_MAX_OBJECT_SIZE = 5 * TiB;
/** S3's most parts per multipart upload. */
export const S3_MAX_PARTS = 10_000;
/** S3's smallest part (all but the last). */
export const S3_MIN_PART_SIZE = 5 * MiB;
/** S3's largest part. */
export const S3_MAX_PART_SIZE = 5 * GiB;

// --- Transfers (used by @s3enc/node) -----------------------------------------------------

/** Fewest parallel requests of one transfer. */
export const MIN_CONCURRENCY = 1;
/** Most parallel requests of one transfer. */
export const MAX_CONCURRENCY = 64;
/** Attempts of the AWS SDK's own retry strategy per request (the SDK's `maxAttempts`). */
export const SDK_MAX_ATTEMPTS = 5;
/** Attempts of one ranged GET on top of the SDK's (a body cut mid-read is not retried by it). */
export const READ_ATTEMPTS = 4;
/** Attempts of the header fetch, of a part upload and of single-request writes, on top of the SDK's. */
export const REQUEST_ATTEMPTS = 3;
/** Attempts of AbortMultipartUpload after a failed upload (each bounded in time) before the upload id is reported. */
export const ABORT_ATTEMPTS = 4;
/** First back-off between transfer attempts, doubled each time up to {@link MAX_RETRY_DELAY_MS}. */
export const RETRY_BASE_DELAY_MS = 50;
/** Longest back-off between transfer attempts. */
export const MAX_RETRY_DELAY_MS = 1000;

// --- Data-key cache (off by default; docs/transfer.md, "Data-key cache: the trade-off") -------

/** Longest `maxAgeMs` of a data-key cache: a cache serves a burst of work, not a day's audit trail. */
export const MAX_DATA_KEY_CACHE_AGE_MS = 24 * 60 * 60 * 1000;
/** Most messages one cached data key may encrypt (the AWS Encryption SDK's limit, 2³²). */
export const MAX_CACHED_KEY_MESSAGES = 2 ** 32;
/** Most plaintext bytes one cached data key may encrypt (the SDK allows 2⁶³−1; sizes are safe integers). */
export const MAX_CACHED_KEY_BYTES = Number.MAX_SAFE_INTEGER;
/** Default `maxMessages` of a data-key cache. */
export const DEFAULT_CACHED_KEY_MESSAGES = 1000;
/** Default `maxBytes` of a data-key cache. */
export const DEFAULT_CACHED_KEY_BYTES = 1 * GiB;
/** Default `capacity` (entries, encrypt and decrypt together) of a data-key cache. */
export const DEFAULT_DATA_KEY_CACHE_CAPACITY = 100;
/** Largest `capacity` of a data-key cache. */
export const MAX_DATA_KEY_CACHE_CAPACITY = 100_000;
