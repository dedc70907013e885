/**
 * Bounds the transfer engine applies to what servers claim (DESIGN.md "Download": sizes and
 * lengths are bounded before anything is planned or allocated). The values live in core's
 * limits.ts, which mirrors docs/FORMAT.md's Limits table; these are the engine's names for them.
 */
import {
  ABORT_ATTEMPTS,
  MAX_HEADER_BYTES,
  READ_ATTEMPTS,
  REQUEST_ATTEMPTS,
  S3_MAX_OBJECT_SIZE,
} from '@s3enc/core';

/** S3's largest object: 5 TiB. */
export const MAX_OBJECT_SIZE = S3_MAX_OBJECT_SIZE;

/** Bytes from offset 0 that detection may fetch, at most (the largest header a reader buffers). */
export const MAX_PROBE_BYTES = MAX_HEADER_BYTES;

/** Tries per S3 request on top of the SDK's own (a body cut mid-read is not retried by the SDK). */
export { READ_ATTEMPTS };
/** Tries of the header fetch and of single-request writes. */
export { REQUEST_ATTEMPTS };
/** Tries of AbortMultipartUpload after a failed upload (each bounded in time). */
export { ABORT_ATTEMPTS };
